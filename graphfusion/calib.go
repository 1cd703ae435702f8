package graphfusion

import (
	"math"
	"math/rand/v2"
	"slices"
)

// platt is a calibration map p = σ(A·z + B) on a logit z.
type platt struct{ A, B float64 }

func (c platt) apply(z float64) float64 { return sigmoid(c.A*z + c.B) }

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// fitPlatt minimises the log loss of σ(A·z+B) on (z, y) by Newton's method
// with a small ridge pulling towards the identity, which keeps the fit
// defined when the classes separate. Without both classes it returns the
// identity.
func fitPlatt(z, y []float64) platt {
	pos := 0.0
	for _, v := range y {
		pos += v
	}
	if pos == 0 || pos == float64(len(y)) {
		return platt{A: 1}
	}
	const ridge = 1e-2
	c := platt{A: 1}
	for range 50 {
		var ga, gb, haa, hab, hbb float64
		for i, zi := range z {
			p := c.apply(zi)
			r, w := p-y[i], max(p*(1-p), 1e-12)
			ga += r * zi
			gb += r
			haa += w * zi * zi
			hab += w * zi
			hbb += w
		}
		ga += ridge * (c.A - 1)
		gb += ridge * c.B
		haa += ridge
		hbb += ridge
		det := haa*hbb - hab*hab
		if det <= 0 {
			break
		}
		da := (hbb*ga - hab*gb) / det
		db := (haa*gb - hab*ga) / det
		c.A -= da
		c.B -= db
		if math.Abs(da)+math.Abs(db) < 1e-10 {
			break
		}
	}
	return c
}

// bootPlatt refits the calibration on n bootstrap resamples of (z, y).
func bootPlatt(rng *rand.Rand, z, y []float64, n int) []platt {
	out := make([]platt, n)
	bz, by := make([]float64, len(z)), make([]float64, len(z))
	for b := range out {
		for i := range z {
			j := rng.IntN(len(z))
			bz[i], by[i] = z[j], y[j]
		}
		out[b] = fitPlatt(bz, by)
	}
	return out
}

// percentile returns the q-quantile of xs (linear interpolation); xs is
// sorted in place.
func percentile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	slices.Sort(xs)
	pos := q * float64(len(xs)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(xs)-1)
	return xs[lo] + (pos-float64(lo))*(xs[hi]-xs[lo])
}

// CalPoint is one bin of a calibration curve.
type CalPoint struct {
	Predicted, Observed float64
	Count               int
}

// calCurve bins predictions into ten equal-width bins and returns the
// non-empty ones.
func calCurve(p, y []float64) []CalPoint {
	var sp, sy [10]float64
	var cnt [10]int
	for i, pi := range p {
		b := min(int(pi*10), 9)
		sp[b] += pi
		sy[b] += y[i]
		cnt[b]++
	}
	var out []CalPoint
	for b := range 10 {
		if cnt[b] > 0 {
			n := float64(cnt[b])
			out = append(out, CalPoint{Predicted: sp[b] / n, Observed: sy[b] / n, Count: cnt[b]})
		}
	}
	return out
}
