package imaging

import (
	"encoding/binary"
)

// bitsSpec extracts stored values from pixel cells (PS3.5 Section 8):
// the bits from shift to shift+bits-1, two's complement when signed.
type bitsSpec struct {
	shift  uint
	bits   uint
	signed bool
}

func (im *image) bitsSpec() bitsSpec {
	return bitsSpec{shift: im.shift, bits: uint(im.m.BitsStored),
		signed: im.m.PixelRepresentation == 1}
}

// value moves the stored bits to the top of a 32-bit word and back, which
// masks them and, for signed data, extends the sign.
func (b bitsSpec) value(raw uint32) int32 {
	up := 32 - min(b.bits, 32)
	v := raw >> b.shift << up
	if b.signed {
		return int32(v) >> up
	}
	return int32(v >> up)
}

// subsampled reports native YBR 4:2:2 data, two pixels in four samples.
func (im *image) subsampled() bool {
	p := im.m.Photometric
	return im.syn.codec == codecNative && (p == "YBR_FULL_422" || p == "YBR_PARTIAL_422")
}

// nativeFrameBits is the size of one native frame in bits.
func (im *image) nativeFrameBits() int64 {
	n := int64(im.samples)
	if im.subsampled() {
		n = n * 2 / 3
	}
	return n * int64(im.m.BitsAllocated)
}

// checkNativeLength rejects native pixel data shorter than its frames.
// Longer data (padding, a trailing pad byte) is accepted.
func checkNativeLength(im *image, have int64) error {
	need := (im.nativeFrameBits()*int64(im.m.Frames) + 7) / 8
	if have < need {
		return malformed("pixel data holds %d bytes but %s needs %d", have, im, need)
	}
	if im.subsampled() && (im.m.Columns%2 != 0 || im.m.BitsAllocated != 8) {
		return unsupported("%s with odd columns or more than 8 bits", im.m.Photometric)
	}
	return nil
}

// nativeFrame unpacks frame i of native pixel data into dst as interleaved
// samples.
func (im *image) nativeFrame(src []byte, big bool, i int, dst []int32) []int32 {
	dst = growInt32(dst, im.samples)
	bitOff := im.nativeFrameBits() * int64(i)
	spec := im.bitsSpec()
	switch {
	case im.subsampled():
		unpack422(src[bitOff/8:], dst)
	case im.m.BitsAllocated == 1:
		unpack1(src, bitOff, dst)
	case im.m.BitsAllocated == 12:
		unpack12(src, bitOff/12, dst, spec)
	default:
		unpackCells(src[bitOff/8:], big, im.m.BitsAllocated, dst, spec)
	}
	if im.planar == 1 && im.m.SamplesPerPixel == 3 && !im.subsampled() {
		interleave(dst)
	}
	return dst
}

func growInt32(b []int32, n int) []int32 {
	if cap(b) >= n {
		return b[:n]
	}
	return make([]int32, n)
}

// unpackCells reads 8-, 16- or 32-bit cells.
func unpackCells(src []byte, big bool, alloc int, dst []int32, spec bitsSpec) {
	switch alloc {
	case 8:
		for k := range dst {
			dst[k] = spec.value(uint32(src[k]))
		}
	case 16:
		unpack16(src, big, dst, spec)
	case 32:
		bo := binary.ByteOrder(binary.LittleEndian)
		if big {
			bo = binary.BigEndian
		}
		for k := range dst {
			dst[k] = spec.value(bo.Uint32(src[4*k:]))
		}
	}
}

// unpack16 is the hot path of CT and MR slices.
func unpack16(src []byte, big bool, dst []int32, spec bitsSpec) {
	src = src[:2*len(dst)]
	if !big && spec.shift == 0 && spec.bits == 16 {
		for k := range dst {
			v := uint16(src[2*k]) | uint16(src[2*k+1])<<8
			if spec.signed {
				dst[k] = int32(int16(v))
			} else {
				dst[k] = int32(v)
			}
		}
		return
	}
	for k := range dst {
		var v uint16
		if big {
			v = uint16(src[2*k])<<8 | uint16(src[2*k+1])
		} else {
			v = uint16(src[2*k]) | uint16(src[2*k+1])<<8
		}
		dst[k] = spec.value(uint32(v))
	}
}

// unpack1 reads 1-bit cells, least significant bit first (PS3.5 Section
// 8.1.1), starting at bit off.
func unpack1(src []byte, off int64, dst []int32) {
	for k := range dst {
		b := off + int64(k)
		dst[k] = int32(src[b/8]>>(b%8)) & 1
	}
}

// unpack12 reads 12-bit cells packed two in three bytes, as ACR-NEMA
// files store them: the first cell is byte 0 and the low nibble of byte
// 1, the second the high nibble of byte 1 and byte 2. first is the index
// of the frame's first cell.
func unpack12(src []byte, first int64, dst []int32, spec bitsSpec) {
	for k := range dst {
		c := first + int64(k)
		b := src[c/2*3:]
		var v uint32
		if c%2 == 0 {
			v = uint32(b[0]) | uint32(b[1]&0x0F)<<8
		} else {
			v = uint32(b[1]>>4) | uint32(b[2])<<4
		}
		dst[k] = spec.value(v)
	}
}

// unpack422 expands YBR 4:2:2 (Y0 Y1 Cb Cr per pixel pair) to interleaved
// Y Cb Cr per pixel.
func unpack422(src []byte, dst []int32) {
	for p := 0; p+5 < len(dst); p += 6 {
		q := src[p/6*4:]
		y0, y1, cb, cr := int32(q[0]), int32(q[1]), int32(q[2]), int32(q[3])
		dst[p], dst[p+1], dst[p+2] = y0, cb, cr
		dst[p+3], dst[p+4], dst[p+5] = y1, cb, cr
	}
}

// interleave turns planar colour (all R, all G, all B) into RGB triples.
func interleave(s []int32) {
	n := len(s) / 3
	tmp := make([]int32, len(s))
	for p := range n {
		tmp[3*p], tmp[3*p+1], tmp[3*p+2] = s[p], s[n+p], s[2*n+p]
	}
	copy(s, tmp)
}

// direct16 reports native 16-bit monochrome cells with a linear
// transform, which native16Physical converts in one pass.
func (im *image) direct16(tr transform) bool {
	return im.syn.codec == codecNative && im.m.BitsAllocated == 16 &&
		im.m.SamplesPerPixel == 1 && im.palette == nil && tr.lut == nil
}

// table16 maps every 16-bit cell to its physical value for one bit layout,
// byte order and linear transform: the values are those of the general
// path (bitsSpec.value, then transform.apply), looked up instead of
// recomputed.
type table16 struct {
	spec  bitsSpec
	big   bool
	tr    transform
	valid bool
	v     [1 << 16]float32
}

// matches reports whether t already holds the table for this layout.
func (t *table16) matches(im *image, big bool, tr transform) bool {
	return t != nil && t.valid && t.spec == im.bitsSpec() && t.big == big && t.tr == tr
}

// fill builds the table unless it already holds this layout.
func (t *table16) fill(spec bitsSpec, big bool, tr transform) {
	if t.valid && t.spec == spec && t.big == big && t.tr == tr {
		return
	}
	t.valid = false
	for raw := range 1 << 16 {
		cell := uint16(raw)
		if big {
			cell = cell>>8 | cell<<8
		}
		t.v[raw] = float32(tr.apply(int64(spec.value(uint32(cell)))))
	}
	t.spec, t.big, t.tr, t.valid = spec, big, tr, true
}

// lookup16 converts len(dst) cells of src to physical values through the
// table, indexed by each cell's bytes as stored (a little-endian load).
func lookup16(src []byte, dst []float32, t *table16) {
	n := len(dst)
	src = src[:2*n]
	k := 0
	for ; k+8 <= n; k += 8 {
		b := (*[16]byte)(src[2*k : 2*k+16])
		d := (*[8]float32)(dst[k : k+8])
		lo, hi := binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])
		d[0], d[1] = t.v[uint16(lo)], t.v[uint16(lo>>16)]
		d[2], d[3] = t.v[uint16(lo>>32)], t.v[uint16(lo>>48)]
		d[4], d[5] = t.v[uint16(hi)], t.v[uint16(hi>>16)]
		d[6], d[7] = t.v[uint16(hi>>32)], t.v[uint16(hi>>48)]
	}
	for ; k < n; k++ {
		dst[k] = t.v[binary.LittleEndian.Uint16(src[2*k:])]
	}
}
