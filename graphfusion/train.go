package graphfusion

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/clinfuse/clinfuse/internal/gorgonialock"

	"github.com/clinfuse/clinfuse/graphfusion/internal/gnn"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// inputs are a set of patients prepared for a head: per-view feature
// matrices (see standardiser.features), presence columns, the adjacency
// (graph head) and the row where the patients of interest start.
type inputs struct {
	n       int
	feats   [][]float64
	present [][]float64
	adj     *gnn.CSR
	from    int
}

func presence(ps []patient, views int) [][]float64 {
	out := make([][]float64, views)
	for v := range out {
		out[v] = make([]float64, len(ps))
		for i, p := range ps {
			if p.present[v] {
				out[v][i] = 1
			}
		}
	}
	return out
}

// run executes a built net once (inference) and returns its logits and
// fused rows from row from on.
func (nt *net) predict(from int) ([]float64, [][]float64, error) {
	m := G.NewTapeMachine(nt.g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		return nil, nil, fmt.Errorf("graphfusion: forward pass: %w", err)
	}
	z := slices.Clone(nt.logitV.Data().([]float64)[from:])
	f := nt.fusedV.(*tensor.Dense)
	w := f.Shape()[1]
	data := f.Data().([]float64)
	fused := make([][]float64, nt.n-from)
	for i := range fused {
		fused[i] = slices.Clone(data[(from+i)*w : (from+i+1)*w])
	}
	return z, fused, nil
}

// predict builds an inference net for in and runs it.
func predict(h headSpec, ps []param, in inputs) ([]float64, [][]float64, error) {
	gorgonialock.Mu.Lock()
	nt, err := newNet(h, ps, in.feats, in.present, in.n, in.adj, 0)
	gorgonialock.Mu.Unlock()
	if err != nil {
		return nil, nil, err
	}
	return nt.predict(in.from)
}

// trainer fits one head on a training set with early stopping on a
// validation set.
type trainer struct {
	h      headSpec
	params []param
	rng    *rand.Rand
	epochs int
	pat    int
	lr, wd float64
	drop   float64
	mdrop  float64
}

// classWeights returns per-patient loss weights giving both classes the
// same total weight, normalised to sum to one.
func classWeights(y []float64) []float64 {
	pos := 0.0
	for _, v := range y {
		pos += v
	}
	neg := float64(len(y)) - pos
	w := make([]float64, len(y))
	for i, v := range y {
		switch {
		case v == 1:
			w[i] = 0.5 / pos
		case neg > 0:
			w[i] = 0.5 / neg
		}
	}
	return w
}

// bce is Σ w·(softplus(z) − y·z), the weighted logistic loss.
func bce(z *G.Node, y, w []float64, n int) *G.Node {
	g := z.Graph()
	yn := matrixNode(g, "", n, 1, y)
	wn := matrixNode(g, "", n, 1, w)
	l := G.Must(G.Sub(G.Must(G.Softplus(z)), G.Must(G.HadamardProd(yn, z))))
	return G.Must(G.Sum(G.Must(G.HadamardProd(l, wn))))
}

func bceValue(z, y, w []float64) float64 {
	s := 0.0
	for i, zi := range z {
		s += w[i] * (softplus(zi) - y[i]*zi)
	}
	return s
}

func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	return math.Log1p(math.Exp(x))
}

// fit trains on tr (all rows are training patients). With a validation
// set it keeps the weights of the epoch with the lowest validation loss and
// stops after Patience epochs without improvement; without one it runs every
// epoch.
func (t *trainer) fit(ctx context.Context, tr inputs, ytr []float64,
	va *inputs, yva []float64) (err error) {
	defer recoverTo(&err)
	nt, ev, err := t.build(tr, ytr, va)
	if err != nil {
		return err
	}
	if ev != nil {
		return t.loop(ctx, nt, ev, tr, va.from, yva)
	}
	return t.loop(ctx, nt, nil, tr, 0, nil)
}

// build builds the training net over tr with its loss and gradients, and
// the validation net over va when there is one, holding gorgonialock.Mu.
func (t *trainer) build(tr inputs, ytr []float64, va *inputs) (nt, ev *net, err error) {
	gorgonialock.Mu.Lock()
	defer gorgonialock.Mu.Unlock()
	defer recoverTo(&err)
	if nt, err = newNet(t.h, t.params, tr.feats, tr.present, tr.n, tr.adj, t.drop); err != nil {
		return nil, nil, err
	}
	loss, err := t.loss(nt, ytr)
	if err != nil {
		return nil, nil, err
	}
	if _, err := G.Grad(loss, nt.params...); err != nil {
		return nil, nil, fmt.Errorf("graphfusion: gradients: %w", err)
	}
	if va != nil {
		if ev, err = newNet(t.h, t.params, va.feats, va.present, va.n, va.adj, 0); err != nil {
			return nil, nil, err
		}
	}
	return nt, ev, nil
}

func (t *trainer) loss(nt *net, y []float64) (*G.Node, error) {
	w := classWeights(y)
	if !t.h.perView() {
		return bce(nt.out.logit, y, w, nt.n), nil
	}
	var total *G.Node
	for _, z := range nt.out.viewLogits {
		l := bce(z, y, w, nt.n)
		if total == nil {
			total = l
		} else {
			total = G.Must(G.Add(total, l))
		}
	}
	return total, nil
}

func (t *trainer) loop(ctx context.Context, nt, ev *net, tr inputs, from int,
	yva []float64) error {
	m := G.NewTapeMachine(nt.g, G.BindDualValues(nt.params...))
	defer m.Close()
	var em G.VM
	if ev != nil {
		em = G.NewTapeMachine(ev.g)
		defer em.Close()
	}
	adam := gnn.NewAdam(t.lr)
	ws, decay := t.weights()
	wva := classWeights(yva)
	best, bestLoss, bad := t.snapshot(), math.Inf(1), 0
	for epoch := 0; epoch < t.epochs && bad <= t.pat; epoch++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		t.refresh(nt, tr)
		grads, err := step(m, nt)
		if err != nil {
			return err
		}
		adam.Step(ws, grads, decay)
		if ev == nil {
			continue
		}
		z, err := runEval(em, ev, from)
		if err != nil {
			return err
		}
		if l := bceValue(z, yva, wva); l < bestLoss-1e-9 {
			best, bestLoss, bad = t.snapshot(), l, 0
		} else {
			bad++
		}
	}
	if ev != nil {
		for i := range t.params {
			copy(t.params[i].W, best[i])
		}
	}
	return nil
}

func step(m G.VM, nt *net) ([][]float64, error) {
	defer m.Reset()
	if err := m.RunAll(); err != nil {
		return nil, fmt.Errorf("graphfusion: training step: %w", err)
	}
	grads := make([][]float64, len(nt.params))
	for i, p := range nt.params {
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

func runEval(m G.VM, ev *net, from int) ([]float64, error) {
	defer m.Reset()
	if err := m.RunAll(); err != nil {
		return nil, fmt.Errorf("graphfusion: validation pass: %w", err)
	}
	return slices.Clone(ev.logitV.Data().([]float64)[from:]), nil
}

func (t *trainer) weights() ([][]float64, []float64) {
	ws := make([][]float64, len(t.params))
	decay := make([]float64, len(t.params))
	for i, p := range t.params {
		ws[i] = p.W
		if p.Decay {
			decay[i] = t.wd
		}
	}
	return ws, decay
}

func (t *trainer) snapshot() [][]float64 {
	s := make([][]float64, len(t.params))
	for i, p := range t.params {
		s[i] = slices.Clone(p.W)
	}
	return s
}

// refresh draws this step's dropout masks and modality dropout.
func (t *trainer) refresh(nt *net, tr inputs) {
	for _, m := range nt.masks {
		gnn.FillDropout(t.rng, m, t.drop)
	}
	for v := range nt.viewBuf {
		copy(nt.viewBuf[v], tr.feats[v])
		copy(nt.presBuf[v], tr.present[v])
	}
	if t.mdrop <= 0 {
		return
	}
	for i := range tr.n {
		for v := range nt.viewBuf {
			if tr.present[v][i] == 1 && t.rng.Float64() < t.mdrop && t.othersPresent(nt, i, v) {
				w := len(tr.feats[v]) / tr.n
				row := nt.viewBuf[v][i*w : (i+1)*w]
				clear(row)
				row[w-1] = 1
				nt.presBuf[v][i] = 0
			}
		}
	}
}

func (t *trainer) othersPresent(nt *net, i, v int) bool {
	for u := range nt.presBuf {
		if u != v && nt.presBuf[u][i] == 1 {
			return true
		}
	}
	return false
}
