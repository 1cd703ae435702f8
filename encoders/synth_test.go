package encoders

import (
	"math"
	"sort"
)

// cohort is a synthetic population with a hidden disease factor z ~ N(0,1)
// planted in every modality, in the manner of the lead's synthetic export:
// the image signal is the mean density of a soft-tissue ellipse ("organ")
// inside a body ellipse of varying size; a few record features and a few
// genes' burdens shift with z; the label is z plus noise above a threshold.
type cohort struct {
	in Inputs
	z  []float64
	y  []float64
}

// synthCohort makes n patients with 12 record and 20 variant features; each
// modality is missing with probability missing (but every patient keeps at
// least one).
func synthCohort(seed uint64, n int, sh [3]int, missing float64) cohort {
	return synthCohortOf(seed, n, sh, 12, 20, missing)
}

// synthCohortOf is synthCohort with records and variants features.
func synthCohortOf(seed uint64, n int, sh [3]int, records, variants int, missing float64) cohort {
	rng := newRand(seed, 99)
	c := cohort{in: Inputs{ImageShape: sh, Image: make([][]float32, n),
		Records: make([][]float64, n), Variants: make([][]float64, n)},
		z: make([]float64, n), y: make([]float64, n)}
	for i := range n {
		z := rng.NormFloat64()
		c.z[i] = z
		if z+0.5*rng.NormFloat64() > 0.6 {
			c.y[i] = 1
		}
		c.in.Image[i] = synthStudy(rng, sh, z)
		c.in.Records[i] = synthRecords(rng, z, records)
		c.in.Variants[i] = synthVariants(rng, z, variants)
		drop := []bool{rng.Float64() < missing, rng.Float64() < missing, rng.Float64() < missing}
		if drop[0] && drop[1] && drop[2] {
			drop[rng.IntN(3)] = false
		}
		if drop[0] {
			c.in.Image[i] = nil
		}
		if drop[1] {
			c.in.Records[i] = nil
		}
		if drop[2] {
			c.in.Variants[i] = nil
		}
	}
	return c
}

// synthStudy draws a body ellipse (density about 0.3) whose size varies
// from patient to patient, with an organ ellipse of density 0.5+0.08*z.
func synthStudy(rng interface{ Float64() float64 }, sh [3]int, z float64) []float32 {
	rows, cols := float64(sh[1]), float64(sh[2])
	size := 0.55 + 0.35*rng.Float64()
	body := 0.28 + 0.06*rng.Float64()
	organ := 0.5 + 0.08*z
	ox, oy := 0.1*(rng.Float64()-0.5), 0.1*(rng.Float64()-0.5)
	out := make([]float32, sh[0]*sh[1]*sh[2])
	for s := range sh[0] {
		shrink := 1 - 0.15*math.Abs(float64(s)-float64(sh[0]-1)/2)/float64(sh[0])
		for y := range sh[1] {
			for x := range sh[2] {
				u, v := (float64(x)+0.5)/cols*2-1, (float64(y)+0.5)/rows*2-1
				val := 0.0
				if (u*u)/(size*size)+(v*v)/(0.8*size*0.8*size) < 1 {
					val = body
					du, dv := (u-ox-0.2*size)/(0.35*size*shrink), (v-oy)/(0.3*size*shrink)
					if du*du+dv*dv < 1 {
						val = organ
					}
				}
				val += 0.03 * (rng.Float64() - 0.5)
				out[(s*sh[1]+y)*sh[2]+x] = float32(min(max(val, 0), 1))
			}
		}
	}
	return out
}

// synthRecords has d >= 5 features: 3 shift with z, the last 2 are 0/1
// indicators (one tied to z), the others are nuisance; one value in ten is
// missing (NaN).
func synthRecords(rng interface {
	Float64() float64
	NormFloat64() float64
}, z float64, d int) []float64 {
	r := make([]float64, d)
	for j := range d - 2 {
		r[j] = 50 + 10*rng.NormFloat64()
		if j < 3 {
			r[j] += 6 * z
		}
		if rng.Float64() < 0.1 {
			r[j] = math.NaN()
		}
	}
	if z+rng.NormFloat64() > 0.5 {
		r[d-2] = 1
	}
	if rng.Float64() < 0.5 {
		r[d-1] = 1
	}
	return r
}

// synthVariants has d gene burdens; genes 0..3 are hit more often with z.
func synthVariants(rng interface{ Float64() float64 }, z float64, d int) []float64 {
	v := make([]float64, d)
	for j := range v {
		p := 0.15
		if j < 4 {
			p = 1 / (1 + math.Exp(-(z*1.2 - 1.2)))
		}
		for range 3 {
			if rng.Float64() < p {
				v[j]++
			}
		}
	}
	return v
}

// probeR2 fits a ridge regression of target on the features of the
// patients in fit (standardised with the fit patients' statistics), and
// returns its R^2 on the patients in test.
func probeR2(x [][]float64, target []float64, fit, test []int, lambda float64) float64 {
	x = standardise(x, fit)
	d := len(x[fit[0]]) + 1
	row := func(i int) []float64 { return append([]float64{1}, x[i]...) }
	a, b := make([][]float64, d), make([]float64, d)
	for j := range d {
		a[j] = make([]float64, d)
		if j > 0 {
			a[j][j] = lambda
		}
	}
	for _, i := range fit {
		r := row(i)
		for j := range d {
			b[j] += r[j] * target[i]
			for k := range d {
				a[j][k] += r[j] * r[k]
			}
		}
	}
	beta := solve(a, b)
	var mean, ssTot, ssRes float64
	for _, i := range test {
		mean += target[i] / float64(len(test))
	}
	for _, i := range test {
		pred := dot64(row(i), beta)
		ssRes += (target[i] - pred) * (target[i] - pred)
		ssTot += (target[i] - mean) * (target[i] - mean)
	}
	return 1 - ssRes/ssTot
}

// standardise scales every column of x to mean 0 and variance 1 over the
// rows in fit.
func standardise(x [][]float64, fit []int) [][]float64 {
	d := len(x[fit[0]])
	mean, sd := make([]float64, d), make([]float64, d)
	for _, i := range fit {
		for j, v := range x[i] {
			mean[j] += v / float64(len(fit))
		}
	}
	for _, i := range fit {
		for j, v := range x[i] {
			sd[j] += (v - mean[j]) * (v - mean[j]) / float64(len(fit))
		}
	}
	out := make([][]float64, len(x))
	for i, r := range x {
		out[i] = make([]float64, d)
		for j, v := range r {
			out[i][j] = (v - mean[j]) / math.Sqrt(sd[j]+1e-12)
		}
	}
	return out
}

// solve solves a x = b by Gaussian elimination with partial pivoting.
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p], b[c], b[p] = a[p], a[c], b[p], b[c]
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k < n; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < n; k++ {
			s -= a[r][k] * x[k]
		}
		x[r] = s / a[r][r]
	}
	return x
}

// auroc is the probability that a random positive scores above a random
// negative (ties count half).
func auroc(score, y []float64, idx []int) float64 {
	type pair struct{ s, y float64 }
	ps := make([]pair, len(idx))
	for k, i := range idx {
		ps[k] = pair{score[i], y[i]}
	}
	sort.Slice(ps, func(a, b int) bool { return ps[a].s < ps[b].s })
	var pos, neg, rankSum float64
	for k := 0; k < len(ps); {
		j := k
		for j < len(ps) && ps[j].s == ps[k].s {
			j++
		}
		for m := k; m < j; m++ {
			if ps[m].y == 1 {
				rankSum += float64(k+j+1) / 2
				pos++
			} else {
				neg++
			}
		}
		k = j
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}
