package graphfusion

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/clinfuse/clinfuse/graphfusion/internal/gnn"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// graphAlpha is the default initial-residual share of the graph head (see
// doc and Options.Residual).
const graphAlpha = 0.8

// rectifyMu serialises G.Rectify, which numbers its node group with an
// unguarded package counter of gorgonia, so that fold models may build
// their graphs concurrently.
var rectifyMu sync.Mutex

func rectify(x *G.Node) (*G.Node, error) {
	rectifyMu.Lock()
	defer rectifyMu.Unlock()
	return G.Rectify(x)
}

// param is one weight matrix of a head, stored row-major.
type param struct {
	Name       string
	Rows, Cols int
	W          []float64
	Decay      bool // weight decay applies (weights, not biases)
}

// headKind names how a head is built.
type headKind int

const (
	kindGraph headKind = iota
	kindEarly
	kindLate
	kindAttention
	kindView
)

// headSpec is a parsed head name.
type headSpec struct {
	kind  headKind
	view  int     // for kindView
	alpha float64 // initial-residual share, for kindGraph
}

func parseHead(head string, names []string) (headSpec, error) {
	switch head {
	case "graph":
		return headSpec{kind: kindGraph, alpha: graphAlpha}, nil
	case "early":
		return headSpec{kind: kindEarly}, nil
	case "late":
		return headSpec{kind: kindLate}, nil
	case "attention":
		return headSpec{kind: kindAttention}, nil
	}
	if v := slices.Index(names, head); v >= 0 {
		return headSpec{kind: kindView, view: v}, nil
	}
	return headSpec{}, fmt.Errorf("%w: head %q (want graph, early, late, attention "+
		"or a view name)", ErrUnsupported, head)
}

// perView reports whether the head trains one loss per view.
func (h headSpec) perView() bool { return h.kind == kindGraph || h.kind == kindLate }

// initParams draws a head's weights from rng; in[v] is view v's input width
// including the missing indicator.
func (h headSpec) initParams(rng *rand.Rand, in []int, hidden int) []param {
	var ps []param
	// Weight decay applies to the weights that read the inputs: on a
	// product of layers an L2 penalty on every factor acts like a
	// threshold that can zero the whole head, so (as in the GCN of Kipf
	// and Welling) later layers are left free.
	add := func(name string, r, c int, decay bool) {
		p := param{Name: name, Rows: r, Cols: c, W: make([]float64, r*c), Decay: decay}
		if decay && rng != nil {
			gnn.Glorot(rng, p.W, r, c)
		}
		ps = append(ps, p)
	}
	free := func(name string, r, c int) {
		add(name, r, c, true)
		ps[len(ps)-1].Decay = false
	}
	switch h.kind {
	case kindGraph, kindLate:
		for v, d := range in {
			add(fmt.Sprintf("w%d", v), d, 1, true)
			add(fmt.Sprintf("b%d", v), 1, 1, false)
		}
	case kindEarly:
		add("w1", sum(in), hidden, true)
		add("b1", 1, hidden, false)
		free("w2", hidden, 1)
		add("b2", 1, 1, false)
	case kindAttention:
		for v, d := range in {
			add(fmt.Sprintf("w%d", v), d, hidden, true)
			add(fmt.Sprintf("b%d", v), 1, hidden, false)
		}
		free("q", hidden, 1)
		free("u", hidden, 1)
		add("c", 1, 1, false)
	case kindView:
		add("w", in[h.view], 1, true)
		add("b", 1, 1, false)
	}
	return ps
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

// net is one gorgonia graph of a head over a set of n patients.
type net struct {
	g       *G.ExprGraph
	n       int
	params  []*G.Node
	views   []*G.Node   // n×(d_v+1) inputs
	viewBuf [][]float64 // backing arrays of views, refreshed in place
	present []*G.Node   // n×1 presence (attention only)
	presBuf [][]float64
	adj     *gnn.CSR
	adjT    *gnn.CSR
	dropout float64
	alpha   float64     // initial-residual share of propagate
	masks   [][]float64 // dropout masks refreshed each training step
	out     outputs
	// logitV and fusedV receive copies of the outputs during a run:
	// gorgonia may reuse an intermediate node's memory in place, so node
	// values are read through Read ops, never directly.
	logitV, fusedV G.Value
}

type outputs struct {
	logit      *G.Node   // n×1
	viewLogits []*G.Node // n×1 each, per-view heads
	fused      *G.Node   // n×f
}

// matrixNode makes an input node holding backing. An empty name is replaced
// by a unique one: gorgonia merges input nodes of equal name and shape.
func matrixNode(g *G.ExprGraph, name string, r, c int, backing []float64) *G.Node {
	if name == "" {
		name = fmt.Sprintf("const%d", len(g.AllNodes()))
	}
	t := tensor.New(tensor.WithShape(r, c), tensor.WithBacking(backing))
	return G.NewMatrix(g, tensor.Float64, G.WithShape(r, c), G.WithName(name), G.WithValue(t))
}

// newNet builds the head's graph. feats are the views' input matrices (see
// standardiser.features), copied into the graph's own inputs; adj is needed
// by the graph head only. dropout > 0 makes a training graph.
func newNet(h headSpec, ps []param, feats [][]float64, present [][]float64, n int,
	adj *gnn.CSR, dropout float64) (_ *net, err error) {
	defer recoverTo(&err)
	nt := &net{g: G.NewGraph(), n: n, adj: adj, dropout: dropout, alpha: h.alpha}
	if adj != nil {
		nt.adjT, _ = adj.Transpose()
	}
	for _, p := range ps {
		nt.params = append(nt.params, matrixNode(nt.g, p.Name, p.Rows, p.Cols, p.W))
	}
	for v, f := range feats {
		buf := slices.Clone(f)
		nt.viewBuf = append(nt.viewBuf, buf)
		nt.views = append(nt.views, matrixNode(nt.g, fmt.Sprintf("x%d", v), n, len(f)/n, buf))
		pb := slices.Clone(present[v])
		nt.presBuf = append(nt.presBuf, pb)
		nt.present = append(nt.present, matrixNode(nt.g, fmt.Sprintf("m%d", v), n, 1, pb))
	}
	switch h.kind {
	case kindGraph, kindLate:
		nt.out, err = nt.buildPerView(h.kind == kindGraph)
	case kindEarly:
		nt.out, err = nt.buildEarly()
	case kindAttention:
		nt.out, err = nt.buildAttention()
	case kindView:
		nt.out, err = nt.buildView(h.view)
	}
	if err != nil {
		return nil, fmt.Errorf("graphfusion: building %v head: %w", h.kind, err)
	}
	G.Read(nt.out.logit, &nt.logitV)
	G.Read(nt.out.fused, &nt.fusedV)
	return nt, nil
}

// drop multiplies x by a fresh dropout mask in a training graph.
func (nt *net) drop(x *G.Node) *G.Node {
	if nt.dropout <= 0 {
		return x
	}
	s := x.Shape()
	buf := make([]float64, s.TotalSize())
	nt.masks = append(nt.masks, buf)
	m := matrixNode(nt.g, fmt.Sprintf("mask%d", len(nt.masks)), s[0], s[1], buf)
	return G.Must(G.HadamardProd(x, m))
}

// addBias adds the 1×c row b to every row of x. Broadcasting is done with a
// matrix product by a column of ones: gorgonia v0.9.18's BroadcastAdd
// returns the bias gradient with its columns reversed.
func (nt *net) addBias(x, b *G.Node) *G.Node {
	return G.Must(G.Add(x, G.Must(G.Mul(ones(x.Graph(), x.Shape()[0], 1), b))))
}

// ones is a constant r×c matrix of ones.
func ones(g *G.ExprGraph, r, c int) *G.Node {
	w := make([]float64, r*c)
	for i := range w {
		w[i] = 1
	}
	return matrixNode(g, "", r, c, w)
}

func (nt *net) linear(x, w, b *G.Node) *G.Node {
	return nt.addBias(G.Must(G.Mul(x, w)), b)
}

func (nt *net) buildPerView(graph bool) (outputs, error) {
	var o outputs
	var conv G.Nodes
	for v, x := range nt.views {
		w, b := nt.params[2*v], nt.params[2*v+1]
		z := G.Must(G.Mul(nt.drop(x), w))
		if graph {
			var err error
			if z, err = nt.propagate(z); err != nil {
				return o, err
			}
			cx, err := nt.propagate(x)
			if err != nil {
				return o, err
			}
			conv = append(conv, cx)
		}
		o.viewLogits = append(o.viewLogits, nt.addBias(z, b))
	}
	o.logit = o.viewLogits[0]
	for _, l := range o.viewLogits[1:] {
		o.logit = G.Must(G.Add(o.logit, l))
	}
	o.fused = G.Must(G.Concat(1, o.viewLogits...))
	if graph {
		o.fused = G.Must(G.Concat(1, conv...))
	}
	return o, nil
}

// propagate is the graph convolution with initial residual,
// (1-α)·Â·z + α·z.
func (nt *net) propagate(z *G.Node) (*G.Node, error) {
	az, err := gnn.SpMM(nt.adj, nt.adjT, z)
	if err != nil {
		return nil, err
	}
	a := G.NewConstant(1 - nt.alpha)
	r := G.NewConstant(nt.alpha)
	return G.Must(G.Add(G.Must(G.Mul(az, a)), G.Must(G.Mul(z, r)))), nil
}

func (nt *net) buildEarly() (outputs, error) {
	x := nt.views[0]
	if len(nt.views) > 1 {
		x = G.Must(G.Concat(1, nt.views...))
	}
	p := nt.params
	h := G.Must(rectify(nt.linear(nt.drop(x), p[0], p[1])))
	return outputs{logit: nt.linear(nt.drop(h), p[2], p[3]), fused: h}, nil
}

func (nt *net) buildView(v int) (outputs, error) {
	l := nt.linear(nt.drop(nt.views[v]), nt.params[0], nt.params[1])
	return outputs{logit: l, fused: l}, nil
}

// buildAttention pools per-view tokens with softmax weights over the present
// views; scores are bounded by 5·tanh so the exponentials cannot overflow.
func (nt *net) buildAttention() (outputs, error) {
	V := len(nt.views)
	p := nt.params
	q, u, c := p[2*V], p[2*V+1], p[2*V+2]
	five := G.NewConstant(5.0)
	var tokens, weights []*G.Node
	var total *G.Node
	for v, x := range nt.views {
		t := G.Must(rectify(nt.linear(nt.drop(x), p[2*v], p[2*v+1])))
		s := G.Must(G.Mul(G.Must(G.Tanh(G.Must(G.Mul(t, q)))), five))
		e := G.Must(G.HadamardProd(G.Must(G.Exp(s)), nt.present[v]))
		tokens, weights = append(tokens, t), append(weights, e)
		if total == nil {
			total = e
		} else {
			total = G.Must(G.Add(total, e))
		}
	}
	total = G.Must(G.Add(total, G.NewConstant(1e-9)))
	var pooled *G.Node
	for v, t := range tokens {
		a := G.Must(G.HadamardDiv(weights[v], total))
		at := G.Must(G.HadamardProd(t, G.Must(G.Mul(a, ones(nt.g, 1, t.Shape()[1])))))
		if pooled == nil {
			pooled = at
		} else {
			pooled = G.Must(G.Add(pooled, at))
		}
	}
	logit := nt.linear(nt.drop(pooled), u, c)
	return outputs{logit: logit, fused: pooled}, nil
}
