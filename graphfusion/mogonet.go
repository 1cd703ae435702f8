package graphfusion

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/clinfuse/clinfuse/graphfusion/bench"
	"github.com/clinfuse/clinfuse/schemas"
)

// mogonetOptions are the graph head's settings for the MOGONET benchmark:
// five folds, strong weight decay for the small cohort, no dropout.
func mogonetOptions(seed uint64) Options {
	return Options{
		Graph: schemas.GraphConfig{K: 10, SexWeight: 1, AgeWeight: 1, SiteWeight: 1},
		Model: schemas.ModelConfig{Hidden: 1, LearningRate: 0.01, FusionWeightDecay: 0.3,
			Epochs: 300, Patience: 40, Folds: 5, ValidationFraction: 0.2},
		Seed: seed, Workers: 2,
	}
}

// lrC is the inverse L2 strength of the logistic regression baselines
// (the setting of the reference numbers).
const lrC = 0.01

// omicsDataset turns one split of a MOGONET data set into a Dataset.
func omicsDataset(views [][][]float64, y []int, prefix string) Dataset {
	n := len(y)
	ds := Dataset{IDs: make([]string, n), Y: make([]float64, n)}
	for i := range n {
		ds.IDs[i] = fmt.Sprintf("%s%04d", prefix, i)
		ds.Y[i] = float64(min(y[i], 1))
	}
	for v, m := range views {
		view := View{Name: fmt.Sprintf("view%d", v+1), X: make([][]float32, n),
			Present: make([]bool, n)}
		for i, row := range m {
			view.X[i] = make([]float32, len(row))
			for j, x := range row {
				view.X[i][j] = float32(x)
			}
			view.Present[i] = true
		}
		ds.Views = append(ds.Views, view)
	}
	return ds
}

// classify returns accuracy, F1 of class 1 and AUROC for risks thresholded
// at 0.5.
func classify(risk, y []float64) (acc, f1, auc float64) {
	var tp, fp, fn, right float64
	for i, r := range risk {
		pred := 0.0
		if r >= 0.5 {
			pred = 1
		}
		switch {
		case pred == y[i]:
			right++
			if pred == 1 {
				tp++
			}
		case pred == 1:
			fp++
		default:
			fn++
		}
	}
	return right / float64(len(y)), 2 * tp / (2*tp + fp + fn), AUROC(risk, y)
}

// BenchMOGONET fits the graph head on the training split of the MOGONET
// folder dir for seeds 0..seeds-1, scores the test split as new patients
// and prints accuracy, F1 and AUC (mean and standard deviation) and time
// to w, next to L2 logistic regression baselines on standardised features
// (all views concatenated, and each view alone), which have no seed.
func BenchMOGONET(ctx context.Context, dir string, seeds int, w io.Writer) (BenchResult, error) {
	if seeds < 1 {
		return BenchResult{}, fmt.Errorf("%w: seeds must be at least 1", ErrInvalidInput)
	}
	d, err := bench.ReadMultiOmics(dir)
	if err != nil {
		return BenchResult{}, fmt.Errorf("graphfusion: %w", err)
	}
	if len(d.Train) == 0 {
		return BenchResult{}, fmt.Errorf("%w: %s holds no views", ErrInvalidInput, dir)
	}
	start := time.Now()
	train := omicsDataset(d.Train, d.YTrain, "tr")
	test := omicsDataset(d.Test, d.YTest, "te")
	row, err := benchGraphHead(ctx, train, test, seeds)
	if err != nil {
		return BenchResult{}, err
	}
	res := BenchResult{Dataset: "mogonet " + dir, Seeds: seeds, Rows: []BenchRow{row}}
	res.Rows = append(res.Rows, linearBaselines(train, test)...)
	res.Wall = time.Since(start)
	return res, writeBench(w, res)
}

func benchGraphHead(ctx context.Context, train, test Dataset, seeds int) (BenchRow, error) {
	var accs, f1s, aucs, secs []float64
	for s := range seeds {
		t0 := time.Now()
		m, err := Fit(ctx, train, "graph", mogonetOptions(uint64(s)))
		if err != nil {
			return BenchRow{}, err
		}
		secs = append(secs, time.Since(t0).Seconds())
		sc, err := m.Score(ctx, test)
		if err != nil {
			return BenchRow{}, err
		}
		a, f, u := classify(sc.Risk, test.Y)
		accs, f1s, aucs = append(accs, a), append(f1s, f), append(aucs, u)
	}
	return BenchRow{Method: "graph fusion (5-fold)", Accuracy: stat(accs), F1: stat(f1s),
		AUC: stat(aucs), Seconds: stat(secs), PerSeedAccuracy: accs, PerAUC: aucs}, nil
}

// linearBaselines fits L2 logistic regression on the concatenated views and
// on each view alone.
func linearBaselines(train, test Dataset) []BenchRow {
	sets := [][]int{nil}
	for v := range train.Views {
		sets = append(sets, []int{v})
	}
	var rows []BenchRow
	for _, vs := range sets {
		name := "L2 logistic, all views"
		if vs == nil {
			vs = make([]int, len(train.Views))
			for v := range vs {
				vs[v] = v
			}
		} else {
			name = "L2 logistic, " + train.Views[vs[0]].Name
		}
		t0 := time.Now()
		xa, xb := standardisedMatrix(train, test, vs)
		w, b := fitLogistic(xa, train.Y, lrC)
		secs := time.Since(t0).Seconds()
		risk := make([]float64, len(xb))
		for i, x := range xb {
			risk[i] = sigmoid(dot(w, x) + b)
		}
		a, f, u := classify(risk, test.Y)
		rows = append(rows, BenchRow{Method: name, Accuracy: Stat{a, 0}, F1: Stat{f, 0},
			AUC: Stat{u, 0}, Seconds: Stat{secs, 0}})
	}
	return rows
}

// standardisedMatrix concatenates views vs, standardised with the
// training split's mean and standard deviation.
func standardisedMatrix(train, test Dataset, vs []int) ([][]float64, [][]float64) {
	build := func(ds Dataset) [][]float64 {
		out := make([][]float64, len(ds.IDs))
		for i := range out {
			for _, v := range vs {
				for _, x := range ds.Views[v].X[i] {
					out[i] = append(out[i], float64(x))
				}
			}
		}
		return out
	}
	a, b := build(train), build(test)
	for j := range a[0] {
		col := make([]float64, len(a))
		for i := range a {
			col[i] = a[i][j]
		}
		s := stat(col)
		sd := s.SD * math.Sqrt(float64(len(a)-1)/float64(len(a)))
		if sd < 1e-12 {
			sd = 1
		}
		for _, m := range [][][]float64{a, b} {
			for i := range m {
				m[i][j] = (m[i][j] - s.Mean) / sd
			}
		}
	}
	return a, b
}

// fitLogistic minimises C·Σ log-loss + ½‖w‖² (the intercept is not
// penalised) by Nesterov's accelerated gradient with a step from the
// Lipschitz bound.
func fitLogistic(x [][]float64, y []float64, c float64) ([]float64, float64) {
	d := len(x[0])
	lip := c*0.25*powerNorm(x) + 1
	lip = max(lip, c*0.25*float64(len(x)))
	w, prev := make([]float64, d+1), make([]float64, d+1)
	look := make([]float64, d+1)
	for it := 1; it <= 3000; it++ {
		mom := float64(it-1) / float64(it+2)
		for j := range look {
			look[j] = w[j] + mom*(w[j]-prev[j])
		}
		g := logisticGrad(x, y, look, c)
		copy(prev, w)
		for j := range w {
			w[j] = look[j] - g[j]/lip
		}
	}
	return w[:d], w[d]
}

func logisticGrad(x [][]float64, y, w []float64, c float64) []float64 {
	d := len(x[0])
	g := make([]float64, d+1)
	for i, row := range x {
		r := c * (sigmoid(dot(w[:d], row)+w[d]) - y[i])
		for j, v := range row {
			g[j] += r * v
		}
		g[d] += r
	}
	for j := range d {
		g[j] += w[j]
	}
	return g
}

// powerNorm estimates the largest eigenvalue of XᵀX by power iteration.
func powerNorm(x [][]float64) float64 {
	d := len(x[0])
	v := make([]float64, d)
	for j := range v {
		v[j] = 1 / math.Sqrt(float64(d))
	}
	lambda := 0.0
	for range 50 {
		u := make([]float64, d)
		for _, row := range x {
			s := dot(row, v)
			for j, r := range row {
				u[j] += s * r
			}
		}
		lambda = math.Sqrt(dot(u, u))
		if lambda == 0 {
			return 0
		}
		for j := range u {
			v[j] = u[j] / lambda
		}
	}
	return lambda * 1.05
}
