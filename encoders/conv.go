package encoders

import "sync"

// convGeom is a square-kernel 2-D convolution from inC x inH x inW to
// outC x outH x outW, with zero padding pad on every side.
type convGeom struct {
	inC, inH, inW    int
	outC, outH, outW int
	k, stride, pad   int
}

func newConvGeom(inC, inH, inW, outC, k, stride, pad int) convGeom {
	return convGeom{inC: inC, inH: inH, inW: inW, outC: outC,
		outH: (inH+2*pad-k)/stride + 1, outW: (inW+2*pad-k)/stride + 1,
		k: k, stride: stride, pad: pad}
}

func (g convGeom) depth() int   { return g.inC * g.k * g.k } // rows of the column matrix
func (g convGeom) plane() int   { return g.outH * g.outW }   // output positions
func (g convGeom) inSize() int  { return g.inC * g.inH * g.inW }
func (g convGeom) outSize() int { return g.outC * g.plane() }

// span returns the output positions o in [lo, hi) whose input coordinate
// o*stride - pad + d falls inside [0, n).
func (g convGeom) span(d, n, outN int) (lo, hi int) {
	// o*stride >= pad-d and o*stride <= n-1+pad-d
	lo = max(0, ceilDiv(g.pad-d, g.stride))
	hi = min(outN, floorDiv(n-1+g.pad-d, g.stride)+1)
	return lo, max(lo, hi)
}

func ceilDiv(a, b int) int {
	if a <= 0 {
		return -(-a / b)
	}
	return (a + b - 1) / b
}

func floorDiv(a, b int) int {
	if a >= 0 {
		return a / b
	}
	return -((-a + b - 1) / b)
}

// spans holds, for each kernel offset d, the output range [lo, hi) whose
// input coordinate stays inside the image, for rows (y) and columns (x).
type spans struct{ y, x [][2]int }

func (g convGeom) spans() spans {
	s := spans{y: make([][2]int, g.k), x: make([][2]int, g.k)}
	for d := range g.k {
		s.y[d][0], s.y[d][1] = g.span(d, g.inH, g.outH)
		s.x[d][0], s.x[d][1] = g.span(d, g.inW, g.outW)
	}
	return s
}

// im2col writes the column matrix of the image at the start of x: row r =
// (c, dy, dx),
// column p = output position, value x[c, oy*s-pad+dy, ox*s-pad+dx] or 0.
// col has row stride ld >= plane() and colRows() rows; the columns past
// plane() and the rows past depth() are zeroed. x may extend past the image
// (the rest of a batch): the vector gather then reads whole vectors more
// often, and ignores what it reads past a row.
func (g convGeom) im2col(x, col []float32, ld int, sp spans) {
	clear(col[g.depth()*ld : g.colRows()*ld])
	if g.halves() {
		g.im2colHalves(x, col, ld)
		return
	}
	for c := range g.inC {
		img := x[c*g.inH*g.inW:]
		for dy := range g.k {
			for dx := range g.k {
				r := (c*g.k+dy)*g.k + dx
				g.im2colRow(img, col[r*ld:(r+1)*ld], dy, dx, sp)
			}
		}
	}
}

// halves reports whether the convolution has stride 2 over an image of
// exactly twice its output size in each direction (an even image with
// k = 3 and pad = 1), for which im2colHalves applies.
func (g convGeom) halves() bool {
	return g.stride == 2 && g.inH == 2*g.outH && g.inW == 2*g.outW
}

// phaseScratch holds the polyphase planes of im2colHalves, reused across
// calls.
var phaseScratch = sync.Pool{New: func() any { return new([]float32) }}

// im2colHalves is im2col when halves holds. Each channel is split once
// into its four polyphase planes (even or odd rows by even or odd columns,
// each outH x outW); input pixel (2*oy-pad+dy, 2*ox-pad+dx) is then pixel
// (oy+sy, ox+sx) of one plane, sy and sx in {-1, 0, 1}, so each row of the
// column matrix is a whole plane shifted by a constant: one block copy,
// then zeros where the shift leaves the plane. Short image rows no longer
// cost a gather call each.
func (g convGeom) im2colHalves(x, col []float32, ld int) {
	oh, ow := g.outH, g.outW
	pl, rows := oh*ow, g.inH*g.inW
	buf := phaseScratch.Get().(*[]float32)
	defer phaseScratch.Put(buf)
	if cap(*buf) < 2*rows {
		*buf = make([]float32, 2*rows)
	}
	cols, phases := (*buf)[:rows], (*buf)[rows:2*rows]
	for c := range g.inC {
		img := x[c*rows : (c+1)*rows]
		// Even columns of every row, then odd ones: with an even width
		// these are the even and odd entries of the flat image.
		gatherEven(cols[:rows/2], img)
		gatherEven(cols[rows/2:], img[1:])
		for px := range 2 {
			for iy := range g.inH {
				src := cols[px*rows/2+iy*ow:][:ow]
				copy(phases[((iy&1)*2+px)*pl+(iy>>1)*ow:][:ow], src)
			}
		}
		for dy := range g.k {
			py, sy := halfStep(dy - g.pad)
			for dx := range g.k {
				px, sx := halfStep(dx - g.pad)
				row := col[((c*g.k+dy)*g.k+dx)*ld:][:ld]
				shiftPlane(row[:pl], phases[(py*2+px)*pl:][:pl], oh, ow, sy, sx)
				clear(row[pl:])
			}
		}
	}
}

// halfStep splits d = 2*s + p with p in {0, 1}.
func halfStep(d int) (p, s int) {
	s = floorDiv(d, 2)
	return d - 2*s, s
}

// shiftPlane sets dst[oy*ow+ox] to src[(oy+sy)*ow+ox+sx], or to 0 where
// (oy+sy, ox+sx) falls outside the oh x ow plane.
func shiftPlane(dst, src []float32, oh, ow, sy, sx int) {
	n, off := oh*ow, sy*ow+sx
	lo, hi := max(0, -off), min(n, n-off)
	if lo >= hi {
		clear(dst)
		return
	}
	clear(dst[:lo])
	copy(dst[lo:hi], src[lo+off:hi+off])
	clear(dst[hi:])
	// The block copy wraps shifted columns onto the neighbouring row: zero
	// the first -sx (or last sx) columns of every row.
	first, last := 0, min(-sx, ow)
	if sx > 0 {
		first, last = max(ow-sx, 0), ow
	}
	for ox := first; ox < last; ox++ {
		for j := ox; j < n; j += ow {
			dst[j] = 0
		}
	}
}

func (g convGeom) im2colRow(img, row []float32, dy, dx int, sp spans) {
	ylo, yhi := sp.y[dy][0], sp.y[dy][1]
	xlo, xhi := sp.x[dx][0], sp.x[dx][1]
	clear(row[:ylo*g.outW])
	for oy := ylo; oy < yhi; oy++ {
		out := row[oy*g.outW : (oy+1)*g.outW]
		src := img[(oy*g.stride-g.pad+dy)*g.inW:]
		clear(out[:xlo])
		from := xlo*g.stride - g.pad + dx
		switch g.stride {
		case 1:
			copy(out[xlo:xhi], src[from:])
		case 2:
			gatherEven(out[xlo:xhi], src[from:])
		default:
			for ox := xlo; ox < xhi; ox++ {
				out[ox] = src[from+(ox-xlo)*g.stride]
			}
		}
		clear(out[xhi:])
	}
	clear(row[yhi*g.outW:])
}

// col2im adds the column matrix col (row stride ld) back onto the image it
// came from: dx is overwritten with the sum, in a fixed order, of every
// column entry that reads each input pixel.
func (g convGeom) col2im(col, dx []float32, ld int, sp spans) {
	clear(dx[:g.inSize()])
	for c := range g.inC {
		img := dx[c*g.inH*g.inW : g.inSize()]
		for dy := range g.k {
			for ddx := range g.k {
				r := (c*g.k+dy)*g.k + ddx
				g.col2imRow(col[r*ld:(r+1)*ld], img, dy, ddx, sp)
			}
		}
	}
}

func (g convGeom) col2imRow(row, img []float32, dy, dx int, sp spans) {
	xlo, xhi := sp.x[dx][0], sp.x[dx][1]
	for oy := sp.y[dy][0]; oy < sp.y[dy][1]; oy++ {
		src := row[oy*g.outW+xlo : oy*g.outW+xhi]
		// dst runs to the end of the image (never further: other
		// goroutines write the next images), so the vector scatter, which
		// rewrites the odd elements it spans unchanged, applies more often.
		dst := img[(oy*g.stride-g.pad+dy)*g.inW+xlo*g.stride-g.pad+dx:]
		switch g.stride {
		case 2:
			scatterAddEven(dst, src)
		default:
			for j, v := range src {
				dst[j*g.stride] += v
			}
		}
	}
}
