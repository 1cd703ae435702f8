package graphfusion

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/clinfuse/clinfuse/internal/gorgonialock"

	"github.com/clinfuse/clinfuse/graphfusion/bench"
	"github.com/clinfuse/clinfuse/graphfusion/internal/gnn"
	G "gorgonia.org/gorgonia"
)

// The published Cora GCN settings (Kipf and Welling 2017).
const (
	coraHidden  = 16
	coraDropout = 0.5
	coraLR      = 0.01
	coraDecay   = 5e-4
	coraEpochs  = 200
)

// Stat is a mean and sample standard deviation over seeds.
type Stat struct{ Mean, SD float64 }

func stat(xs []float64) Stat {
	m := 0.0
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	v := 0.0
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	if len(xs) > 1 {
		v /= float64(len(xs) - 1)
	}
	return Stat{Mean: m, SD: math.Sqrt(v)}
}

// BenchRow is one method's results over seeds; F1 and AUC are NaN where a
// benchmark does not report them. Seconds is the training time per seed.
type BenchRow struct {
	Method                  string
	Accuracy, F1, AUC       Stat
	Seconds                 Stat
	PerSeedAccuracy, PerAUC []float64
}

// BenchResult is a benchmark's rows and its total wall time.
type BenchResult struct {
	Dataset string
	Seeds   int
	Rows    []BenchRow
	Wall    time.Duration
}

// coraProblem is Cora prepared for the GCN: row-normalised sparse features
// and the normalised adjacency.
type coraProblem struct {
	c        *bench.Cora
	x, xt    *gnn.CSR
	xperm    []int
	xval     []float64 // undropped feature values
	a, at    *gnn.CSR
	classes  int
	onehot   []float64 // n×classes, 1/|train| at training labels
	trainSel []float64 // n, 1/|train| on training rows
}

func newCoraProblem(c *bench.Cora) (*coraProblem, error) {
	n := len(c.Labels)
	p := &coraProblem{c: c, classes: c.Classes()}
	var xs []gnn.Entry
	for i, f := range c.Features {
		for _, j := range f {
			xs = append(xs, gnn.Entry{Row: i, Col: j, Val: 1 / float64(len(f))})
		}
	}
	var err error
	if p.x, err = gnn.NewCSR(n, c.Words, xs); err != nil {
		return nil, err
	}
	p.xt, p.xperm = p.x.Transpose()
	p.xval = slices.Clone(p.x.Val)
	if p.a, err = coraAdjacency(c); err != nil {
		return nil, err
	}
	p.at, _ = p.a.Transpose()
	p.onehot = make([]float64, n*p.classes)
	p.trainSel = make([]float64, n)
	for _, i := range c.Train {
		p.onehot[i*p.classes+c.Labels[i]] = 1 / float64(len(c.Train))
		p.trainSel[i] = 1 / float64(len(c.Train))
	}
	return p, nil
}

// coraAdjacency is D^-1/2 (A+I) D^-1/2 of the undirected, unweighted graph.
func coraAdjacency(c *bench.Cora) (*gnn.CSR, error) {
	n := len(c.Labels)
	seen := map[[2]int]bool{}
	var es []gnn.Entry
	for i := range n {
		es = append(es, gnn.Entry{Row: i, Col: i, Val: 1})
	}
	for _, e := range c.Edges {
		for _, d := range [][2]int{{e[0], e[1]}, {e[1], e[0]}} {
			if d[0] != d[1] && !seen[d] {
				seen[d] = true
				es = append(es, gnn.Entry{Row: d[0], Col: d[1], Val: 1})
			}
		}
	}
	a, err := gnn.NewCSR(n, n, es)
	if err != nil {
		return nil, err
	}
	deg := make([]float64, n)
	for i := range n {
		deg[i] = float64(a.Ptr[i+1] - a.Ptr[i])
	}
	for i := range n {
		for k := a.Ptr[i]; k < a.Ptr[i+1]; k++ {
			a.Val[k] /= math.Sqrt(deg[i] * deg[a.Idx[k]])
		}
	}
	return a, nil
}

// coraGCN is the two-layer GCN's graph and its state.
type coraGCN struct {
	p      *coraProblem
	g      *G.ExprGraph
	params []*G.Node
	ws     [][]float64
	mask   []float64 // hidden dropout mask
	logits G.Value   // copied out by a Read op (see net.logitV)
	loss   *G.Node
}

func newCoraGCN(p *coraProblem, rng *rand.Rand) (*coraGCN, error) {
	n, f, h, k := len(p.c.Labels), p.c.Words, coraHidden, p.classes
	m := &coraGCN{p: p, g: G.NewGraph()}
	shapes := [][2]int{{f, h}, {1, h}, {h, k}, {1, k}}
	for i, s := range shapes {
		w := make([]float64, s[0]*s[1])
		if i%2 == 0 {
			gnn.Glorot(rng, w, s[0], s[1])
		}
		m.ws = append(m.ws, w)
		m.params = append(m.params, matrixNode(m.g, fmt.Sprintf("p%d", i), s[0], s[1], w))
	}
	m.mask = make([]float64, n*h)
	gorgonialock.Mu.Lock()
	defer gorgonialock.Mu.Unlock()
	err := m.build(n, h, k)
	return m, err
}

func (m *coraGCN) build(n, h, k int) (err error) {
	defer recoverTo(&err)
	p := m.p
	xw, err := gnn.SpMM(p.x, p.xt, m.params[0])
	if err != nil {
		return err
	}
	axw := G.Must(gnn.SpMM(p.a, p.at, xw))
	hid := G.Must(rectify(rowAdd(axw, m.params[1], n)))
	hid = G.Must(G.HadamardProd(hid, matrixNode(m.g, "mask", n, h, m.mask)))
	hw := G.Must(G.Mul(hid, m.params[2]))
	z := rowAdd(G.Must(gnn.SpMM(p.a, p.at, hw)), m.params[3], n)
	G.Read(z, &m.logits)
	lse := G.Must(G.Log(G.Must(G.Mul(G.Must(G.Exp(z)), ones(m.g, k, 1)))))
	sel := matrixNode(m.g, "sel", n, 1, p.trainSel)
	oh := matrixNode(m.g, "onehot", n, k, p.onehot)
	m.loss = G.Must(G.Sub(G.Must(G.Sum(G.Must(G.HadamardProd(lse, sel)))),
		G.Must(G.Sum(G.Must(G.HadamardProd(z, oh))))))
	_, err = G.Grad(m.loss, m.params...)
	return err
}

// recoverTo turns a panic of gorgonia's graph construction helpers (Must)
// into an error.
func recoverTo(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("graphfusion: building graph: %v", r)
	}
}

// train runs the epochs and returns the seconds they took.
func (m *coraGCN) train(ctx context.Context, rng *rand.Rand, epochs int) (float64, error) {
	vm := G.NewTapeMachine(m.g, G.BindDualValues(m.params...))
	defer vm.Close()
	adam := gnn.NewAdam(coraLR)
	decay := []float64{coraDecay, 0, 0, 0}
	start := time.Now()
	for range epochs {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		m.dropout(rng)
		grads, err := stepGrads(vm, m.params)
		if err != nil {
			return 0, err
		}
		adam.Step(m.ws, grads, decay)
	}
	return time.Since(start).Seconds(), nil
}

// dropout draws the input and hidden masks (inverted dropout).
func (m *coraGCN) dropout(rng *rand.Rand) {
	p := m.p
	keep := 1 / (1 - coraDropout)
	for i, v := range p.xval {
		if rng.Float64() < coraDropout {
			p.x.Val[i] = 0
		} else {
			p.x.Val[i] = v * keep
		}
	}
	gnn.RefreshTranspose(p.x, p.xt, p.xperm)
	gnn.FillDropout(rng, m.mask, coraDropout)
}

// accuracy evaluates without dropout on nodes idx.
func (m *coraGCN) accuracy(idx []int) (float64, error) {
	p := m.p
	copy(p.x.Val, p.xval)
	gnn.RefreshTranspose(p.x, p.xt, p.xperm)
	gnn.FillDropout(nil, m.mask, 0)
	vm := G.NewTapeMachine(m.g, G.BindDualValues(m.params...))
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return 0, fmt.Errorf("graphfusion: cora evaluation: %w", err)
	}
	z := m.logits.Data().([]float64)
	right := 0
	for _, i := range idx {
		row := z[i*p.classes : (i+1)*p.classes]
		if argmax(row) == p.c.Labels[i] {
			right++
		}
	}
	return float64(right) / float64(len(idx)), nil
}

func argmax(xs []float64) int {
	b := 0
	for i, x := range xs {
		if x > xs[b] {
			b = i
		}
	}
	return b
}

// stepGrads runs one forward and backward pass and returns copies of the
// gradients, clearing gorgonia's accumulators.
func stepGrads(vm G.VM, params []*G.Node) ([][]float64, error) {
	defer vm.Reset()
	if err := vm.RunAll(); err != nil {
		return nil, fmt.Errorf("graphfusion: training step: %w", err)
	}
	grads := make([][]float64, len(params))
	for i, p := range params {
		g, err := p.Grad()
		if err != nil {
			return nil, fmt.Errorf("graphfusion: gradient of %s: %w", p.Name(), err)
		}
		d := g.Data().([]float64)
		grads[i] = slices.Clone(d)
		clear(d)
	}
	return grads, nil
}

// CoraRun trains the published GCN once on the Planetoid split with seed
// and returns its test accuracy and training seconds for the epochs.
func CoraRun(ctx context.Context, c *bench.Cora, seed uint64, epochs int) (float64, float64,
	error) {
	p, err := newCoraProblem(c)
	if err != nil {
		return 0, 0, err
	}
	rng := rand.New(rand.NewPCG(seed, 0xc0a))
	m, err := newCoraGCN(p, rng)
	if err != nil {
		return 0, 0, err
	}
	secs, err := m.train(ctx, rng, epochs)
	if err != nil {
		return 0, 0, err
	}
	acc, err := m.accuracy(c.Test)
	return acc, secs, err
}

// BenchCora trains the published two-layer GCN (16 hidden units, row-
// normalised features, dropout 0.5, Adam lr 0.01, weight decay 5e-4 on the
// first layer, 200 epochs) on the Planetoid Cora split in dir for seeds
// 0..seeds-1, and prints the test accuracy (mean and standard deviation)
// and training time to w.
func BenchCora(ctx context.Context, dir string, seeds int, w io.Writer) (BenchResult, error) {
	if seeds < 1 {
		return BenchResult{}, fmt.Errorf("%w: seeds must be at least 1", ErrInvalidInput)
	}
	c, err := bench.ReadCora(dir)
	if err != nil {
		return BenchResult{}, fmt.Errorf("graphfusion: %w", err)
	}
	start := time.Now()
	var accs, secs []float64
	for s := range seeds {
		acc, sec, err := CoraRun(ctx, c, uint64(s), coraEpochs)
		if err != nil {
			return BenchResult{}, err
		}
		accs, secs = append(accs, acc), append(secs, sec)
	}
	row := BenchRow{Method: "gcn (gorgonia)", Accuracy: stat(accs), F1: Stat{math.NaN(),
		math.NaN()}, AUC: Stat{math.NaN(), math.NaN()}, Seconds: stat(secs),
		PerSeedAccuracy: accs}
	res := BenchResult{Dataset: "cora", Seeds: seeds, Rows: []BenchRow{row},
		Wall: time.Since(start)}
	return res, writeBench(w, res)
}

func writeBench(w io.Writer, r BenchResult) error {
	_, err := fmt.Fprintf(w, "%s: %d seeds, wall time %.2fs\n", r.Dataset, r.Seeds,
		r.Wall.Seconds())
	for _, row := range r.Rows {
		if err != nil {
			break
		}
		_, err = fmt.Fprintf(w, "  %-28s accuracy %.4f ± %.4f  F1 %.4f ± %.4f  "+
			"AUC %.4f ± %.4f  train %.3fs ± %.3fs per seed\n", row.Method,
			row.Accuracy.Mean, row.Accuracy.SD, row.F1.Mean, row.F1.SD, row.AUC.Mean, row.AUC.SD,
			row.Seconds.Mean, row.Seconds.SD)
	}
	if err != nil {
		return fmt.Errorf("graphfusion: writing benchmark: %w", err)
	}
	return nil
}

// rowAdd adds the row b to each of the n rows of x (see net.addBias).
func rowAdd(x, b *G.Node, n int) *G.Node {
	return G.Must(G.Add(x, G.Must(G.Mul(ones(x.Graph(), n, 1), b))))
}
