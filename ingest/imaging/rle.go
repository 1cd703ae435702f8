package imaging

import "encoding/binary"

// rleFrame decodes one RLE Lossless frame (PS3.5 Annex G): a 64-byte
// header with the number of segments and their offsets, then one
// PackBits segment per byte plane, most significant byte of each sample
// first, sample by sample.
func (im *image) rleFrame(src []byte, dst []int32, planes []byte) ([]int32, []byte, error) {
	if len(src) < 64 {
		return nil, planes, malformed("RLE frame of %d bytes has no header", len(src))
	}
	bytesPer := im.m.BitsAllocated / 8
	nseg := int(binary.LittleEndian.Uint32(src))
	want := im.m.SamplesPerPixel * bytesPer
	if nseg != want || bytesPer < 1 {
		return nil, planes, malformed("RLE frame has %d segments, %s needs %d", nseg, im, want)
	}
	pixels := im.m.Rows * im.m.Columns
	planes = growBytes(planes, nseg*pixels)
	for s := range nseg {
		seg, err := rleSegment(src, s, nseg)
		if err != nil {
			return nil, planes, err
		}
		if err := unpackBits(seg, planes[s*pixels:(s+1)*pixels]); err != nil {
			return nil, planes, malformed("RLE segment %d: %v", s, err)
		}
	}
	return im.assembleRLE(planes, dst, pixels, bytesPer), planes, nil
}

func growBytes(b []byte, n int) []byte {
	if cap(b) >= n {
		return b[:n]
	}
	return make([]byte, n)
}

// rleSegment slices segment s out of the frame using the header offsets.
func rleSegment(src []byte, s, nseg int) ([]byte, error) {
	start := int64(binary.LittleEndian.Uint32(src[4+4*s:]))
	end := int64(len(src))
	if s+1 < nseg {
		end = int64(binary.LittleEndian.Uint32(src[8+4*s:]))
	}
	if start < 64 || start > end || end > int64(len(src)) {
		return nil, malformed("RLE segment %d has offsets %d..%d in a %d-byte frame",
			s, start, end, len(src))
	}
	return src[start:end], nil
}

// unpackBits expands a PackBits segment into out, which it must fill
// exactly; bytes decoded past the end (padding) are ignored.
func unpackBits(seg, out []byte) error {
	o := 0
	for i := 0; i < len(seg) && o < len(out); {
		n := int(int8(seg[i]))
		i++
		switch {
		case n >= 0:
			if i+n+1 > len(seg) {
				return errShortSegment
			}
			o += copy(out[o:], seg[i:i+n+1])
			i += n + 1
		case n != -128:
			if i >= len(seg) {
				return errShortSegment
			}
			for k := 0; k < 1-n && o < len(out); k++ {
				out[o] = seg[i]
				o++
			}
			i++
		}
	}
	if o < len(out) {
		return errShortSegment
	}
	return nil
}

var errShortSegment = malformed("segment ends before its plane is complete")

// assembleRLE combines byte planes into interleaved samples.
func (im *image) assembleRLE(planes []byte, dst []int32, pixels, bytesPer int) []int32 {
	spp := im.m.SamplesPerPixel
	dst = growInt32(dst, pixels*spp)
	spec := im.bitsSpec()
	for c := range spp {
		base := planes[c*bytesPer*pixels:]
		for p := range pixels {
			var v uint32
			for b := range bytesPer {
				v = v<<8 | uint32(base[b*pixels+p])
			}
			dst[p*spp+c] = spec.value(v)
		}
	}
	return dst
}
