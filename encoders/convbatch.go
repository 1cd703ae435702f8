package encoders

import "sync"

// gradGroup is the number of images whose filter gradients one task sums
// before the tasks' partial sums are added in order. It is fixed, so the
// order of every addition is the same for any number of workers.
const gradGroup = 4

// scratch holds per-worker buffers, reused across the images a worker
// handles. Every user overwrites what it reads.
type scratch [][][]float32

func newScratch(workers, slots int) scratch {
	s := make(scratch, max(workers, 1))
	for w := range s {
		s[w] = make([][]float32, slots)
	}
	return s
}

func (s scratch) buf(worker, slot, n int) []float32 {
	if cap(s[worker][slot]) < n {
		s[worker][slot] = make([]float32, n)
	}
	return s[worker][slot][:n]
}

// reuse holds an op's output buffer between the steps of its graph. The
// package runs a graph one step at a time and reads no intermediate value of
// a step after the next step starts, so an op may overwrite its previous
// output; every user of get writes all of the buffer before it is read.
// This spares the allocation, zeroing and collection of large tensors at
// every step.
type reuse struct {
	mu   sync.Mutex
	data []float32
}

// get returns n floats of unspecified content; a nil reuse allocates.
func (r *reuse) get(n int) []float32 {
	if r == nil {
		return make([]float32, n)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if cap(r.data) < n {
		r.data = make([]float32, n)
	}
	return r.data[:n]
}

// The column matrix of one image has colRows() rows (depth rounded up to
// whole kernel tiles; the extra rows are zero) of colLd() floats (the output
// positions rounded up to whole tiles; the extra columns are zero).
func (g convGeom) colRows() int { return roundUp(g.depth(), max(mr, ntCols)) }
func (g convGeom) colLd() int   { return roundUp(g.plane(), nr) }
func (g convGeom) colSize() int { return g.colRows() * g.colLd() }

// im2colBatch returns the column matrices of the n images of x.
func (g convGeom) im2colBatch(x []float32, n, workers int, r *reuse) []float32 {
	out := r.get(n * g.colSize())
	sp, ld := g.spans(), g.colLd()
	parallelFor(workers, n, func(_, i int) {
		g.im2col(x[i*g.inSize():], out[i*g.colSize():], ld, sp)
	})
	return out
}

// col2imBatch folds the n column matrices of col back onto images, then
// adds the per-channel bias (nil: none) and applies act: [n, inC, inH, inW].
func (g convGeom) col2imBatch(col, bias []float32, act activation, n, workers int,
	r *reuse) []float32 {
	out := r.get(n * g.inSize())
	sp, ld := g.spans(), g.colLd()
	parallelFor(workers, n, func(_, i int) {
		dst := out[i*g.inSize() : (i+1)*g.inSize() : (i+1)*g.inSize()]
		g.col2im(col[i*g.colSize():], dst, ld, sp)
		activate(dst, bias, g.inH*g.inW, act)
	})
	return out
}

// gemmBatch returns act(W*col[i] + bias) for the n column matrices of col:
// the convolution's output [n, outC, outH, outW]. w is [outC, depth]; a nil
// bias adds nothing.
func (g convGeom) gemmBatch(col, w, bias []float32, act activation, n, workers int,
	r *reuse) []float32 {
	depth, plane, ld := g.depth(), g.plane(), g.colLd()
	mPad := roundUp(g.outC, mr)
	a := make([]float32, mPad*depth)
	packRows(a, w, g.outC, depth, depth)
	out := r.get(n * g.outSize())
	direct := ld == plane && mPad == g.outC
	scr := newScratch(workers, 1)
	parallelFor(workers, n, func(wk, i int) {
		b := col[i*g.colSize():]
		dst := out[i*g.outSize() : (i+1)*g.outSize()]
		if direct {
			gemmPacked(mPad/mr, ld/nr, depth, a, b, ld, dst, plane, false)
		} else {
			tmp := scr.buf(wk, 0, mPad*ld)
			gemmPacked(mPad/mr, ld/nr, depth, a, b, ld, tmp, ld, false)
			for co := range g.outC {
				copy(dst[co*plane:(co+1)*plane], tmp[co*ld:])
			}
		}
		activate(dst, bias, plane, act)
	})
	return out
}

// wtBatch returns W^T*gy[i] for the n images of gy [n, outC, outH, outW]:
// column matrices, the gradient of gemmBatch's col.
func (g convGeom) wtBatch(gy, w []float32, n, workers int, r *reuse) []float32 {
	depth, plane, ld, rows := g.depth(), g.plane(), g.colLd(), g.colRows()
	a := make([]float32, rows*g.outC)
	packCols(a, w, depth, g.outC, depth)
	out := r.get(n * g.colSize())
	scr := newScratch(workers, 1)
	parallelFor(workers, n, func(wk, i int) {
		b := gy[i*g.outSize() : (i+1)*g.outSize()]
		if ld != plane {
			b = padColumns(scr.buf(wk, 0, g.outC*ld), b, g.outC, plane, ld)
		}
		gemmPacked(rows/mr, ld/nr, g.outC, a, b, ld, out[i*g.colSize():], ld, false)
	})
	return out
}

// padColumns copies the rows x cols matrix src into dst with row stride ld,
// zeroing the extra columns, and returns dst.
func padColumns(dst, src []float32, rows, cols, ld int) []float32 {
	for r := range rows {
		copy(dst[r*ld:], src[r*cols:(r+1)*cols])
		clear(dst[r*ld+cols : (r+1)*ld])
	}
	return dst
}

// filterGradBatch returns the sum over images of gy[i] * col[i]^T, [outC,
// depth]: the weight gradient of gemmBatch. Each task sums gradGroup images
// into its own tile; the tiles are then added in task order.
func (g convGeom) filterGradBatch(col, gy []float32, n, workers int, r *reuse) []float32 {
	depth, plane, ld, rows := g.depth(), g.plane(), g.colLd(), g.colRows()
	mPad := roundUp(g.outC, ntRows)
	groups := (n + gradGroup - 1) / gradGroup
	partial := r.get(groups * mPad * rows)
	clear(partial)
	scr := newScratch(workers, 1)
	parallelFor(workers, groups, func(wk, gi int) {
		a := scr.buf(wk, 0, mPad*ld)
		clear(a[g.outC*ld:])
		c := partial[gi*mPad*rows : (gi+1)*mPad*rows]
		for i := gi * gradGroup; i < min(n, (gi+1)*gradGroup); i++ {
			padColumns(a, gy[i*g.outSize():], g.outC, plane, ld)
			b := col[i*g.colSize():]
			for bi := 0; bi < mPad; bi += ntRows {
				for bj := 0; bj < rows; bj += ntCols {
					kernelNT(ld, a[bi*ld:], ld, b[bj*ld:], ld, c[bi*rows+bj:], rows)
				}
			}
		}
	})
	dw := make([]float32, g.outC*depth)
	for gi := range groups {
		c := partial[gi*mPad*rows:]
		for co := range g.outC {
			for r := range depth {
				dw[co*depth+r] += c[co*rows+r]
			}
		}
	}
	return dw
}

// biasGrad sums gy [n, channels, plane] over images and positions, per
// channel, in a fixed order.
func biasGrad(gy []float32, n, channels, plane, workers int) []float32 {
	out := make([]float32, channels)
	parallelFor(workers, channels, func(_, c int) {
		var s float64
		for i := range n {
			s += sum8(gy[(i*channels+c)*plane : (i*channels+c+1)*plane])
		}
		out[c] = float32(s)
	})
	return out
}

// sum8 sums x in eight interleaved float32 lanes (independent chains the
// processor overlaps), then adds the lanes in float64, in a fixed order.
func sum8(x []float32) float64 {
	var l [8]float32
	i := 0
	for ; i+8 <= len(x); i += 8 {
		c := x[i : i+8 : i+8]
		l[0] += c[0]
		l[1] += c[1]
		l[2] += c[2]
		l[3] += c[3]
		l[4] += c[4]
		l[5] += c[5]
		l[6] += c[6]
		l[7] += c[7]
	}
	var s float64
	for _, v := range l {
		s += float64(v)
	}
	for _, v := range x[i:] {
		s += float64(v)
	}
	return s
}
