package encoders

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

// forward returns act(W*im2col(x[i]) + bias) for each of the n images of
// x, [n, outC, outH, outW]. w is [outC, depth]; a nil bias adds nothing.
func (g convGeom) forward(x, w, bias []float32, act activation, n, workers int) []float32 {
	depth, plane := g.depth(), g.plane()
	ld, mPad := roundUp(plane, nr), roundUp(g.outC, mr)
	a := make([]float32, mPad*depth)
	packRows(a, w, g.outC, depth, depth)
	out := make([]float32, n*g.outSize())
	direct := ld == plane && mPad == g.outC
	sp, scr := g.spans(), newScratch(workers, 2)
	parallelFor(workers, n, func(wk, i int) {
		col := scr.buf(wk, 0, depth*ld)
		g.im2col(x[i*g.inSize():], col, ld, sp)
		dst := out[i*g.outSize() : (i+1)*g.outSize()]
		if direct {
			gemmPacked(mPad/mr, ld/nr, depth, a, col, ld, dst, plane, false)
		} else {
			tmp := scr.buf(wk, 1, mPad*ld)
			gemmPacked(mPad/mr, ld/nr, depth, a, col, ld, tmp, ld, false)
			for co := range g.outC {
				copy(dst[co*plane:(co+1)*plane], tmp[co*ld:])
			}
		}
		activate(dst, bias, plane, act)
	})
	return out
}

// adjoint is the transpose of forward (without bias): for each image of gy
// [n, outC, outH, outW] it returns act(col2im(W^T * gy[i]) + bias), [n, inC,
// inH, inW]. It is the input gradient of a convolution and the forward pass
// of a transposed one.
func (g convGeom) adjoint(gy, w, bias []float32, act activation, n, workers int) []float32 {
	depth, plane := g.depth(), g.plane()
	ld, kPad := roundUp(plane, nr), roundUp(depth, mr)
	a := make([]float32, kPad*g.outC)
	packCols(a, w, depth, g.outC, depth)
	out := make([]float32, n*g.inSize())
	sp, scr := g.spans(), newScratch(workers, 2)
	parallelFor(workers, n, func(wk, i int) {
		b := gy[i*g.outSize() : (i+1)*g.outSize()]
		if ld != plane {
			b = padColumns(scr.buf(wk, 0, g.outC*ld), b, g.outC, plane, ld)
		}
		dcol := scr.buf(wk, 1, kPad*ld)
		gemmPacked(kPad/mr, ld/nr, g.outC, a, b, ld, dcol, ld, false)
		dst := out[i*g.inSize() : (i+1)*g.inSize()]
		g.col2im(dcol, dst, ld, sp)
		activate(dst, bias, g.inH*g.inW, act)
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

// filterGrad returns sum over images of gy[i] * im2col(x[i])^T, [outC,
// depth]: the weight gradient of a convolution with input x and output
// gradient gy (and of a transposed convolution with the roles exchanged).
// Each task sums gradGroup images into its own tile; the tiles are then
// added in task order.
func (g convGeom) filterGrad(x, gy []float32, n, workers int) []float32 {
	depth, plane := g.depth(), g.plane()
	ld := roundUp(plane, nr)
	mPad, kPad := roundUp(g.outC, ntRows), roundUp(depth, ntCols)
	groups := (n + gradGroup - 1) / gradGroup
	partial := make([]float32, groups*mPad*kPad)
	sp, scr := g.spans(), newScratch(workers, 2)
	parallelFor(workers, groups, func(wk, gi int) {
		col, a := scr.buf(wk, 0, kPad*ld), scr.buf(wk, 1, mPad*ld)
		clear(col[depth*ld:])
		clear(a[g.outC*ld:])
		c := partial[gi*mPad*kPad : (gi+1)*mPad*kPad]
		for i := gi * gradGroup; i < min(n, (gi+1)*gradGroup); i++ {
			g.im2col(x[i*g.inSize():], col, ld, sp)
			padColumns(a, gy[i*g.outSize():], g.outC, plane, ld)
			for bi := 0; bi < mPad; bi += ntRows {
				for bj := 0; bj < kPad; bj += ntCols {
					kernelNT(ld, a[bi*ld:], ld, col[bj*ld:], ld, c[bi*kPad+bj:], kPad)
				}
			}
		}
	})
	dw := make([]float32, g.outC*depth)
	for gi := range groups {
		c := partial[gi*mPad*kPad:]
		for co := range g.outC {
			for r := range depth {
				dw[co*depth+r] += c[co*kPad+r]
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
			for _, v := range gy[(i*channels+c)*plane : (i*channels+c+1)*plane] {
				s += float64(v)
			}
		}
		out[c] = float32(s)
	})
	return out
}
