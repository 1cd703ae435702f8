package graphfusion

import (
	"context"
	"fmt"
	"slices"
)

// testFraction is the share of patients Evaluate holds out for testing.
const testFraction = 0.2

// evalResamples is the number of bootstrap resamples behind each interval.
const evalResamples = 1000

// Evaluate compares heads on one seeded patient-level split: a patient is in
// the test part when a seeded hash of its identifier falls below 0.2; each
// head is fitted (folds, validation, early stopping and calibration inside
// Fit) on the rest and scores the test part as new patients. Metrics are
// computed against truth (ds.Y when nil) with bootstrap 95% intervals. A nil
// heads means graph, early, late, attention and every view.
func Evaluate(ctx context.Context, ds Dataset, truth []float64, heads []string,
	opt Options) ([]EvalRow, error) {
	return EvaluateSplit(ctx, ds, ds, truth, heads, opt)
}

// EvaluateSplit is Evaluate with the training part taken from train and the
// test part from test: two versions of the same patients (same IDs, views
// and labels, in the same order), such as inputs frozen at an index date
// for training and at the scoring date for testing.
func EvaluateSplit(ctx context.Context, train, test Dataset, truth []float64, heads []string,
	opt Options) ([]EvalRow, error) {
	if truth == nil {
		truth = test.Y
	}
	if len(truth) != len(test.IDs) || !slices.Equal(train.IDs, test.IDs) {
		return nil, fmt.Errorf("%w: %d truth values, %d and %d patients (or other patients)",
			ErrInvalidInput, len(truth), len(train.IDs), len(test.IDs))
	}
	if heads == nil {
		heads = append([]string{"graph", "early", "late", "attention"}, viewNames(test)...)
	}
	var trainIdx, testIdx []int
	for i, id := range test.IDs {
		if InTestSplit(opt.Seed, id) {
			testIdx = append(testIdx, i)
		} else {
			trainIdx = append(trainIdx, i)
		}
	}
	if len(testIdx) == 0 {
		return nil, fmt.Errorf("%w: no patient fell in the test part", ErrInvalidInput)
	}
	fitDS, testDS := subset(train, trainIdx), subset(test, testIdx)
	var yt []float64
	pos := 0
	for _, i := range testIdx {
		yt = append(yt, truth[i])
		if truth[i] == 1 {
			pos++
		}
	}
	var out []EvalRow
	for _, h := range heads {
		r, err := evalHead(ctx, fitDS, testDS, yt, h, opt)
		if err != nil {
			return nil, fmt.Errorf("graphfusion: evaluating head %q: %w", h, err)
		}
		r.N, r.Positives = len(testIdx), pos
		out = append(out, r)
	}
	return out, nil
}

func evalHead(ctx context.Context, train, test Dataset, truth []float64, head string,
	opt Options) (EvalRow, error) {
	m, err := Fit(ctx, train, head, opt)
	if err != nil {
		return EvalRow{}, err
	}
	s, err := m.Score(ctx, test)
	if err != nil {
		return EvalRow{}, err
	}
	seed := opt.Seed
	return EvalRow{Head: head,
		AUROC: BootstrapCI(AUROC, s.Risk, truth, evalResamples, seed),
		AUPRC: BootstrapCI(AUPRC, s.Risk, truth, evalResamples, seed),
		Brier: BootstrapCI(Brier, s.Risk, truth, evalResamples, seed),
		ECE:   BootstrapCI(ECE, s.Risk, truth, evalResamples, seed),
	}, nil
}

// subset returns the patients idx of ds, in that order.
func subset(ds Dataset, idx []int) Dataset {
	out := Dataset{}
	for _, v := range ds.Views {
		out.Views = append(out.Views, View{Name: v.Name})
	}
	for _, i := range idx {
		out.IDs = append(out.IDs, ds.IDs[i])
		if ds.Y != nil {
			out.Y = append(out.Y, ds.Y[i])
		}
		if ds.Pheno != nil {
			out.Pheno = append(out.Pheno, ds.Pheno[i])
		}
		for v := range ds.Views {
			out.Views[v].X = append(out.Views[v].X, ds.Views[v].X[i])
			out.Views[v].Present = append(out.Views[v].Present, ds.Views[v].Present[i])
		}
	}
	return out
}
