package variants

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// The column accumulators below gather a batch in plain Go slices, reused
// from batch to batch, and copy it into buffers from the caller's allocator
// only when the batch is emitted. Appending to a slice costs a fraction of
// an Arrow builder's Append, and the Arrow side still owns every byte it
// hands out.

// bitmap is an Arrow-style bit-packed bitmap (LSB first).
type bitmap []byte

// set appends bit i with value v; bits must be appended in order.
func (b *bitmap) set(i int, v bool) {
	if i>>3 >= len(*b) {
		*b = append(*b, 0)
	}
	if v {
		(*b)[i>>3] |= 1 << (i & 7)
	}
}

// strColumn accumulates a string column. Its validity bitmap is only built
// once the first null arrives; until then every row is valid.
type strColumn struct {
	offsets []int32
	data    []byte
	valid   bitmap
	nulls   int
}

func (c *strColumn) reset() {
	c.offsets = append(c.offsets[:0], 0)
	c.data, c.valid, c.nulls = c.data[:0], c.valid[:0], 0
}

func (c *strColumn) append(v []byte) {
	if c.nulls > 0 {
		c.valid.set(len(c.offsets)-1, true)
	}
	c.data = append(c.data, v...)
	c.offsets = append(c.offsets, int32(len(c.data)))
}

func (c *strColumn) appendString(v string) {
	if c.nulls > 0 {
		c.valid.set(len(c.offsets)-1, true)
	}
	c.data = append(c.data, v...)
	c.offsets = append(c.offsets, int32(len(c.data)))
}

func (c *strColumn) appendNull() {
	row := len(c.offsets) - 1
	if c.nulls == 0 {
		for i := range row {
			c.valid.set(i, true)
		}
	}
	c.valid.set(row, false)
	c.nulls++
	c.offsets = append(c.offsets, int32(len(c.data)))
}

// array copies the column into Arrow memory.
func (c *strColumn) array(mem memory.Allocator) arrow.Array {
	n := len(c.offsets) - 1
	var valid []byte
	if c.nulls > 0 {
		valid = c.valid
	}
	return makeArray(arrow.BinaryTypes.String, n, c.nulls, mem,
		valid, arrow.Int32Traits.CastToBytes(c.offsets), c.data)
}

// makeArray builds an array of type t from copies of the given buffers; a
// nil buffer stays absent.
func makeArray(t arrow.DataType, n, nulls int, mem memory.Allocator, bufs ...[]byte) arrow.Array {
	owned := make([]*memory.Buffer, len(bufs))
	for i, b := range bufs {
		if b == nil {
			continue
		}
		owned[i] = memory.NewResizableBuffer(mem)
		owned[i].Resize(len(b))
		copy(owned[i].Bytes(), b)
	}
	data := array.NewData(t, n, owned, nil, nulls, 0)
	for _, b := range owned {
		if b != nil {
			b.Release()
		}
	}
	defer data.Release()
	return array.MakeFromData(data)
}
