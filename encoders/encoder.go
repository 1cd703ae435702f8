package encoders

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
)

// encoder is one modality's network. Every implementation passes the shared
// conformance test (conformance_test.go).
type encoder interface {
	// inputLen is the number of floats per patient.
	inputLen() int
	// width is the embedding width.
	width() int
	// arch describes the network for saving.
	arch() arch
	// params are the saved weights, in a fixed order.
	params() []*param
	// initDecoder draws the weights of the pretraining decoder, which is
	// not saved.
	initDecoder(rng *rand.Rand)
	// embed adds the encoder over x [rows, inputLen]. It returns the
	// embedding [rows, width] and the code the decoder reads.
	embed(b *builder, x *G.Node, rows int) (emb, code *G.Node)
	// decode adds the pretraining decoder (after initDecoder); its output
	// is [rows, inputLen].
	decode(b *builder, code *G.Node, rows int) *G.Node
}

// arch is the saved description of an encoder's network.
type arch struct {
	Kind   string `json:"kind"` // "mlp" or "cnn"
	In     int    `json:"in"`
	Hidden int    `json:"hidden"`
	Out    int    `json:"out"`
	// Shape is the study shape of a CNN (slices, rows, cols).
	Shape [3]int `json:"shape,omitzero"`
}

// build makes an encoder of this architecture with zero weights, after
// checking that its size is sane.
func (a arch) build(name string, h header) (encoder, error) {
	bad := fmt.Errorf("%w: saved %s encoder architecture %+v", ErrInvalidInput, name, a)
	if a.Hidden < 1 || a.Hidden > 4096 || a.Out != h.Width {
		return nil, bad
	}
	switch {
	case a.Kind == "mlp" && name != Imaging && a.In >= 1 && a.In <= maxFeatures:
		return newMLP(name, a.In, a.Hidden, a.Out, 0, nil), nil
	case a.Kind == "cnn" && name == Imaging && a.Shape == h.ImageShape &&
		checkImageShape(a.Shape) == nil && a.In == a.Shape[0]*a.Shape[1]*a.Shape[2]:
		return newCNN(a.Shape, a.Hidden, a.Out, 0, nil), nil
	}
	return nil, bad
}

// mlp is a two-layer perceptron encoder, in -> hidden (ReLU, dropout) ->
// width, with the mirrored decoder width -> hidden (ReLU) -> in.
type mlp struct {
	in, hidden, out int
	dropout         float64
	w1, b1, w2, b2  *param
	dec             [4]*param
}

// newMLP builds an MLP encoder; with a nil rng its weights are zero.
func newMLP(name string, in, hidden, out int, dropout float64, rng *rand.Rand) *mlp {
	m := &mlp{in: in, hidden: hidden, out: out, dropout: dropout,
		w1: newParam(name+".w1", in, hidden), b1: newParam(name+".b1", 1, hidden),
		w2: newParam(name+".w2", hidden, out), b2: newParam(name+".b2", 1, out)}
	if rng != nil {
		m.w1.initUniform(rng, heBound(in))
		m.w2.initUniform(rng, glorotBound(hidden, out))
	}
	return m
}

func (m *mlp) inputLen() int    { return m.in }
func (m *mlp) width() int       { return m.out }
func (m *mlp) params() []*param { return []*param{m.w1, m.b1, m.w2, m.b2} }

func (m *mlp) arch() arch {
	return arch{Kind: "mlp", In: m.in, Hidden: m.hidden, Out: m.out}
}

func (m *mlp) initDecoder(rng *rand.Rand) {
	m.dec = [4]*param{newParam("dec.w1", m.out, m.hidden), newParam("dec.b1", 1, m.hidden),
		newParam("dec.w2", m.hidden, m.in), newParam("dec.b2", 1, m.in)}
	m.dec[0].initUniform(rng, heBound(m.out))
	m.dec[2].initUniform(rng, glorotBound(m.hidden, m.in))
}

func (m *mlp) embed(b *builder, x *G.Node, _ int) (emb, code *G.Node) {
	h := b.dropout(b.relu(b.linear(x, m.w1, m.b1)), m.dropout)
	emb = b.linear(h, m.w2, m.b2)
	return emb, emb
}

func (m *mlp) decode(b *builder, code *G.Node, _ int) *G.Node {
	return b.linear(b.relu(b.linear(code, m.dec[0], m.dec[1])), m.dec[2], m.dec[3])
}
