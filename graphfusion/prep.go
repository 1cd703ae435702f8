package graphfusion

import "math"

// standardiser holds per-view feature means and scales from training
// patients that have the view.
type standardiser struct {
	Mean, Scale [][]float64
}

func fitStandardiser(ps []patient, widths []int) standardiser {
	s := standardiser{Mean: make([][]float64, len(widths)), Scale: make([][]float64, len(widths))}
	for v, w := range widths {
		mean, sq := make([]float64, w), make([]float64, w)
		n := 0.0
		for _, p := range ps {
			if !p.present[v] {
				continue
			}
			n++
			for j, x := range p.x[v] {
				mean[j] += float64(x)
			}
		}
		for j := range mean {
			mean[j] /= max(n, 1)
		}
		for _, p := range ps {
			if p.present[v] {
				for j, x := range p.x[v] {
					d := float64(x) - mean[j]
					sq[j] += d * d
				}
			}
		}
		for j := range sq {
			sq[j] = math.Sqrt(sq[j] / max(n, 1))
			if sq[j] < 1e-12 {
				sq[j] = 1
			}
		}
		s.Mean[v], s.Scale[v] = mean, sq
	}
	return s
}

// features returns, per view, the row-major n×(width+1) matrix of
// standardised values followed by the missing indicator.
func (s standardiser) features(ps []patient) [][]float64 {
	out := make([][]float64, len(s.Mean))
	for v := range s.Mean {
		w := len(s.Mean[v]) + 1
		m := make([]float64, len(ps)*w)
		for i, p := range ps {
			row := m[i*w : (i+1)*w]
			if !p.present[v] {
				row[w-1] = 1
				continue
			}
			for j, x := range p.x[v] {
				row[j] = (float64(x) - s.Mean[v][j]) / s.Scale[v][j]
			}
		}
		out[v] = m
	}
	return out
}

// unit returns each patient's concatenated standardised present views
// scaled to unit length (all zeros when nothing is present), for cosine
// similarity.
func unit(feats [][]float64, n int) [][]float64 {
	total := 0
	for _, f := range feats {
		total += len(f)/n - 1
	}
	u := make([][]float64, n)
	for i := range n {
		row := make([]float64, 0, total)
		for _, f := range feats {
			w := len(f) / n
			row = append(row, f[i*w:(i+1)*w-1]...)
		}
		norm := 0.0
		for _, x := range row {
			norm += x * x
		}
		if norm > 0 {
			inv := 1 / math.Sqrt(norm)
			for j := range row {
				row[j] *= inv
			}
		}
		u[i] = row
	}
	return u
}
