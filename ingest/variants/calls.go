package variants

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/clinfuse/clinfuse/schemas"
)

const (
	// batchRows is the number of rows per emitted record batch.
	batchRows = 1 << 15
	// batchBytes caps the string bytes of a batch, keeping 32-bit offsets
	// far from overflow when alleles are long.
	batchBytes = 64 << 20
)

// String columns of schemas.VariantCalls, by position in callBuilder.str,
// and the schema field each one fills.
const (
	cSource = iota
	cSample
	cPatient
	cChrom
	cRef
	cAlt
	cKind
	cSVType
	cGene
	cCons
	cImpact
	cZyg
	nStr
)

var stringFields = [nStr]int{0, 1, 2, 3, 5, 6, 7, 8, 11, 12, 13, 14}

// callBuilder accumulates schemas.VariantCalls rows and emits full batches.
// A builder without an allocator (Inspect) only counts.
type callBuilder struct {
	mem    memory.Allocator
	str    [nStr]strColumn
	pos    []int64
	pass   bitmap
	qual   []float64
	qvalid bitmap
	qnulls int
	allele []int32
	rows   int
	bytes  int
	source []byte
	emit   func(arrow.Record) error
	// contigs, when set, gathers the contigs of valid records.
	contigs *contigSet
}

func newCallBuilder(mem memory.Allocator, source string,
	emit func(arrow.Record) error) *callBuilder {
	b := &callBuilder{mem: mem, source: []byte(source), emit: emit}
	b.reset()
	return b
}

func (b *callBuilder) reset() {
	for i := range b.str {
		b.str[i].reset()
	}
	b.pos, b.pass, b.qual = b.pos[:0], b.pass[:0], b.qual[:0]
	b.qvalid, b.qnulls, b.allele = b.qvalid[:0], 0, b.allele[:0]
	b.rows, b.bytes = 0, 0
}

// site notes the contig of one valid record.
func (b *callBuilder) site(chrom []byte) {
	if b.contigs != nil {
		b.contigs.add(chrom)
	}
}

// call is one row in the making; nil byte slices and empty strings become
// nulls in the nullable columns.
type call struct {
	sample, patient   []byte
	chrom, ref, alt   []byte
	kind              string
	svType            []byte
	gene              []byte
	cons, impact, zyg string
	pos               int64
	qual              float64
	hasQual, pass     bool
	allele            int32
}

// add appends one row, emitting the batch when it is full.
func (b *callBuilder) add(c *call) error {
	if b.mem == nil {
		return nil
	}
	b.addStrings(c)
	b.pos = append(b.pos, c.pos)
	b.pass.set(b.rows, c.pass)
	b.qual = append(b.qual, c.qual)
	b.qvalid.set(b.rows, c.hasQual)
	if !c.hasQual {
		b.qnulls++
	}
	b.allele = append(b.allele, c.allele)
	b.rows++
	b.bytes += len(c.ref) + len(c.alt) + len(c.gene) + len(c.sample) + len(c.patient)
	if b.rows == batchRows || b.bytes >= batchBytes {
		return b.flush()
	}
	return nil
}

// addStrings appends the string columns of one row.
func (b *callBuilder) addStrings(c *call) {
	s := &b.str
	s[cSource].append(b.source)
	s[cSample].append(c.sample)
	appendNullable(&s[cPatient], c.patient)
	s[cChrom].append(c.chrom)
	s[cRef].append(c.ref)
	s[cAlt].append(c.alt)
	s[cKind].appendString(c.kind)
	appendNullable(&s[cSVType], c.svType)
	appendNullable(&s[cGene], c.gene)
	appendNullableString(&s[cCons], c.cons)
	appendNullableString(&s[cImpact], c.impact)
	s[cZyg].appendString(c.zyg)
}

func appendNullable(c *strColumn, v []byte) {
	if v == nil {
		c.appendNull()
		return
	}
	c.append(v)
}

func appendNullableString(c *strColumn, v string) {
	if v == "" {
		c.appendNull()
		return
	}
	c.appendString(v)
}

// flush emits the rows gathered so far, if any.
func (b *callBuilder) flush() error {
	if b.rows == 0 || b.mem == nil {
		return nil
	}
	rec := b.record()
	defer rec.Release()
	b.reset()
	return b.emit(rec)
}

// record copies the batch into Arrow memory.
func (b *callBuilder) record() arrow.Record {
	cols := make([]arrow.Array, len(schemas.VariantCalls.Fields()))
	for i, f := range stringFields {
		cols[f] = b.str[i].array(b.mem)
	}
	n := b.rows
	cols[4] = makeArray(arrow.PrimitiveTypes.Int64, n, 0, b.mem,
		nil, arrow.Int64Traits.CastToBytes(b.pos))
	cols[9] = makeArray(arrow.FixedWidthTypes.Boolean, n, 0, b.mem, nil, b.pass)
	var qv []byte
	if b.qnulls > 0 {
		qv = b.qvalid
	}
	cols[10] = makeArray(arrow.PrimitiveTypes.Float64, n, b.qnulls, b.mem,
		qv, arrow.Float64Traits.CastToBytes(b.qual))
	cols[15] = makeArray(arrow.PrimitiveTypes.Int32, n, 0, b.mem,
		nil, arrow.Int32Traits.CastToBytes(b.allele))
	rec := array.NewRecord(schemas.VariantCalls, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return rec
}
