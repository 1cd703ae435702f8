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
	aprops := pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(),
		pqarrow.WithAllocator(w.mem))
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

// writeRows writes the rows of one table, adding each with add.
func writeRows[T any](ctx context.Context, w writer, out io.Writer, schema *arrow.Schema,
	rows []T, add func(*array.RecordBuilder, *T)) error {
	return w.writeParquet(ctx, out, schema, len(rows), func(b *array.RecordBuilder, lo, hi int) {
		for i := lo; i < hi; i++ {
			add(b, &rows[i])
		}
	})
}

func (w writer) risksParquet(ctx context.Context, out io.Writer, r *Run) error {
	return writeRows(ctx, w, out, schemas.Risks, r.Risks, appendRisk)
}

func appendRisk(b *array.RecordBuilder, k *Risk) {
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

func (w writer) contributionsParquet(ctx context.Context, out io.Writer, r *Run) error {
	return writeRows(ctx, w, out, schemas.Contributions, r.Contributions, appendContribution)
}

func appendContribution(b *array.RecordBuilder, c *Contribution) {
	strB(b, 0).Append(validUTF8(c.PatientID))
	strB(b, 1).Append(validUTF8(c.Target))
	strB(b, 2).Append(validUTF8(c.Modality))
	f64B(b, 3).Append(c.Value)
}

func (w writer) embeddingsParquet(ctx context.Context, out io.Writer, r *Run) error {
	return writeRows(ctx, w, out, schemas.Embeddings, r.Embeddings, appendEmbedding)
}

func appendEmbedding(b *array.RecordBuilder, e *Embedding) {
	strB(b, 0).Append(validUTF8(e.PatientID))
	strB(b, 1).Append(validUTF8(e.Modality))
	lb := b.Field(2).(*array.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array.Float32Builder).AppendValues(e.Vector, nil)
}

func (w writer) edgesParquet(ctx context.Context, out io.Writer, r *Run) error {
	return writeRows(ctx, w, out, schemas.Edges, r.Edges, appendEdge)
}

func appendEdge(b *array.RecordBuilder, e *Edge) {
	strB(b, 0).Append(validUTF8(e.Source))
	strB(b, 1).Append(validUTF8(e.Target))
	f64B(b, 2).Append(e.Weight)
}

func (w writer) rejectedParquet(ctx context.Context, out io.Writer, r *Run) error {
	return writeRows(ctx, w, out, schemas.Rejected, r.Rejections, appendRejection)
}

// appendRejection writes a whole-file rejection (line 0) with a null line.
func appendRejection(b *array.RecordBuilder, x *Rejection) {
	strB(b, 0).Append(validUTF8(x.File))
	line := b.Field(1).(*array.Int64Builder)
	if x.Line > 0 {
		line.Append(x.Line)
	} else {
		line.AppendNull()
	}
	strB(b, 2).Append(validUTF8(x.Stage))
	strB(b, 3).Append(validUTF8(x.Reason))
}
