package imaging

import (
	"encoding/binary"
)

// encoded is a file's pixel data as read: the native value (whole, or one
// frame at a time from stream), or the fragments of encapsulated data
// concatenated in data.
type encoded struct {
	native []byte
	data   []byte
	frags  []fragment
	bot    []uint32
	frames [][2]int // per frame, the first and last+1 fragment index

	stream     *stream // native frames are read from here, in order
	frameBytes int     // the size of one streamed frame
	next       int     // the frame the stream is at
}

// fragment is one item of encapsulated pixel data: off is the offset of
// its item tag from the first fragment's item tag (the reference of the
// offset tables), data[start:end] its bytes.
type fragment struct {
	off        int64
	start, end int
}

// frameData returns the encoded bytes of frame i: its fragments, which are
// adjacent in data.
func (e *encoded) frameData(i int) []byte {
	f := e.frames[i]
	return e.data[e.frags[f[0]].start:e.frags[f[1]-1].end]
}

// readPixels reads the pixel data value the stream is positioned at.
func readPixels(h *header, im *image, lim Limits, buf []byte) (*encoded, error) {
	undefined := h.pix.length == undefinedLength
	switch {
	case im.syn.encapsulated && !undefined:
		return nil, malformed("pixel data has a defined length but transfer syntax %s "+
			"is encapsulated", im.syn.uid)
	case !im.syn.encapsulated && undefined:
		return nil, malformed("pixel data is encapsulated but transfer syntax %s is native",
			im.syn.uid)
	case undefined:
		return readFragments(h, lim, buf)
	}
	n := int64(h.pix.length)
	if !h.s.fits(n) {
		return nil, malformed("truncated: pixel data declares %d bytes but %d remain",
			n, h.s.remaining())
	}
	if err := checkNativeLength(im, n); err != nil {
		return nil, err
	}
	if fb, ok := streamable(im, h); ok {
		return &encoded{stream: h.s, frameBytes: fb, native: buf[:0]}, nil
	}
	if n > lim.MaxEncodedBytes {
		return nil, tooLarge("pixel data of %d bytes exceeds the limit of %d", n,
			lim.MaxEncodedBytes)
	}
	native := grow(buf, int(n))
	if err := h.s.full(native); err != nil {
		return nil, truncated("the pixel data", h.s.pos)
	}
	if h.pix.big && h.pix.vr == vrOW && im.m.BitsAllocated != 16 &&
		im.m.BitsAllocated != 32 {
		swapPairs(native)
	}
	return &encoded{native: native}, nil
}

// streamable reports whether native frames can be read one at a time:
// they fill whole bytes and need no byte swapping across frames. It
// returns the size of a frame.
func streamable(im *image, h *header) (int, bool) {
	bits := im.nativeFrameBits()
	swapped := h.pix.big && h.pix.vr == vrOW && im.m.BitsAllocated == 8
	return int(bits / 8), bits%8 == 0 && im.m.BitsAllocated >= 8 && !swapped
}

// nativeFrame returns the bytes holding native frame i and the index of the
// frame within them. Streamed frames must be asked for in order.
func (e *encoded) nativeFrame(i int) ([]byte, int, error) {
	if e.stream == nil {
		return e.native, i, nil
	}
	if i != e.next {
		return nil, 0, malformed("native frame %d read out of order", i)
	}
	e.native = grow(e.native, e.frameBytes)
	if err := e.stream.full(e.native); err != nil {
		return nil, 0, truncated("the pixel data", e.stream.pos)
	}
	e.next++
	return e.native, 0, nil
}

// frame16 converts native 16-bit frame i into dst with conv, straight from
// the stream's buffer when frames are streamed.
func (e *encoded) frame16(i int, dst []float32, conv func(src []byte, dst []float32)) error {
	if e.stream == nil {
		conv(e.native[2*len(dst)*i:], dst)
		return nil
	}
	if i != e.next {
		return malformed("native frame %d read out of order", i)
	}
	for k := 0; k < len(dst); {
		n := min(len(dst)-k, 16<<10)
		b, err := e.stream.peek(2 * n)
		if err != nil {
			return truncated("the pixel data", e.stream.pos)
		}
		conv(b, dst[k:k+n])
		e.stream.next(2 * n) //nolint:errcheck // peeked
		k += n
	}
	e.next++
	return nil
}

// grow returns buf resized to n bytes, keeping its content.
func grow(buf []byte, n int) []byte {
	if cap(buf) >= n {
		return buf[:n]
	}
	nb := make([]byte, n, max(n, 2*cap(buf)))
	copy(nb, buf)
	return nb
}

// swapPairs turns big-endian 16-bit words into little-endian ones, so
// that 8-, 1- and 12-bit data in a big-endian OW value reads as in little
// endian.
func swapPairs(b []byte) {
	for i := 0; i+1 < len(b); i += 2 {
		b[i], b[i+1] = b[i+1], b[i]
	}
}

// readFragments reads the items of encapsulated pixel data up to the
// sequence delimiter (PS3.5 Section A.4): the Basic Offset Table, then the
// fragments. A delimiter with a non-zero length is accepted.
func readFragments(h *header, lim Limits, buf []byte) (*encoded, error) {
	e := &encoded{data: buf[:0]}
	first, seenBOT := int64(-1), false
	bo := binary.ByteOrder(binary.LittleEndian)
	if h.pix.big {
		bo = binary.BigEndian
	}
	for {
		at := h.s.pos
		n, done, err := fragmentHeader(h, bo)
		if done || err != nil {
			return e, err
		}
		if err := checkFragment(h, lim, n, len(e.data)); err != nil {
			return nil, err
		}
		start := len(e.data)
		e.data = grow(e.data, start+int(n))
		if err := h.s.full(e.data[start:]); err != nil {
			return nil, truncated("a pixel data fragment", at)
		}
		if !seenBOT {
			seenBOT = true
			e.bot = offsets(e.data[start:], bo)
			e.data = e.data[:start]
			continue
		}
		if first < 0 {
			first = at
		}
		e.frags = append(e.frags, fragment{off: at - first, start: start, end: len(e.data)})
	}
}

// fragmentHeader reads the header of the next item of encapsulated pixel
// data: its length, or done at the sequence delimiter.
func fragmentHeader(h *header, bo binary.ByteOrder) (n int64, done bool, err error) {
	at := h.s.pos
	b, err := h.s.next(8)
	if err != nil {
		return 0, false, truncated("encapsulated pixel data", at)
	}
	tag := uint32(bo.Uint16(b))<<16 | uint32(bo.Uint16(b[2:]))
	n = int64(bo.Uint32(b[4:]))
	switch {
	case tag == tagSeqDelim:
		return 0, true, nil
	case tag != tagItem || n == undefinedLength:
		return 0, false, malformed("encapsulated pixel data holds tag (%04X,%04X) at "+
			"offset %d", tag>>16, tag&0xFFFF, at)
	}
	return n, false, nil
}

func checkFragment(h *header, lim Limits, n int64, held int) error {
	if int64(held)+n > lim.MaxEncodedBytes {
		return tooLarge("encapsulated pixel data exceeds the limit of %d bytes",
			lim.MaxEncodedBytes)
	}
	if !h.s.fits(n) {
		return malformed("truncated: a pixel data fragment declares %d bytes but %d remain",
			n, h.s.remaining())
	}
	return nil
}

// offsets decodes a Basic Offset Table.
func offsets(b []byte, bo binary.ByteOrder) []uint32 {
	out := make([]uint32, len(b)/4)
	for i := range out {
		out[i] = bo.Uint32(b[4*i:])
	}
	return out
}
