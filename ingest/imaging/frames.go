package imaging

import (
	"bytes"
	"encoding/binary"
)

// mapFrames assigns fragments to frames (PS3.5 Section A.4), trying in
// order: the Extended Offset Table, the Basic Offset Table, a single frame
// (all fragments), one fragment per frame, and the frame-start markers of
// the codec's streams. Offset tables that do not point at fragment items
// are ignored.
func mapFrames(e *encoded, im *image) error {
	n := im.m.Frames
	if len(e.frags) == 0 {
		return malformed("encapsulated pixel data has no fragments")
	}
	if len(e.frags) < n {
		return malformed("%d fragments cannot hold %d frames", len(e.frags), n)
	}
	if f, ok := byOffsets(e, extendedOffsets(im.ds), n); ok {
		e.frames = f
		return nil
	}
	if f, ok := byOffsets(e, widen(e.bot), n); ok {
		e.frames = f
		return nil
	}
	switch {
	case n == 1:
		e.frames = [][2]int{{0, len(e.frags)}}
		return nil
	case len(e.frags) == n:
		e.frames = make([][2]int, n)
		for i := range e.frames {
			e.frames[i] = [2]int{i, i + 1}
		}
		return nil
	}
	if f, ok := byMarkers(e, im.syn.codec, n); ok {
		e.frames = f
		return nil
	}
	return malformed("cannot tell which of %d fragments belong to each of %d frames "+
		"(no usable offset table)", len(e.frags), n)
}

// extendedOffsets reads the Extended Offset Table (7FE0,0001), 64-bit
// offsets.
func extendedOffsets(ds *dataset) []int64 {
	el := ds.get(tagExtOffsets)
	if el == nil || len(el.value) == 0 || len(el.value)%8 != 0 {
		return nil
	}
	out := make([]int64, len(el.value)/8)
	for i := range out {
		out[i] = int64(el.order().Uint64(el.value[8*i:]))
	}
	return out
}

func widen(v []uint32) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

// byOffsets maps frames from an offset table: frame i starts at the
// fragment whose item is at offs[i].
func byOffsets(e *encoded, offs []int64, n int) ([][2]int, bool) {
	if len(offs) != n {
		return nil, false
	}
	starts := make([]int, n)
	j := 0
	for i, off := range offs {
		for j < len(e.frags) && e.frags[j].off < off {
			j++
		}
		if j == len(e.frags) || e.frags[j].off != off || (i > 0 && j <= starts[i-1]) {
			return nil, false
		}
		starts[i] = j
	}
	if starts[0] != 0 {
		return nil, false
	}
	return spans(starts, len(e.frags)), true
}

// spans turns frame start indices into [start, end) fragment ranges.
func spans(starts []int, total int) [][2]int {
	out := make([][2]int, len(starts))
	for i, s := range starts {
		end := total
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		out[i] = [2]int{s, end}
	}
	return out
}

// byMarkers splits fragments where a codec stream starts: a JPEG or
// JPEG-LS SOI marker, a JPEG 2000 codestream or JP2 signature, or an RLE
// header. It succeeds only if exactly n frames start, the first at
// fragment 0.
func byMarkers(e *encoded, c codecKind, n int) ([][2]int, bool) {
	var starts []int
	for i, f := range e.frags {
		if startsFrame(e.data[f.start:f.end], c) {
			starts = append(starts, i)
		}
	}
	if len(starts) != n || starts[0] != 0 {
		return nil, false
	}
	return spans(starts, len(e.frags)), true
}

var (
	j2kSOC = []byte{0xFF, 0x4F, 0xFF, 0x51}
	jp2Sig = []byte{0, 0, 0, 0x0C, 'j', 'P', ' ', ' '}
)

func startsFrame(b []byte, c codecKind) bool {
	switch c {
	case codecJPEG, codecJPEGLS:
		return len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF
	case codecJ2K:
		return bytes.HasPrefix(b, j2kSOC) || bytes.HasPrefix(b, jp2Sig)
	case codecRLE:
		return len(b) >= 64 && binary.LittleEndian.Uint32(b[4:]) == 64 &&
			binary.LittleEndian.Uint32(b) >= 1 && binary.LittleEndian.Uint32(b) <= 15
	}
	return false
}
