package graphfusion

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"text/tabwriter"
)

// order returns indices sorting score decreasingly (ties by index).
func order(score []float64) []int {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(score[b], score[a]) })
	return idx
}

// AUROC is the area under the ROC curve of score against binary truth,
// counting tied scores as half (the Mann-Whitney statistic). It is NaN
// when a class is absent.
func AUROC(score, truth []float64) float64 {
	idx := order(score)
	var pos, neg, area, negAbove float64
	for s := 0; s < len(idx); {
		e := s
		var p, n float64
		for ; e < len(idx) && score[idx[e]] == score[idx[s]]; e++ {
			if truth[idx[e]] == 1 {
				p++
			} else {
				n++
			}
		}
		area += p * (negAbove + n/2)
		negAbove += n
		pos += p
		neg += n
		s = e
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return 1 - area/(pos*neg)
}

// AUPRC is the average precision: the sum over distinct score thresholds,
// from the highest, of precision times the recall gained. NaN without
// positives.
func AUPRC(score, truth []float64) float64 {
	idx := order(score)
	total := 0.0
	for _, t := range truth {
		total += t
	}
	if total == 0 {
		return math.NaN()
	}
	var tp, seen, ap float64
	for s := 0; s < len(idx); {
		e := s
		gained := 0.0
		for ; e < len(idx) && score[idx[e]] == score[idx[s]]; e++ {
			gained += truth[idx[e]]
		}
		tp += gained
		seen += float64(e - s)
		ap += (tp / seen) * (gained / total)
		s = e
	}
	return ap
}

// Brier is the mean squared difference between probability and truth.
func Brier(prob, truth []float64) float64 {
	s := 0.0
	for i, p := range prob {
		d := p - truth[i]
		s += d * d
	}
	return s / float64(len(prob))
}

// ECE is the expected calibration error over ten equal-width probability
// bins: the count-weighted mean of |mean probability − observed rate|.
func ECE(prob, truth []float64) float64 {
	e := 0.0
	for _, c := range calCurve(prob, truth) {
		e += float64(c.Count) * math.Abs(c.Predicted-c.Observed)
	}
	return e / float64(len(prob))
}

// Interval is an estimate and its 95% interval.
type Interval struct {
	Value, Low, High float64
}

// BootstrapCI returns metric(score, truth) with the 2.5 and 97.5
// percentiles over resamples bootstrap resamples of the patients drawn from
// a source seeded with seed; resamples where the metric is NaN are skipped.
func BootstrapCI(metric func(score, truth []float64) float64, score, truth []float64,
	resamples int, seed uint64) Interval {
	rng := rand.New(rand.NewPCG(seed, 0xb007))
	vals := make([]float64, 0, resamples)
	bs, bt := make([]float64, len(score)), make([]float64, len(score))
	for range resamples {
		for i := range score {
			j := rng.IntN(len(score))
			bs[i], bt[i] = score[j], truth[j]
		}
		if v := metric(bs, bt); !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	return Interval{Value: metric(score, truth), Low: percentile(vals, 0.025),
		High: percentile(vals, 0.975)}
}

// EvalRow is one head's test metrics.
type EvalRow struct {
	Head                     string
	N, Positives             int
	AUROC, AUPRC, Brier, ECE Interval
}

// WriteTable writes rows as an aligned text table.
func WriteTable(w io.Writer, rows []EvalRow) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "head\tn\tpositives\tAUROC (95% CI)\tAUPRC (95% CI)\t"+
		"Brier (95% CI)\tECE (95% CI)")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\n", r.Head, r.N, r.Positives,
			fmtInterval(r.AUROC), fmtInterval(r.AUPRC), fmtInterval(r.Brier), fmtInterval(r.ECE))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("graphfusion: writing table: %w", err)
	}
	return nil
}

func fmtInterval(i Interval) string {
	return fmt.Sprintf("%.3f (%.3f-%.3f)", i.Value, i.Low, i.High)
}
