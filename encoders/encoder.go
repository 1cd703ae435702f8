package encoders

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
)

// encoder is one modality's network: a descriptor of the raw input (the
// normalised features themselves, or a study's pooled convolutional
// features) followed by a projector to the embedding. Every implementation
// passes the shared conformance test (conformance_test.go).
type encoder interface {
	// inputLen is the number of floats per patient.
	inputLen() int
	// descLen is the length of the descriptor.
	descLen() int
	// width is the embedding width.
	width() int
	// arch describes the network for saving.
	arch() arch
	// params are the saved weights, in a fixed order.
	params() []*param
	// initDecoder draws the weights of the pretraining decoder, which is
	// not saved.
	initDecoder(rng *rand.Rand)
	// describe adds the descriptor [rows, descLen] of x [rows, inputLen].
	// In a training graph a study encoder also returns the descriptors of
	// the two halves of each study's slices (even and odd); otherwise
	// halves is nil.
	describe(b *builder, x *G.Node, rows int) (desc *G.Node, halves []*G.Node)
	// project adds the embedding [rows, width] of descriptors.
	project(b *builder, desc *G.Node) *G.Node
	// decode adds the pretraining decoder (after initDecoder): descriptors
	// [rows, descLen] rebuilt from embeddings.
	decode(b *builder, emb *G.Node) *G.Node
}

// embed adds enc's embedding of x [rows, inputLen].
func embed(b *builder, enc encoder, x *G.Node, rows int) *G.Node {
	desc, _ := enc.describe(b, x, rows)
	return enc.project(b, desc)
}

// arch is the saved description of an encoder's network.
type arch struct {
	Kind string `json:"kind"` // "mlp" or "cnn"
	In   int    `json:"in"`
	// Hidden is the projector's hidden width (0: linear) of an MLP, and the
	// channels of the last convolution of a CNN.
	Hidden int `json:"hidden"`
	Out    int `json:"out"`
	// ProjHidden is the projector's hidden width of a CNN (0: linear).
	ProjHidden int `json:"proj_hidden,omitzero"`
	// Shape is the study shape of a CNN (slices, rows, cols).
	Shape [3]int `json:"shape,omitzero"`
}

// build makes an encoder of this architecture with zero weights, after
// checking that its size is sane.
func (a arch) build(name string, h header) (encoder, error) {
	bad := fmt.Errorf("%w: saved %s encoder architecture %+v", ErrInvalidInput, name, a)
	if a.Hidden < 0 || a.Hidden > 4096 || a.ProjHidden < 0 || a.ProjHidden > 4096 ||
		a.Out != h.Width {
		return nil, bad
	}
	switch {
	case a.Kind == "mlp" && name != Imaging && a.In >= 1 && a.In <= maxFeatures &&
		a.ProjHidden == 0:
		return newTabular(name, a.In, a.Hidden, a.Out, 0, nil), nil
	case a.Kind == "cnn" && name == Imaging && a.Shape == h.ImageShape && a.Hidden >= 1 &&
		checkImageShape(a.Shape) == nil && a.In == a.Shape[0]*a.Shape[1]*a.Shape[2]:
		return newCNN(a.Shape, a.Hidden, a.ProjHidden, a.Out, 0, nil), nil
	}
	return nil, bad
}

// projector maps descriptors to embeddings: linear (in -> out) when hidden
// is 0, else in -> hidden (ReLU, dropout) -> out. Its pretraining decoder
// mirrors it: out -> in, or out -> hidden (ReLU) -> in.
type projector struct {
	in, hidden, out int
	dropout         float64
	w               []*param // w1, b1[, w2, b2]
	dec             []*param
	prefix          string
}

// newProjector builds a projector whose weights are named prefix.*; with a
// nil rng its weights are zero.
func newProjector(prefix string, in, hidden, out int, dropout float64,
	rng *rand.Rand) *projector {
	p := &projector{in: in, hidden: hidden, out: out, dropout: dropout, prefix: prefix}
	p.w = denseLayers(prefix, rng, in, hidden, out)
	return p
}

// denseLayers makes the weights of in -> [hidden ->] out, named prefix.w1,
// prefix.b1 and so on: He bounds before a ReLU, Glorot before the output.
func denseLayers(prefix string, rng *rand.Rand, in, hidden, out int) []*param {
	sizes := []int{in, out}
	if hidden > 0 {
		sizes = []int{in, hidden, out}
	}
	var ps []*param
	for l := 1; l < len(sizes); l++ {
		w := newParam(fmt.Sprintf("%s.w%d", prefix, l), sizes[l-1], sizes[l])
		b := newParam(fmt.Sprintf("%s.b%d", prefix, l), 1, sizes[l])
		if rng != nil {
			bound := glorotBound(sizes[l-1], sizes[l])
			if l < len(sizes)-1 {
				bound = heBound(sizes[l-1])
			}
			w.initUniform(rng, bound)
		}
		ps = append(ps, w, b)
	}
	return ps
}

func (p *projector) initDecoder(rng *rand.Rand) {
	p.dec = denseLayers(p.prefix+".dec", rng, p.out, p.hidden, p.in)
}

func (p *projector) project(b *builder, x *G.Node) *G.Node {
	return b.layers(x, p.w, p.dropout)
}

func (p *projector) decode(b *builder, e *G.Node) *G.Node {
	return b.layers(e, p.dec, 0)
}

// layers applies the dense layers ws (weight, bias pairs) with ReLU and
// dropout between them.
func (b *builder) layers(x *G.Node, ws []*param, dropout float64) *G.Node {
	for l := 0; l+1 < len(ws); l += 2 {
		if l > 0 {
			x = b.dropout(b.relu(x), dropout)
		}
		x = b.linear(x, ws[l], ws[l+1])
	}
	return x
}

// tabular is the encoder of a feature vector (records, variants): the
// descriptor is the normalised row itself.
type tabular struct {
	proj *projector
}

// newTabular builds a records or variants encoder; with a nil rng its
// weights are zero.
func newTabular(name string, in, hidden, out int, dropout float64, rng *rand.Rand) *tabular {
	return &tabular{proj: newProjector(name, in, hidden, out, dropout, rng)}
}

func (m *tabular) inputLen() int              { return m.proj.in }
func (m *tabular) descLen() int               { return m.proj.in }
func (m *tabular) width() int                 { return m.proj.out }
func (m *tabular) params() []*param           { return m.proj.w }
func (m *tabular) initDecoder(rng *rand.Rand) { m.proj.initDecoder(rng) }

func (m *tabular) arch() arch {
	return arch{Kind: "mlp", In: m.proj.in, Hidden: m.proj.hidden, Out: m.proj.out}
}

func (m *tabular) describe(_ *builder, x *G.Node, _ int) (*G.Node, []*G.Node) {
	return x, nil
}

func (m *tabular) project(b *builder, d *G.Node) *G.Node { return m.proj.project(b, d) }
func (m *tabular) decode(b *builder, e *G.Node) *G.Node  { return m.proj.decode(b, e) }
