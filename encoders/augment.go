package encoders

import "math/rand/v2"

// augmentation is one random transform of a study, the same for all its
// slices: optional flips, a shift (pixels leaving the grid are lost, pixels
// entering are 0) and an intensity jitter v' = clip(gain*v + bias, 0, 1).
type augmentation struct {
	flipRows, flipCols bool
	dy, dx             int
	gain, bias         float32
}

// drawAugmentation draws a transform for a study of shape sh: each flip with
// probability 1/2, shifts up to 1/16 of the side (at least 1 pixel), gain in
// [0.9, 1.1] and bias in [-0.05, 0.05].
func drawAugmentation(rng *rand.Rand, sh [3]int) augmentation {
	my, mx := max(1, sh[1]/16), max(1, sh[2]/16)
	return augmentation{
		flipRows: rng.IntN(2) == 1, flipCols: rng.IntN(2) == 1,
		dy: rng.IntN(2*my+1) - my, dx: rng.IntN(2*mx+1) - mx,
		gain: float32(0.9 + 0.2*rng.Float64()), bias: float32(0.1*rng.Float64() - 0.05),
	}
}

// apply writes the transformed src into dst (both slice-major, shape sh).
func (a augmentation) apply(src, dst []float32, sh [3]int) {
	rows, cols := sh[1], sh[2]
	for s := range sh[0] {
		in, out := src[s*rows*cols:(s+1)*rows*cols], dst[s*rows*cols:(s+1)*rows*cols]
		for y := range rows {
			sy := a.source(y, a.dy, rows, a.flipRows)
			for x := range cols {
				sx := a.source(x, a.dx, cols, a.flipCols)
				var v float32
				if sy >= 0 && sx >= 0 {
					v = in[sy*cols+sx]
				}
				out[y*cols+x] = clampUnit(a.gain*v + a.bias)
			}
		}
	}
}

// source is the source coordinate of output coordinate i, or -1 outside.
func (a augmentation) source(i, shift, n int, flip bool) int {
	i -= shift
	if i < 0 || i >= n {
		return -1
	}
	if flip {
		return n - 1 - i
	}
	return i
}

// corruptImage hides square patches (side 1/8 of the grid, at least 2
// pixels) covering about maskRate of each slice, and adds uniform noise of
// amplitude pixNoise to the rest.
func corruptImage(rng *rand.Rand, img []float32, sh [3]int) {
	rows, cols := sh[1], sh[2]
	ph, pw := max(2, rows/8), max(2, cols/8)
	patches := max(1, int(maskRate*float64(rows*cols)/float64(ph*pw)+0.5))
	for i := range img {
		img[i] = clampUnit(img[i] + float32(pixNoise*(2*rng.Float64()-1)))
	}
	for s := range sh[0] {
		slice := img[s*rows*cols : (s+1)*rows*cols]
		for range patches {
			y0, x0 := rng.IntN(rows-ph+1), rng.IntN(cols-pw+1)
			for y := y0; y < y0+ph; y++ {
				clear(slice[y*cols+x0 : y*cols+x0+pw])
			}
		}
	}
}

// corruptFeatures hides each standardised feature (sets it to the mean, 0)
// with probability maskRate and adds Gaussian noise of noiseSD to the rest.
func corruptFeatures(rng *rand.Rand, x []float32) {
	for i := range x {
		if rng.Float64() < maskRate {
			x[i] = 0
		} else {
			x[i] += float32(noiseSD * rng.NormFloat64())
		}
	}
}
