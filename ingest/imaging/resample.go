package imaging

import (
	"math"

	"github.com/clinfuse/clinfuse/schemas"
)

// Resample windows frame f and resamples it to cfg.Grid x cfg.Grid values
// in [0,1], row-major, appended to dst[:0].
//
// The image keeps its physical aspect ratio (Pixel Spacing, 1 mm when
// absent): its larger side fills the grid and the other is centred, the
// margin reading 0. Each grid cell is the area average of the physical
// values it covers (a box filter, exact for down- and up-sampling), then
// windowed: cfg.WindowCenter/Width when the width is positive, else the
// file's own window, else the frame's min..max; colour frames are
// converted to luminance (ITU-R BT.601 weights) and windowed over their
// sample range. MONOCHROME1 is inverted so that higher means denser.
func Resample(m Meta, f Frame, cfg schemas.ImagingConfig, dst []float32) []float32 {
	g := max(cfg.Grid, 1)
	dst = append(dst[:0], make([]float32, g*g)...)
	if f.Rows <= 0 || f.Columns <= 0 || len(f.Pixels) < f.Rows*f.Columns*max(f.Samples, 1) {
		return dst
	}
	sy, sx := m.PixelSpacing[0], m.PixelSpacing[1]
	if sy <= 0 || sx <= 0 {
		sy, sx = 1, 1
	}
	side := max(float64(f.Rows)*sy, float64(f.Columns)*sx)
	wy := axisWeights(f.Rows, sy, side, g)
	wx := axisWeights(f.Columns, sx, side, g)
	val := sampler(f)
	lo, hi := window(m, f, cfg, val)
	invert := m.Photometric == "MONOCHROME1"
	rows := horizontalPass(f, wx, val)
	for oy, wsy := range wy {
		for ox, wsx := range wx {
			var s float64
			for _, w := range wsy.taps {
				s += w.w * rows[w.i*g+ox]
			}
			cover := wsy.in * wsx.in
			if cover > 0 {
				v := windowed(s/cover, lo, hi, invert) * cover / (wsy.total * wsx.total)
				dst[oy*g+ox] = float32(v)
			}
		}
	}
	return dst
}

// horizontalPass sums each source row into the grid's columns.
func horizontalPass(f Frame, wx []cell, val func(int) float64) []float64 {
	g := len(wx)
	out := make([]float64, f.Rows*g)
	for y := range f.Rows {
		for ox, ws := range wx {
			var s float64
			for _, w := range ws.taps {
				s += w.w * val(y*f.Columns+w.i)
			}
			out[y*g+ox] = s
		}
	}
	return out
}

// tap is one source pixel's weight in a grid cell.
type tap struct {
	i int
	w float64
}

// cell lists the source pixels a grid cell covers along one axis; in is
// the covered length inside the image, total the cell's length (both in
// source pixels).
type cell struct {
	taps      []tap
	in, total float64
}

// axisWeights computes box-filter weights for n source pixels of spacing
// sp mm onto g cells spanning side mm, the image centred.
func axisWeights(n int, sp, side float64, g int) []cell {
	cells := make([]cell, g)
	size := side / float64(g) / sp
	off := (side/sp - float64(n)) / 2
	for o := range cells {
		a, b := float64(o)*size-off, float64(o+1)*size-off
		c := cell{total: size}
		for i := max(int(math.Floor(a)), 0); i < n && float64(i) < b; i++ {
			w := math.Min(b, float64(i+1)) - math.Max(a, float64(i))
			if w > 0 {
				c.taps = append(c.taps, tap{i, w})
				c.in += w
			}
		}
		cells[o] = c
	}
	return cells
}

// sampler returns the value of pixel p: the sample, or the luminance of
// an RGB triple.
func sampler(f Frame) func(p int) float64 {
	px := f.Pixels
	if f.Samples == 3 {
		return func(p int) float64 {
			return 0.299*float64(px[3*p]) + 0.587*float64(px[3*p+1]) + 0.114*float64(px[3*p+2])
		}
	}
	return func(p int) float64 { return float64(px[p]) }
}

// window picks the value range mapped onto [0,1].
func window(m Meta, f Frame, cfg schemas.ImagingConfig, val func(int) float64) (lo, hi float64) {
	switch {
	case f.Samples == 3:
		lo, hi = 0, math.Exp2(float64(max(m.BitsStored, 8)))-1
	case cfg.WindowWidth > 0:
		lo, hi = cfg.WindowCenter-cfg.WindowWidth/2, cfg.WindowCenter+cfg.WindowWidth/2
	case m.HasWindow:
		lo, hi = m.WindowCenter-m.WindowWidth/2, m.WindowCenter+m.WindowWidth/2
	default:
		lo, hi = math.Inf(1), math.Inf(-1)
		for p := range f.Rows * f.Columns {
			v := val(p)
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if !(hi > lo) {
		hi = lo + 1
	}
	return lo, hi
}

func windowed(v, lo, hi float64, invert bool) float64 {
	t := math.Min(math.Max((v-lo)/(hi-lo), 0), 1)
	if invert {
		t = 1 - t
	}
	return t
}
