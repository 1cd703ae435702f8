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

// fitPlatt minimises the log loss of σ(A·z+B) on (z, y) by Newton's method.
// The fit runs on the logits standardised to mean 0 and deviation 1, with a
// small ridge pulling towards slope 1 and offset 0 there, which keeps it
// defined when the classes separate and makes it independent of the
// logits' scale (a strongly regularised head gives logits of small spread
// that still rank well). The slope is never negative: when the best one is,
// the map is the constant base rate. Without both classes it returns the
// identity.
func fitPlatt(z, y []float64) platt {
	pos := 0.0
	for _, v := range y {
		pos += v
	}
	if pos == 0 || pos == float64(len(y)) {
		return platt{A: 1}
	}
	mu, sd := meanSD(z)
	u := make([]float64, len(z))
	for i, zi := range z {
		u[i] = (zi - mu) / sd
	}
	c := newtonPlatt(u, y)
	if c.A < 0 {
		// A decreasing map would reverse the head's ranking: the logits
		// carry no usable evidence, so every risk is the base rate.
		return platt{B: math.Log(pos / (float64(len(y)) - pos))}
	}
	return platt{A: c.A / sd, B: c.B - c.A*mu/sd}
}

// meanSD returns the mean and standard deviation of xs (1 when it
// vanishes).
func meanSD(xs []float64) (float64, float64) {
	mu, sq := 0.0, 0.0
	for _, x := range xs {
		mu += x
	}
	mu /= float64(len(xs))
	for _, x := range xs {
		sq += (x - mu) * (x - mu)
	}
	sd := math.Sqrt(sq / float64(len(xs)))
	if !(sd > 1e-12) || math.IsInf(sd, 0) {
		sd = 1
	}
	return mu, sd
}

// newtonPlatt fits σ(A·u+B) with a ridge of 1e-2 towards A = 1, B = 0.
func newtonPlatt(u, y []float64) platt {
	const ridge = 1e-2
	c := platt{A: 1}
	for range 50 {
		var ga, gb, haa, hab, hbb float64
		for i, ui := range u {
			p := c.apply(ui)
			r, w := p-y[i], max(p*(1-p), 1e-12)
			ga += r * ui
			gb += r
			haa += w * ui * ui
			hab += w * ui
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
