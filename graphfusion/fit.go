package graphfusion

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"golang.org/x/sync/errgroup"
)

// bootstraps is the number of Platt refits behind each risk interval.
const bootstraps = 200

// Model is a fitted K-fold ensemble of one head.
type Model struct {
	head      string
	spec      headSpec
	names     []string
	widths    []int
	opt       Options
	folds     []*foldModel
	trainFold map[string]int
	valP      []float64 // calibrated held-out risks of the training patients
	valY      []float64
}

// foldModel is one member of the ensemble and its reference population.
type foldModel struct {
	std    standardiser
	params []param
	cal    platt
	boot   []platt
	ref    reference
}

// reference is a fold model's training part, the patients scored patients
// link to.
type reference struct {
	ids   []string
	y     []float64
	pheno []Phenotype
	feats [][]float64 // per view n×(d+1), see standardiser.features
	unit  [][]float64
	graph refGraph // graph head only
}

func newReference(ps []patient, std standardiser, withGraph bool, opt Options) reference {
	r := reference{feats: std.features(ps)}
	for _, p := range ps {
		r.ids = append(r.ids, p.id)
		r.y = append(r.y, p.y)
		r.pheno = append(r.pheno, p.pheno)
	}
	r.unit = unit(r.feats, len(ps))
	if withGraph {
		r.graph = buildRefGraph(opt.Graph, r.unit, r.pheno)
	}
	return r
}

// hashUnit maps (seed, tag, id) to a uniform number in [0,1).
func hashUnit(seed uint64, tag string, id string) float64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	h.Write(b[:])
	h.Write([]byte(tag))
	h.Write([]byte{0})
	h.Write([]byte(id))
	x := h.Sum64()
	// splitmix64 finaliser: spreads FNV's weak low bits.
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

func foldOf(seed uint64, id string, k int) int {
	return min(int(hashUnit(seed, "fold", id)*float64(k)), k-1)
}

func checkOptions(opt Options) error {
	m := opt.Model
	switch {
	case m.Folds < 2:
		return fmt.Errorf("%w: model folds must be at least 2", ErrInvalidInput)
	case m.Epochs < 1 || m.LearningRate <= 0 || m.Hidden < 1:
		return fmt.Errorf("%w: epochs, learning rate and hidden width must be positive",
			ErrInvalidInput)
	case m.ValidationFraction < 0 || m.ValidationFraction >= 1:
		return fmt.Errorf("%w: validation fraction must be in [0,1)", ErrInvalidInput)
	case m.FusionDropout < 0 || m.FusionDropout >= 1 || m.ModalityDropout < 0 ||
		m.ModalityDropout >= 1:
		return fmt.Errorf("%w: dropout rates must be in [0,1)", ErrInvalidInput)
	case !(m.FusionWeightDecay >= 0) || math.IsInf(m.FusionWeightDecay, 0):
		return fmt.Errorf("%w: fusion weight decay must be non-negative", ErrInvalidInput)
	case opt.Graph.K < 1:
		return fmt.Errorf("%w: graph k must be at least 1", ErrInvalidInput)
	case !(opt.Residual >= 0 && opt.Residual <= 1):
		return fmt.Errorf("%w: graph residual share must be in [0,1]", ErrInvalidInput)
	}
	return nil
}

// Fit trains a K-fold ensemble of head on ds (see the package doc).
func Fit(ctx context.Context, ds Dataset, head string, opt Options) (*Model, error) {
	if err := checkOptions(opt); err != nil {
		return nil, err
	}
	ps, widths, err := rows(ds, true, nil)
	if err != nil {
		return nil, err
	}
	names := viewNames(ds)
	spec, err := parseHead(head, names)
	if err != nil {
		return nil, err
	}
	spec.alpha = opt.residual()
	m := &Model{head: head, spec: spec, names: names, widths: widths, opt: opt,
		folds: make([]*foldModel, opt.Model.Folds), trainFold: map[string]int{}}
	for _, p := range ps {
		m.trainFold[p.id] = foldOf(opt.Seed, p.id, opt.Model.Folds)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(opt.Workers, 1))
	held := make([][]float64, opt.Model.Folds)
	for k := range m.folds {
		g.Go(func() error {
			var err error
			m.folds[k], held[k], err = m.fitFold(gctx, ps, k)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	m.calibrate(ps, held)
	return m, nil
}

// calibrate fits one Platt map, and its bootstrap refits, on the held-out
// logits of every training patient (held[k] lists fold k's patients in ps
// order) and gives it to every fold model.
func (m *Model) calibrate(ps []patient, held [][]float64) {
	z, y := make([]float64, len(ps)), labels(ps)
	next := make([]int, len(held))
	for i, p := range ps {
		k := m.trainFold[p.id]
		z[i] = held[k][next[k]]
		next[k]++
	}
	rng := rand.New(rand.NewPCG(m.opt.Seed, uint64(len(m.folds))+1))
	cal, boot := fitPlatt(z, y), bootPlatt(rng, z, y, bootstraps)
	for _, f := range m.folds {
		f.cal, f.boot = cal, boot
	}
	m.valP, m.valY = make([]float64, len(z)), y
	for i, zi := range z {
		m.valP[i] = cal.apply(zi)
	}
}

// split returns fold k's training and validation parts.
func (m *Model) split(ps []patient, k int) (tr, va []patient) {
	for _, p := range ps {
		if m.trainFold[p.id] == k {
			continue
		}
		tag := fmt.Sprintf("validation/%d", k)
		if hashUnit(m.opt.Seed, tag, p.id) < m.opt.Model.ValidationFraction {
			va = append(va, p)
		} else {
			tr = append(tr, p)
		}
	}
	return tr, va
}

func labels(ps []patient) []float64 {
	y := make([]float64, len(ps))
	for i, p := range ps {
		y[i] = p.y
	}
	return y
}

func bothClasses(y []float64) bool {
	return slices.Contains(y, 0) && slices.Contains(y, 1)
}

// fitFold trains fold model k and returns it with the logits of the
// patients it holds out, in ps order.
func (m *Model) fitFold(ctx context.Context, ps []patient, k int) (*foldModel, []float64,
	error) {
	tr, va := m.split(ps, k)
	ytr, yva := labels(tr), labels(va)
	if !bothClasses(ytr) {
		return nil, nil, fmt.Errorf("%w: fold %d: its training patients need both classes",
			ErrTooFewLabels, k)
	}
	rng := rand.New(rand.NewPCG(m.opt.Seed, uint64(k)+1))
	f := &foldModel{std: fitStandardiser(tr, m.widths)}
	f.ref = newReference(tr, f.std, m.spec.kind == kindGraph, m.opt)
	f.params = m.spec.initParams(rng, inWidths(m.widths), m.opt.Model.Hidden)
	t := &trainer{h: m.spec, params: f.params, rng: rng, epochs: m.opt.Model.Epochs,
		pat: max(m.opt.Model.Patience, 1), lr: m.opt.Model.LearningRate,
		wd: m.opt.Model.FusionWeightDecay, drop: m.opt.Model.FusionDropout,
		mdrop: m.opt.Model.ModalityDropout}
	trIn := inputs{n: len(tr), feats: f.ref.feats, present: presence(tr, len(m.widths)),
		adj: f.ref.graph.Adj}
	var vaIn *inputs
	if len(va) > 0 {
		in := m.inputsFor(f, va, nil)
		vaIn = &in
	}
	if err := t.fit(ctx, trIn, ytr, vaIn, yva); err != nil {
		return nil, nil, fmt.Errorf("graphfusion: fold %d: %w", k, err)
	}
	var out []patient
	for _, p := range ps {
		if m.trainFold[p.id] == k {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return f, nil, nil
	}
	z, _, err := predict(m.spec, f.params, m.inputsFor(f, out, nil))
	if err != nil {
		return nil, nil, fmt.Errorf("graphfusion: fold %d: %w", k, err)
	}
	return f, z, nil
}

func inWidths(widths []int) []int {
	in := make([]int, len(widths))
	for v, w := range widths {
		in[v] = w + 1
	}
	return in
}

// inputsFor prepares patients for fold model f. For the graph head the
// reference patients come first and scored patients attach to them through
// links (computed when nil).
func (m *Model) inputsFor(f *foldModel, ps []patient, links [][]link) inputs {
	feats := f.std.features(ps)
	pres := presence(ps, len(m.widths))
	if m.spec.kind != kindGraph {
		return inputs{n: len(ps), feats: feats, present: pres}
	}
	if links == nil {
		links = f.links(m.opt, ps, feats)
	}
	nr := len(f.ref.ids)
	in := inputs{n: nr + len(ps), from: nr, adj: f.ref.graph.inductive(links)}
	for v := range feats {
		in.feats = append(in.feats, slices.Concat(f.ref.feats[v], feats[v]))
		refPres := make([]float64, nr)
		for i := range refPres {
			refPres[i] = 1 - f.ref.feats[v][(i+1)*(len(f.ref.feats[v])/nr)-1]
		}
		in.present = append(in.present, slices.Concat(refPres, pres[v]))
	}
	return in
}

// links finds each patient's K most similar reference patients.
func (f *foldModel) links(opt Options, ps []patient, feats [][]float64) [][]link {
	u := unit(feats, len(ps))
	out := make([][]link, len(ps))
	for i, p := range ps {
		out[i] = topK(opt.Graph, u[i], p.pheno, f.ref.unit, f.ref.pheno, -1)
	}
	return out
}

// Calibration returns the calibration curve of the training patients'
// held-out risks (ten equal-width bins of calibrated risk, empty bins left
// out).
func (m *Model) Calibration() []CalPoint { return calCurve(m.valP, m.valY) }

// SetWorkers sets how many fold models score in parallel (a loaded model
// uses one); results never depend on it.
func (m *Model) SetWorkers(n int) { m.opt.Workers = max(n, 1) }

// Head returns the fitted head's name.
func (m *Model) Head() string { return m.head }
