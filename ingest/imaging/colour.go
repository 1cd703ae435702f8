package imaging

import "math"

// YBR to RGB coefficients (PS3.3 C.7.6.3.1.2, from ISO/IEC 10918-5 for
// full range), computed in float32 and rounded half up, so that lossless
// YBR data gives the same RGB as pydicom's convert_color_space.
var (
	ybrCrR = float32(1.402)
	ybrCbG = float32(-0.114 * 1.772 / 0.587)
	ybrCrG = float32(-0.299 * 1.402 / 0.587)
	ybrCbB = float32(1.772)
)

// toRGB converts interleaved YBR samples in place when the photometric
// interpretation needs it; RGB and J2K's YBR_RCT/YBR_ICT (inverted by the
// codec) pass through.
func toRGB(s []int32, photometric string, bits int) {
	switch photometric {
	case "YBR_FULL", "YBR_FULL_422":
		ybrFullToRGB(s, bits)
	case "YBR_PARTIAL_422":
		ybrPartialToRGB(s, bits)
	}
}

func ybrFullToRGB(s []int32, bits int) {
	half := float32(int32(1) << (bits - 1))
	top := float32(int32(1)<<bits - 1)
	for p := 0; p+2 < len(s); p += 3 {
		y, cb, cr := float32(s[p]), float32(s[p+1])-half, float32(s[p+2])-half
		r := y + cb*0 + cr*ybrCrR
		g := y + cb*ybrCbG + cr*ybrCrG
		b := y + cb*ybrCbB + cr*0
		s[p], s[p+1], s[p+2] = roundClamp(r, top), roundClamp(g, top), roundClamp(b, top)
	}
}

// ybrPartialToRGB converts limited-range YCbCr (PS3.3 C.7.6.3.1.2,
// YBR_PARTIAL_422, with Y in 16..235 and chroma in 16..240 for 8 bits).
func ybrPartialToRGB(s []int32, bits int) {
	bits = max(bits, 8)
	scale := float32(int32(1) << (bits - 8))
	half := 128 * scale
	top := float32(int32(1)<<bits - 1)
	for p := 0; p+2 < len(s); p += 3 {
		y := (float32(s[p]) - 16*scale) * 255 / 219
		cb := (float32(s[p+1]) - half) * 255 / 224
		cr := (float32(s[p+2]) - half) * 255 / 224
		r := y + cr*ybrCrR
		g := y + cb*ybrCbG + cr*ybrCrG
		b := y + cb*ybrCbB
		s[p], s[p+1], s[p+2] = roundClamp(r, top), roundClamp(g, top), roundClamp(b, top)
	}
}

func roundClamp(v, top float32) int32 {
	v = float32(math.Floor(float64(v + 0.5)))
	return int32(min(max(v, 0), top))
}

// applyPalette expands palette indices into RGB triples.
func (p *palette) apply(idx []int32, dst []int32) []int32 {
	dst = growInt32(dst, 3*len(idx))
	for k, v := range idx {
		i := int64(v)
		dst[3*k] = int32(p.r.at(i))
		dst[3*k+1] = int32(p.g.at(i))
		dst[3*k+2] = int32(p.b.at(i))
	}
	return dst
}
