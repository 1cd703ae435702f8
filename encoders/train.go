package encoders

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/clinfuse/clinfuse/internal/gorgonialock"

	G "gorgonia.org/gorgonia"
)

// Training constants; the package doc states what each objective does.
const (
	maxBatch = 32 // patients per step
)

var (
	nceTau    = 0.2 // InfoNCE temperature
	supWeight = 1.0 // weight of the supervised term
	maskRate  = 0.2 // share of descriptor values hidden from the encoder
	noiseSD   = 0.1 // descriptor noise, in standard deviations
)

// trainer runs the training steps of one Fit.
type trainer struct {
	s          *Set
	data       [][][]float32 // [view][patient] prepared rows
	sup        *Supervision
	opt        Options
	pool       []int // patients the objective covers
	batch      int
	pretrain   bool
	supervised bool
	aeScale    []float64
	b          *builder
	feeds      stepFeeds
	rngBatch   *rand.Rand
	rngAug     *rand.Rand
	rngDrop    *rand.Rand
}

// train runs the objectives opt and sup ask for. It does nothing without
// an objective, without epochs, or with fewer than two patients to learn
// from; the encoders then keep their seeded initial weights.
func (s *Set) train(ctx context.Context, in Inputs, sup *Supervision, opt Options) error {
	n, _ := in.patients()
	data, err := s.prepare(in, n)
	if err != nil {
		return err
	}
	t := &trainer{s: s, data: data, sup: sup, opt: opt,
		pretrain: opt.Pretrain, supervised: sup != nil,
		rngBatch: newRand(opt.Seed, saltBatches), rngAug: newRand(opt.Seed, saltAugment),
		rngDrop: newRand(opt.Seed, saltDropout)}
	t.pool = t.trainingPool(n)
	if len(t.pool) < 2 || opt.Model.PretrainEpochs == 0 {
		return nil
	}
	t.batch = min(maxBatch, len(t.pool))
	for _, v := range s.views {
		if c, ok := v.enc.(*cnn); ok {
			c.learnTrunk = t.supervised && !t.pretrain
			defer func() { c.learnTrunk = false }()
		}
	}
	if t.pretrain {
		rng := newRand(opt.Seed, saltDecoder)
		for _, v := range s.views {
			v.enc.initDecoder(rng)
		}
	}
	t.aeScale = t.reconstructionScales()
	return t.run(ctx, t.totalSteps())
}

// trainingPool lists the patients with at least one modality that the
// objectives cover: all of them when pretraining, else the labelled ones.
func (t *trainer) trainingPool(n int) []int {
	var pool []int
	for i := range n {
		if !t.hasAny(i) {
			continue
		}
		if t.pretrain || (t.supervised && t.sup.Train[i]) {
			pool = append(pool, i)
		}
	}
	return pool
}

func (t *trainer) hasAny(i int) bool {
	for _, rows := range t.data {
		if rows[i] != nil {
			return true
		}
	}
	return false
}

// totalSteps is PretrainEpochs passes over all patients with data, whatever
// the pool, so that every objective gets the same number of steps.
func (t *trainer) totalSteps() int {
	all := 0
	for i := range len(t.data[0]) {
		if t.hasAny(i) {
			all++
		}
	}
	return t.opt.Model.PretrainEpochs * max(1, all/t.batch)
}

// reconstructionScales makes each view's reconstruction error comparable:
// 1/(descLen*variance of its descriptors); a study descriptor is
// standardised, so its variance is taken as 1.
func (t *trainer) reconstructionScales() []float64 {
	out := make([]float64, len(t.data))
	for k, rows := range t.data {
		if t.s.views[k].name == Imaging {
			out[k] = 1 / float64(t.s.views[k].enc.descLen())
			continue
		}
		var sum, sq, count float64
		for _, r := range rows {
			for _, v := range r {
				sum += float64(v)
				sq += float64(v) * float64(v)
				count++
			}
		}
		variance := 1.0
		if count > 0 {
			mean := sum / count
			variance = max(sq/count-mean*mean, 1e-4)
		}
		out[k] = 1 / (float64(t.s.views[k].enc.descLen()) * variance)
	}
	return out
}

// buildGrad builds the training graph and its gradients, holding
// gorgonialock.Mu, and returns the nodes that learn.
func (t *trainer) buildGrad() ([]*G.Node, error) {
	gorgonialock.Mu.Lock()
	defer gorgonialock.Mu.Unlock()
	cost, err := t.build()
	if err != nil {
		return nil, fmt.Errorf("encoders: building the training graph: %w", err)
	}
	learn := t.b.learnables()
	if _, err := G.Grad(cost, learn...); err != nil {
		return nil, fmt.Errorf("encoders: differentiating the training graph: %w", err)
	}
	return learn, nil
}

func (t *trainer) run(ctx context.Context, steps int) error {
	learn, err := t.buildGrad()
	if err != nil {
		return err
	}
	vm := G.NewTapeMachine(t.b.g, G.BindDualValues(learn...))
	defer vm.Close()
	solver := t.solver()
	for step := 0; step < steps; {
		perm := t.rngBatch.Perm(len(t.pool))
		for at := 0; at+t.batch <= len(perm) && step < steps; at += t.batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := t.step(vm, solver, learn, perm[at:at+t.batch]); err != nil {
				return fmt.Errorf("encoders: training step %d: %w", step, err)
			}

			step++
		}
	}
	return t.b.store()
}

func (t *trainer) solver() G.Solver {
	opts := []G.SolverOpt{G.WithLearnRate(t.opt.Model.LearningRate)}
	if wd := t.opt.Model.WeightDecay; wd > 0 {
		opts = append(opts, G.WithL2Reg(wd))
	}
	return G.NewAdamSolver(opts...)
}

// step fills the inputs for the pool patients at perm and takes one step.
func (t *trainer) step(vm G.VM, solver G.Solver, learn G.Nodes, perm []int) error {
	idx := make([]int, len(perm))
	for r, p := range perm {
		idx[r] = t.pool[p]
	}
	t.fill(idx)
	if err := t.b.redraw(t.rngDrop); err != nil {
		return err
	}
	defer vm.Reset()
	if err := vm.RunAll(); err != nil {
		return err
	}
	return solver.Step(G.NodesToValueGrads(learn))
}
