package encoders

import (
	"math/rand/v2"
	"sync"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// builder adds encoders to one gorgonia graph. Its methods stop at the first
// error, which err keeps, so graph construction reads as straight-line code.
type builder struct {
	g       *G.ExprGraph
	train   bool
	workers int
	nodes   map[*param]*G.Node
	order   []*param // learnable parameters, in the order first used
	feeds   []feed   // inputs redrawn at every training step
	err     error
}

// feed is an input node whose value is redrawn before each step.
type feed struct {
	node *G.Node
	data []float32
	fill func(rng *rand.Rand, dst []float32)
}

func newBuilder(train bool, workers int) *builder {
	return &builder{g: G.NewGraph(), train: train, workers: max(workers, 1),
		nodes: map[*param]*G.Node{}}
}

// param returns the node of p, bound to a copy of its current values.
func (b *builder) param(p *param) *G.Node {
	if n, ok := b.nodes[p]; ok {
		return n
	}
	v := dense(append([]float32(nil), p.data...), p.shape...)
	n := G.NewTensor(b.g, tensor.Float32, len(p.shape), G.WithShape(p.shape...),
		G.WithName(p.name), G.WithValue(v))
	b.nodes[p] = n
	b.order = append(b.order, p)
	return n
}

// weight returns the node of p: learnable (as param) when learn is set,
// else a constant input holding a copy of its values.
func (b *builder) weight(p *param, learn bool) *G.Node {
	if learn || b.err != nil {
		return b.param(p)
	}
	n, buf := b.bound(p.name, p.shape...)
	copy(buf, p.data)
	return n
}

// input adds an input node of the given shape.
func (b *builder) input(name string, shape ...int) *G.Node {
	return G.NewTensor(b.g, tensor.Float32, len(shape), G.WithShape(shape...),
		G.WithName(name))
}

// apply records the error of one gorgonia call and returns its node.
func (b *builder) apply(n *G.Node, err error) *G.Node {
	if b.err == nil && err != nil {
		b.err = err
	}
	if b.err != nil {
		return nil
	}
	return n
}

// linear is x*w + bias, for x [rows, in], w [in, out], bias [1, out].
func (b *builder) linear(x *G.Node, w, bias *param) *G.Node {
	if b.err != nil {
		return nil
	}
	y := b.apply(G.Mul(x, b.param(w)))
	if b.err != nil {
		return nil
	}
	return b.apply(G.BroadcastAdd(y, b.param(bias), nil, []byte{0}))
}

// rectifyMu serialises G.Rectify, which numbers its node group with an
// unguarded package counter of gorgonia, so that graphs may be built
// concurrently (concurrent Encode calls).
var rectifyMu sync.Mutex

func (b *builder) relu(x *G.Node) *G.Node {
	if b.err != nil {
		return nil
	}
	rectifyMu.Lock()
	defer rectifyMu.Unlock()
	return b.apply(G.Rectify(x))
}

// redraw refills every feed from rng, in the order they were added.
func (b *builder) redraw(rng *rand.Rand) error {
	for _, f := range b.feeds {
		f.fill(rng, f.data)
		if err := G.Let(f.node, dense(f.data, f.node.Shape()...)); err != nil {
			return err
		}
	}
	return nil
}

// learnables returns the parameter nodes in order.
func (b *builder) learnables() G.Nodes {
	out := make(G.Nodes, len(b.order))
	for i, p := range b.order {
		out[i] = b.nodes[p]
	}
	return out
}

// store copies the trained values of every parameter back.
func (b *builder) store() error {
	for _, p := range b.order {
		d, err := floats(b.nodes[p].Value())
		if err != nil {
			return err
		}
		copy(p.data, d)
	}
	return nil
}
