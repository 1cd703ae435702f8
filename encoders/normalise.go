package encoders

import "math"

// clipZ bounds every standardised feature, so that one extreme value cannot
// saturate a layer: a value beyond clipZ standard deviations is clipped.
const clipZ = 8

// normaliser standardises the columns of a feature table with statistics
// from the data it was fitted on. Columns holding only 0 and 1 are
// indicators and pass through unchanged; missing values (NaN) become the
// column mean, that is 0 after standardisation (indicators: 0).
type normaliser struct {
	Log1p     bool      `json:"log1p"`
	Mean      []float64 `json:"mean"`
	Scale     []float64 `json:"scale"`
	Indicator []bool    `json:"indicator"`
}

// fitNormaliser computes column statistics over the present rows, in row
// order. With log1p, counts are compressed by sign(x)*log(1+|x|) first.
func fitNormaliser(rows [][]float64, width int, log1p bool) *normaliser {
	n := &normaliser{Log1p: log1p, Mean: make([]float64, width),
		Scale: make([]float64, width), Indicator: make([]bool, width)}
	for j := range width {
		n.fitColumn(rows, j)
	}
	return n
}

func (n *normaliser) fitColumn(rows [][]float64, j int) {
	var sum, sq float64
	count, binary := 0, true
	for _, r := range rows {
		v, ok := n.raw(r, j)
		if !ok {
			continue
		}
		binary = binary && (v == 0 || v == 1)
		sum += v
		count++
	}
	mean := sum / float64(max(count, 1))
	if math.IsInf(mean, 0) {
		mean = 0
	}
	for _, r := range rows {
		if v, ok := n.raw(r, j); ok {
			sq += (v - mean) * (v - mean)
		}
	}
	sd := math.Sqrt(sq / float64(max(count, 1)))
	n.Indicator[j] = binary && !n.Log1p
	n.Mean[j], n.Scale[j] = mean, sd
	if !(sd > 1e-12) || math.IsInf(sd, 0) {
		n.Scale[j] = 1
	}
}

// raw returns column j of row r after the optional log compression, and
// whether it is a usable number (present, not NaN, finite).
func (n *normaliser) raw(r []float64, j int) (float64, bool) {
	if r == nil {
		return 0, false
	}
	v := r[j]
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	if n.Log1p {
		v = math.Copysign(math.Log1p(math.Abs(v)), v)
	}
	return v, true
}

// apply standardises one row into dst.
func (n *normaliser) apply(r []float64, dst []float32) {
	for j := range dst {
		dst[j] = float32(n.value(r[j], j))
	}
}

func (n *normaliser) value(v float64, j int) float64 {
	if math.IsNaN(v) {
		return 0
	}
	if n.Log1p && !math.IsInf(v, 0) {
		v = math.Copysign(math.Log1p(math.Abs(v)), v)
	}
	if !n.Indicator[j] {
		v = (v - n.Mean[j]) / n.Scale[j]
	}
	return math.Max(-clipZ, math.Min(clipZ, v))
}
