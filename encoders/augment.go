package encoders

import "math/rand/v2"

// augmentation is one random geometric transform of a group of slices:
// optional flips and a shift (pixels leaving the grid are lost, pixels
// entering are 0). Intensities are left alone: after windowing they are
// physical densities, which the encoder must keep.
type augmentation struct {
	flipRows, flipCols bool
	dy, dx             int
}

// studyAugmentation transforms the even and the odd slices of a study
// independently, so that the two halves the slice objective compares
// differ by more than their anatomy.
type studyAugmentation [2]augmentation

// drawAugmentation draws a transform for slices of shape sh: each flip with
// probability 1/2 and shifts up to 1/16 of the side (at least 1 pixel).
func drawAugmentation(rng *rand.Rand, sh [3]int) augmentation {
	my, mx := max(1, sh[1]/16), max(1, sh[2]/16)
	return augmentation{
		flipRows: rng.IntN(2) == 1, flipCols: rng.IntN(2) == 1,
		dy: rng.IntN(2*my+1) - my, dx: rng.IntN(2*mx+1) - mx,
	}
}

// drawStudyAugmentation draws the transforms of the even, then the odd
// slices.
func drawStudyAugmentation(rng *rand.Rand, sh [3]int) studyAugmentation {
	return studyAugmentation{drawAugmentation(rng, sh), drawAugmentation(rng, sh)}
}

// apply writes the transformed src into dst (both slice-major, shape sh).
func (a studyAugmentation) apply(src, dst []float32, sh [3]int) {
	plane := sh[1] * sh[2]
	for s := range sh[0] {
		a[s%2].slice(src[s*plane:(s+1)*plane], dst[s*plane:(s+1)*plane], sh[1], sh[2])
	}
}

// slice transforms one slice.
func (a augmentation) slice(in, out []float32, rows, cols int) {
	for y := range rows {
		sy := a.source(y, a.dy, rows, a.flipRows)
		for x := range cols {
			sx := a.source(x, a.dx, cols, a.flipCols)
			var v float32
			if sy >= 0 && sx >= 0 {
				v = in[sy*cols+sx]
			}
			out[y*cols+x] = v
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

// drawCorruption writes the denoising corruption of one descriptor row:
// keep[j] is 0 (the feature is hidden, i.e. set to its mean, 0) with
// probability maskRate, else 1; noise[j] is Gaussian with deviation
// noiseSD. The encoder sees (descriptor + noise) * keep.
func drawCorruption(rng *rand.Rand, keep, noise []float32) {
	for j := range keep {
		keep[j] = 1
		if rng.Float64() < maskRate {
			keep[j] = 0
		}
		noise[j] = float32(noiseSD * rng.NormFloat64())
	}
}
