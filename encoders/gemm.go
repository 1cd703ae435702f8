package encoders

// The float32 matrix product behind the convolutions. Operands are laid out
// so that one micro-kernel does all the work: A is packed into panels of
// mr rows (panel p holds rows 4p..4p+3, element (i, l) at l*mr+i), B is
// row-major with a row stride that is a multiple of nr, and C is written in
// whole mr x nr tiles. Callers pad rows and columns up to those multiples
// with zeros and ignore the padded results. Every element of C is the sum
// over l in increasing order, so results never depend on how callers split
// work between goroutines.

const (
	mr = 4   // rows of a micro-kernel tile
	nr = 16  // columns of a micro-kernel tile
	kc = 256 // depth of one cache block of the inner dimension
)

// roundUp rounds n up to a multiple of m.
func roundUp(n, m int) int { return (n + m - 1) / m * m }

// gemmPacked computes C = A*B (or C += A*B with acc) for the panels of a
// (mPanels of them, depth k), B [k, ldb] and C [mPanels*mr, ldc], over the
// first nBlocks*nr columns.
func gemmPacked(mPanels, nBlocks, k int, a, b []float32, ldb int, c []float32, ldc int,
	acc bool) {
	if k == 0 {
		if !acc {
			for i := range mPanels * mr {
				clear(c[i*ldc : i*ldc+nBlocks*nr])
			}
		}
		return
	}
	checkGemm(mPanels, nBlocks, k, len(a), len(b), ldb, len(c), ldc)
	for l0 := 0; l0 < k; l0 += kc {
		depth := min(kc, k-l0)
		add := acc || l0 > 0
		for j := range nBlocks {
			bj := b[l0*ldb+j*nr:]
			for p := range mPanels {
				kernel(depth, a[p*k*mr+l0*mr:], bj, ldb, c[p*mr*ldc+j*nr:], ldc, add)
			}
		}
	}
}

// checkGemm panics when the operands are too small for the product: the
// assembly kernel does not check bounds, and callers size every buffer from
// validated geometry, so a failure here is a bug in this package.
func checkGemm(mPanels, nBlocks, k, la, lb, ldb, lc, ldc int) {
	if la < mPanels*k*mr || ldb < nBlocks*nr || lb < (k-1)*ldb+nBlocks*nr ||
		ldc < nBlocks*nr || lc < (mPanels*mr-1)*ldc+nBlocks*nr {
		panic("encoders: internal error: matrix product operands too small")
	}
}

// kernelGo is the portable micro-kernel: the mr x nr tile of C at c (row
// stride ldc) gets A-panel a times the nr columns of B at b (row stride
// ldb), over depth k.
func kernelGo(k int, a, b []float32, ldb int, c []float32, ldc int, acc bool) {
	var t [mr][nr]float32
	for l := range k {
		bl := b[l*ldb : l*ldb+nr]
		al := a[l*mr : l*mr+mr]
		for i := range mr {
			ai := al[i]
			for j := range nr {
				t[i][j] += ai * bl[j]
			}
		}
	}
	for i := range mr {
		ci := c[i*ldc : i*ldc+nr]
		for j := range nr {
			if acc {
				ci[j] += t[i][j]
			} else {
				ci[j] = t[i][j]
			}
		}
	}
}

// packRows packs the m x k matrix src (row stride ld) into panels of mr
// rows; rows past m are zero. dst needs roundUp(m, mr)*k floats.
func packRows(dst, src []float32, m, k, ld int) {
	for p := range roundUp(m, mr) / mr {
		panel := dst[p*k*mr : (p+1)*k*mr]
		for i := range mr {
			r := p*mr + i
			if r >= m {
				for l := range k {
					panel[l*mr+i] = 0
				}
				continue
			}
			row := src[r*ld : r*ld+k]
			for l, v := range row {
				panel[l*mr+i] = v
			}
		}
	}
}

// packCols packs the transpose of the k x m matrix src (row stride ld),
// that is the m x k matrix with element (i, l) = src[l*ld+i], into panels.
func packCols(dst, src []float32, m, k, ld int) {
	for p := range roundUp(m, mr) / mr {
		panel := dst[p*k*mr : (p+1)*k*mr]
		for l := range k {
			row := src[l*ld:]
			for i := range mr {
				v := float32(0)
				if r := p*mr + i; r < m {
					v = row[r]
				}
				panel[l*mr+i] = v
			}
		}
	}
}

// Tile of the dot-product kernel: ntRows rows of A against ntCols rows of B.
const (
	ntRows = 3
	ntCols = 4
)

// kernelNTGo is the portable dot-product kernel: the ntRows x ntCols tile
// of C at c (row stride ldc) gets the dot products over p of the rows of A
// at a (stride lda) with the rows of B at b (stride ldb).
func kernelNTGo(p int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for i := range ntRows {
		ai := a[i*lda : i*lda+p]
		for j := range ntCols {
			bj := b[j*ldb : j*ldb+p]
			var s float32
			for l, v := range ai {
				s += v * bj[l]
			}
			c[i*ldc+j] += s
		}
	}
}
