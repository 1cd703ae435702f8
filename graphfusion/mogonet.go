package graphfusion

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/clinfuse/clinfuse/graphfusion/bench"
	"golang.org/x/sync/errgroup"
)

// lrC is the inverse L2 strength of the fixed logistic regression
// baselines: the setting of the reference numbers, printed beside
// the baselines whose strength is selected by cross-validation.
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

// BenchMOGONET reproduces the MOGONET benchmark on the folder dir. It
// first selects the graph head's settings on the training split alone:
// the pre-declared grid (see the package doc) is scored by stratified
// 5-fold cross-validated AUC with a fixed selection seed, and the best
// candidate is chosen (a tie goes to the earlier one). The selected
// settings are then fitted on the whole training split for seeds
// 0..seeds-1 and each fit scores the test split once, as new patients.
// It prints the grid's cross-validated AUCs, the selected settings, and
// accuracy, F1 and AUC (mean and standard deviation over seeds) with
// times to w, next to L2 logistic regression baselines on standardised
// features (all views concatenated, and each view alone), both with the
// issue's fixed strength and with a strength selected by the same
// cross-validation; the baselines have no seed. The selection is shared by
// the seeds: it depends on the training split only, so the spread over
// seeds is that of the final fit, not of the selection.
func BenchMOGONET(ctx context.Context, dir string, seeds int, w io.Writer) (BenchResult, error) {
	return benchMOGONET(ctx, dir, seeds, defaultPlan(2), w)
}

func benchMOGONET(ctx context.Context, dir string, seeds int, p selectionPlan,
	w io.Writer) (BenchResult, error) {
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
	folds := stratifiedFolds(train.Y, p.folds, p.seed)
	sel, err := selectGraph(ctx, train, folds, p)
	if err != nil {
		return BenchResult{}, err
	}
	row, err := benchGraphHead(ctx, train, test, sel.best(), seeds, p.workers)
	if err != nil {
		return BenchResult{}, err
	}
	lin, linSel, err := linearBaselines(ctx, train, test, folds, p)
	if err != nil {
		return BenchResult{}, err
	}
	res := BenchResult{Dataset: "mogonet " + dir, Seeds: seeds,
		Rows: append([]BenchRow{row}, lin...), Wall: time.Since(start)}
	if err := writeSelection(w, len(train.IDs), p, sel, linSel); err != nil {
		return res, err
	}
	return res, writeBench(w, res)
}

// benchGraphHead fits candidate c on the whole training split for each
// seed (seeds in parallel, each fit on one worker) and scores the test
// split once per seed.
func benchGraphHead(ctx context.Context, train, test Dataset, c mogonetCandidate, seeds,
	workers int) (BenchRow, error) {
	accs, f1s := make([]float64, seeds), make([]float64, seeds)
	aucs, secs := make([]float64, seeds), make([]float64, seeds)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(workers, 1))
	for s := range seeds {
		g.Go(func() error {
			t0 := time.Now()
			m, err := Fit(gctx, train, "graph", c.options(uint64(s), 1))
			if err != nil {
				return err
			}
			secs[s] = time.Since(t0).Seconds()
			sc, err := m.Score(gctx, test)
			if err != nil {
				return err
			}
			accs[s], f1s[s], aucs[s] = classify(sc.Risk, test.Y)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return BenchRow{}, err
	}
	return BenchRow{Method: "graph fusion (CV-selected)", Accuracy: stat(accs), F1: stat(f1s),
		AUC: stat(aucs), Seconds: stat(secs), PerSeedAccuracy: accs, PerAUC: aucs}, nil
}

// linSelection is the cross-validation of one linear baseline's strength.
type linSelection struct {
	name   string
	cv     []Stat
	chosen float64
}

// linearBaselines fits L2 logistic regression on the concatenated views
// and on each view alone, with the fixed strength lrC and with the strength
// selected by cross-validation on the training split.
func linearBaselines(ctx context.Context, train, test Dataset, folds []int,
	p selectionPlan) ([]BenchRow, []linSelection, error) {
	var fixed, tuned []BenchRow
	var sels []linSelection
	for _, set := range viewSets(train) {
		cv, c, err := cvLogistic(ctx, train, folds, p, set.views)
		if err != nil {
			return nil, nil, err
		}
		sels = append(sels, linSelection{name: set.name, cv: cv, chosen: c})
		f := linearRow(train, test, set, lrC, "fixed")
		fixed, tuned = append(fixed, f), append(tuned, f)
		if c != lrC {
			tuned[len(tuned)-1] = linearRow(train, test, set, c, "CV")
		} else {
			tuned[len(tuned)-1].Method = linearName(set, c, "CV")
		}
	}
	return append(fixed, tuned...), sels, nil
}

// viewSet is a named set of views for a linear baseline.
type viewSet struct {
	name  string
	views []int
}

func viewSets(ds Dataset) []viewSet {
	all := viewSet{name: "all views"}
	for v := range ds.Views {
		all.views = append(all.views, v)
	}
	sets := []viewSet{all}
	for v, view := range ds.Views {
		sets = append(sets, viewSet{name: view.Name, views: []int{v}})
	}
	return sets
}

func linearRow(train, test Dataset, set viewSet, c float64, how string) BenchRow {
	t0 := time.Now()
	risk := logisticRisk(train, test, set.views, c)
	secs := time.Since(t0).Seconds()
	a, f, u := classify(risk, test.Y)
	return BenchRow{Method: linearName(set, c, how),
		Accuracy: Stat{a, 0}, F1: Stat{f, 0}, AUC: Stat{u, 0}, Seconds: Stat{secs, 0}}
}

func linearName(set viewSet, c float64, how string) string {
	return fmt.Sprintf("L2 %s C=%g (%s)", set.name, c, how)
}

// logisticRisk fits the logistic regression with strength c on views vs of
// train (standardised with train) and returns the risks of test.
func logisticRisk(train, test Dataset, vs []int, c float64) []float64 {
	xa, xb := standardisedMatrix(train, test, vs)
	w, b := fitLogistic(xa, train.Y, c)
	risk := make([]float64, len(xb))
	for i, x := range xb {
		risk[i] = sigmoid(dot(w, x) + b)
	}
	return risk
}

// writeSelection prints the selection: every candidate's cross-validated
// AUC, the chosen settings, and the linear baselines' strengths.
func writeSelection(w io.Writer, n int, p selectionPlan, sel selection,
	lin []linSelection) error {
	_, err := fmt.Fprintf(w, "selection on the %d training patients only: stratified "+
		"%d-fold CV AUC (selection seed %d), mean ± sd over folds\n", n, p.folds, p.seed)
	for i, s := range sel.all {
		mark := " "
		if i == sel.chosen {
			mark = "*"
		}
		if err == nil {
			_, err = fmt.Fprintf(w, " %s stage %d  %s  CV AUC %.4f ± %.4f\n", mark, s.stage,
				s.cand, s.cv.Mean, s.cv.SD)
		}
	}
	if err == nil {
		_, err = fmt.Fprintf(w, "  selected: %s\n", sel.best())
	}
	for _, l := range lin {
		if err == nil {
			err = writeLinSelection(w, p, l)
		}
	}
	if err != nil {
		return fmt.Errorf("graphfusion: writing benchmark: %w", err)
	}
	return nil
}

func writeLinSelection(w io.Writer, p selectionPlan, l linSelection) error {
	line := fmt.Sprintf("  L2 %s: CV AUC", l.name)
	for i, c := range p.cs {
		line += fmt.Sprintf("  C=%g %.4f", c, l.cv[i].Mean)
	}
	_, err := fmt.Fprintf(w, "%s  -> C=%g\n", line, l.chosen)
	return err
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
