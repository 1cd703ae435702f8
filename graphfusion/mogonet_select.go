package graphfusion

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/clinfuse/clinfuse/schemas"
	"golang.org/x/sync/errgroup"
)

// mogonetCandidate is one setting of the graph head in the MOGONET
// benchmark's selection grid.
type mogonetCandidate struct {
	Residual         float64 // α, Options.Residual
	WeightDecay      float64 // ModelConfig.FusionWeightDecay
	K                int     // GraphConfig.K
	Epochs, Patience int
	Dropout          float64 // ModelConfig.FusionDropout
}

// options are the fit settings of candidate c; everything not in the grid
// is fixed: five fold models, 20% of each fold model's patients for early
// stopping, Adam lr 0.01, no phenotype weights (the data carry none).
func (c mogonetCandidate) options(seed uint64, workers int) Options {
	return Options{
		Graph: schemas.GraphConfig{K: c.K, SexWeight: 1, AgeWeight: 1, SiteWeight: 1},
		Model: schemas.ModelConfig{Hidden: 1, LearningRate: 0.01,
			FusionWeightDecay: c.WeightDecay, FusionDropout: c.Dropout,
			Epochs: c.Epochs, Patience: c.Patience, Folds: 5, ValidationFraction: 0.2},
		Residual: c.Residual, Seed: seed, Workers: workers,
	}
}

func (c mogonetCandidate) String() string {
	return fmt.Sprintf("α %.2f  weight decay %-5g K %-3d epochs %d/%-3d dropout %.1f",
		c.Residual, c.WeightDecay, c.K, c.Epochs, c.Patience, c.Dropout)
}

// The selection grid, declared before any test result was seen. Stage one
// crosses weight decay and α at K 10, 300 epochs, patience 40 and no
// dropout, from the most regularised and least propagated candidate; stage
// two varies the stage-one winner one setting at a time.
var (
	gridDecays    = []float64{1, 0.3, 0.1, 0.03}
	gridResiduals = []float64{0.8, 0.5, 0.2}
	// gridCs are the inverse L2 strengths tried for the linear baselines.
	gridCs = []float64{0.001, 0.003, 0.01, 0.03, 0.1, 0.3}
)

func stageOne() []mogonetCandidate {
	var cs []mogonetCandidate
	for _, wd := range gridDecays {
		for _, a := range gridResiduals {
			cs = append(cs, mogonetCandidate{Residual: a, WeightDecay: wd, K: 10,
				Epochs: 300, Patience: 40})
		}
	}
	return cs
}

func stageTwo(best mogonetCandidate) []mogonetCandidate {
	vary := []func(*mogonetCandidate){
		func(c *mogonetCandidate) { c.K = 5 },
		func(c *mogonetCandidate) { c.K = 20 },
		func(c *mogonetCandidate) { c.Epochs, c.Patience = 150, 20 },
		func(c *mogonetCandidate) { c.Epochs, c.Patience = 600, 80 },
		func(c *mogonetCandidate) { c.Dropout = 0.3 },
	}
	cs := make([]mogonetCandidate, len(vary))
	for i, f := range vary {
		cs[i] = best
		f(&cs[i])
	}
	return cs
}

// selectionPlan is how the benchmark selects its settings on the training
// patients: stratified cross-validation with folds folds drawn with seed,
// jobs run workers at a time.
type selectionPlan struct {
	folds   int
	seed    uint64
	workers int
	stage1  []mogonetCandidate
	stage2  func(mogonetCandidate) []mogonetCandidate // nil: one stage
	cs      []float64
}

// mogonetSelectionSeed seeds the selection's folds and fits; it is not one
// of the benchmark's seeds 0..9, so selection and final fits draw
// different random streams.
const mogonetSelectionSeed = 1000

func defaultPlan(workers int) selectionPlan {
	return selectionPlan{folds: 5, seed: mogonetSelectionSeed, workers: max(workers, 1),
		stage1: stageOne(), stage2: stageTwo, cs: gridCs}
}

// scored is a candidate with its cross-validated AUC (mean and standard
// deviation over the folds) and its selection stage.
type scored struct {
	cand  mogonetCandidate
	cv    Stat
	stage int
}

// selection is the outcome of selectGraph: every candidate scored, and the
// index of the chosen one.
type selection struct {
	all    []scored
	chosen int
}

func (s selection) best() mogonetCandidate { return s.all[s.chosen].cand }

// stratifiedFolds assigns each patient a fold in 0..k-1: each class is
// shuffled with a source seeded by seed and dealt round-robin, so every
// fold gets its share of each class.
func stratifiedFolds(y []float64, k int, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 0xf01d))
	folds := make([]int, len(y))
	for _, class := range []float64{0, 1} {
		var idx []int
		for i, v := range y {
			if v == class {
				idx = append(idx, i)
			}
		}
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		for r, i := range idx {
			folds[i] = r % k
		}
	}
	return folds
}

// splitFold returns the patients of ds outside fold j and those in it.
func splitFold(ds Dataset, folds []int, j int) (Dataset, Dataset) {
	var in, out []int
	for i, f := range folds {
		if f == j {
			out = append(out, i)
		} else {
			in = append(in, i)
		}
	}
	return pickRows(ds, in), pickRows(ds, out)
}

// pickRows returns the patients idx of ds (views and labels; no phenotype).
func pickRows(ds Dataset, idx []int) Dataset {
	out := Dataset{IDs: make([]string, len(idx)), Y: make([]float64, len(idx))}
	for _, v := range ds.Views {
		out.Views = append(out.Views, View{Name: v.Name, X: make([][]float32, len(idx)),
			Present: make([]bool, len(idx))})
	}
	for r, i := range idx {
		out.IDs[r], out.Y[r] = ds.IDs[i], ds.Y[i]
		for v := range ds.Views {
			out.Views[v].X[r], out.Views[v].Present[r] = ds.Views[v].X[i], ds.Views[v].Present[i]
		}
	}
	return out
}

// cvGraph scores each candidate by the mean AUC over the folds of the
// graph head fitted on the other folds and scored on the fold as new
// patients. Jobs (candidate, fold) run in parallel; results are stored by
// index, so they do not depend on the number of workers.
func cvGraph(ctx context.Context, train Dataset, folds []int, p selectionPlan,
	cands []mogonetCandidate) ([]Stat, error) {
	aucs := make([][]float64, len(cands))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.workers)
	for c := range cands {
		aucs[c] = make([]float64, p.folds)
		for j := range p.folds {
			g.Go(func() error {
				var err error
				aucs[c][j], err = cvGraphFold(gctx, train, folds, j, cands[c].options(p.seed, 1))
				return err
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make([]Stat, len(cands))
	for c, a := range aucs {
		out[c] = stat(a)
	}
	return out, nil
}

func cvGraphFold(ctx context.Context, train Dataset, folds []int, j int,
	opt Options) (float64, error) {
	tr, va := splitFold(train, folds, j)
	m, err := Fit(ctx, tr, "graph", opt)
	if err != nil {
		return 0, fmt.Errorf("graphfusion: selection fold %d: %w", j, err)
	}
	sc, err := m.Score(ctx, va)
	if err != nil {
		return 0, fmt.Errorf("graphfusion: selection fold %d: %w", j, err)
	}
	return AUROC(sc.Risk, va.Y), nil
}

// pickBest returns the index of the highest mean; a tie goes to the
// earlier index.
func pickBest(s []Stat) int {
	b := 0
	for i, x := range s {
		if x.Mean > s[b].Mean {
			b = i
		}
	}
	return b
}

// selectGraph runs the plan's stages on the training patients only and
// chooses the candidate of highest cross-validated AUC over both stages
// (a tie goes to the earlier candidate, stage one before stage two).
func selectGraph(ctx context.Context, train Dataset, folds []int,
	p selectionPlan) (selection, error) {
	var sel selection
	cands := p.stage1
	for stage := 1; len(cands) > 0; stage++ {
		cv, err := cvGraph(ctx, train, folds, p, cands)
		if err != nil {
			return selection{}, err
		}
		for i, c := range cands {
			sel.all = append(sel.all, scored{cand: c, cv: cv[i], stage: stage})
		}
		cands = nil
		if stage == 1 && p.stage2 != nil {
			cands = p.stage2(stageOneBest(sel))
		}
	}
	sel.chosen = pickBest(cvStats(sel.all))
	return sel, nil
}

func stageOneBest(sel selection) mogonetCandidate {
	return sel.all[pickBest(cvStats(sel.all))].cand
}

func cvStats(s []scored) []Stat {
	out := make([]Stat, len(s))
	for i, x := range s {
		out[i] = x.cv
	}
	return out
}

// cvLogistic scores each inverse strength c of p.cs for the logistic
// regression on views vs by the mean AUC over the folds (standardised with
// each fold's training part) and returns the scores and the chosen c (the
// highest mean; a tie goes to the stronger penalty, the smaller c).
func cvLogistic(ctx context.Context, train Dataset, folds []int, p selectionPlan,
	vs []int) ([]Stat, float64, error) {
	aucs := make([][]float64, len(p.cs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.workers)
	for c := range p.cs {
		aucs[c] = make([]float64, p.folds)
		for j := range p.folds {
			g.Go(func() error {
				if err := gctx.Err(); err != nil {
					return err
				}
				tr, va := splitFold(train, folds, j)
				aucs[c][j] = logisticAUC(tr, va, vs, p.cs[c])
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, 0, err
	}
	out := make([]Stat, len(p.cs))
	for c, a := range aucs {
		out[c] = stat(a)
	}
	return out, p.cs[pickBest(out)], nil
}

// logisticAUC fits the logistic regression with strength c on tr and
// returns its AUC on va.
func logisticAUC(tr, va Dataset, vs []int, c float64) float64 {
	_, _, auc := classify(logisticRisk(tr, va, vs, c), va.Y)
	return auc
}
