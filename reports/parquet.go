package reports

import (
	"context"
	"io"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"

	"github.com/clinfuse/clinfuse/schemas"
)

// batchRows is the number of rows per Arrow record and Parquet row group.
const batchRows = 16384

// writeParquet writes n rows of schema to w, building one record of at most
// batchRows rows at a time with fill(builder, lo, hi). The files are Snappy
// compressed and carry the Arrow schema (with the clinfuse schema name and
// version) in their key-value metadata.
func (w writer) writeParquet(ctx context.Context, out io.Writer, schema *arrow.Schema, n int,
	fill func(b *array.RecordBuilder, lo, hi int)) error {
	props := parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithMaxRowGroupLength(batchRows),
		parquet.WithAllocator(w.mem),
	)
	aprops := pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(w.mem))
	fw, err := pqarrow.NewFileWriter(schema, out, props, aprops)
	if err != nil {
		return err
	}
	b := array.NewRecordBuilder(w.mem, schema)
	defer b.Release()
	for lo := 0; lo < n; lo += batchRows {
		if err := ctx.Err(); err != nil {
			fw.Close()
			return err
		}
		hi := min(lo+batchRows, n)
		fill(b, lo, hi)
		rec := b.NewRecord()
		err := fw.Write(rec)
		rec.Release()
		if err != nil {
			fw.Close()
			return err
		}
	}
	return fw.Close()
}

// validUTF8 returns s with invalid UTF-8 replaced, as Arrow strings require.
func validUTF8(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

func strB(b *array.RecordBuilder, i int) *array.StringBuilder {
	return b.Field(i).(*array.StringBuilder)
}

func f64B(b *array.RecordBuilder, i int) *array.Float64Builder {
	return b.Field(i).(*array.Float64Builder)
}

func (w writer) risksParquet(ctx context.Context, out io.Writer, r *Run) error {
	return w.writeParquet(ctx, out, schemas.Risks, len(r.Risks), func(b *array.RecordBuilder, lo, hi int) {
		for _, k := range r.Risks[lo:hi] {
			strB(b, 0).Append(validUTF8(k.PatientID))
			strB(b, 1).Append(validUTF8(k.Target))
			f64B(b, 2).Append(k.Risk)
			f64B(b, 3).Append(k.Low)
			f64B(b, 4).Append(k.High)
			strB(b, 5).Append(validUTF8(k.Band))
			strB(b, 6).Append(k.Status)
			strB(b, 7).Append(validUTF8(strings.Join(k.Modalities, "+")))
			strB(b, 8).Append(validUTF8(k.Driver))
		}
	})
}

func (w writer) contributionsParquet(ctx context.Context, out io.Writer, r *Run) error {
	cs := r.Contributions
	return w.writeParquet(ctx, out, schemas.Contributions, len(cs), func(b *array.RecordBuilder, lo, hi int) {
		for _, c := range cs[lo:hi] {
			strB(b, 0).Append(validUTF8(c.PatientID))
			strB(b, 1).Append(validUTF8(c.Target))
			strB(b, 2).Append(validUTF8(c.Modality))
			f64B(b, 3).Append(c.Value)
		}
	})
}

func (w writer) embeddingsParquet(ctx context.Context, out io.Writer, r *Run) error {
	es := r.Embeddings
	return w.writeParquet(ctx, out, schemas.Embeddings, len(es), func(b *array.RecordBuilder, lo, hi int) {
		lb := b.Field(2).(*array.ListBuilder)
		vb := lb.ValueBuilder().(*array.Float32Builder)
		for _, e := range es[lo:hi] {
			strB(b, 0).Append(validUTF8(e.PatientID))
			strB(b, 1).Append(validUTF8(e.Modality))
			lb.Append(true)
			vb.AppendValues(e.Vector, nil)
		}
	})
}

func (w writer) edgesParquet(ctx context.Context, out io.Writer, r *Run) error {
	es := r.Edges
	return w.writeParquet(ctx, out, schemas.Edges, len(es), func(b *array.RecordBuilder, lo, hi int) {
		for _, e := range es[lo:hi] {
			strB(b, 0).Append(validUTF8(e.Source))
			strB(b, 1).Append(validUTF8(e.Target))
			f64B(b, 2).Append(e.Weight)
		}
	})
}

func (w writer) rejectedParquet(ctx context.Context, out io.Writer, r *Run) error {
	rs := r.Rejections
	return w.writeParquet(ctx, out, schemas.Rejected, len(rs), func(b *array.RecordBuilder, lo, hi int) {
		line := b.Field(1).(*array.Int64Builder)
		for _, x := range rs[lo:hi] {
			strB(b, 0).Append(validUTF8(x.File))
			if x.Line > 0 {
				line.Append(x.Line)
			} else {
				line.AppendNull()
			}
			strB(b, 2).Append(validUTF8(x.Stage))
			strB(b, 3).Append(validUTF8(x.Reason))
		}
	})
}
