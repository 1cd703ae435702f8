package encoders

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// encoderCase is one encoder under the shared conformance suite.
type encoderCase struct {
	name string
	// build makes the encoder with weights drawn from rng.
	build func(rng *rand.Rand) encoder
	// inputs places rows in the Inputs field of the encoder's modality.
	inputs func(rows [][]float64) Inputs
	// view is the modality name.
	view string
}

var encoderCases = []encoderCase{
	{
		name:  "records mlp",
		build: func(rng *rand.Rand) encoder { return newTabular(Records, 7, 6, 5, 0.3, rng) },
		inputs: func(rows [][]float64) Inputs {
			return Inputs{Records: rows}
		},
		view: Records,
	},
	{
		name:  "variants linear",
		build: func(rng *rand.Rand) encoder { return newTabular(Variants, 9, 0, 3, 0.3, rng) },
		inputs: func(rows [][]float64) Inputs {
			return Inputs{Variants: rows}
		},
		view: Variants,
	},
	{
		name: "imaging cnn",
		build: func(rng *rand.Rand) encoder {
			c := newCNN([3]int{2, 9, 8}, 8, 4, 5, 0.3, rng)
			c.learnTrunk = true
			return c
		},
		inputs: func(rows [][]float64) Inputs {
			in := Inputs{ImageShape: [3]int{2, 9, 8}, Image: make([][]float32, len(rows))}
			for i, r := range rows {
				in.Image[i] = make([]float32, len(r))
				for j, v := range r {
					in.Image[i][j] = float32(v)
				}
			}
			return in
		},
		view: Imaging,
	},
}

// graphOf builds enc over rows rows of x; with a cost (a fixed random
// linear function of the embedding and the reconstruction) it is a training
// graph, whose dropout masks are drawn once.
type graphOf struct {
	b         *builder
	x         *G.Node
	xbuf      []float32
	emb, cost *G.Node
	vm        G.VM
}

func newGraphOf(t *testing.T, enc encoder, rows int, withCost bool) *graphOf {
	t.Helper()
	g := &graphOf{b: newBuilder(withCost, 2)}
	b := g.b
	g.x, g.xbuf = b.bound("x", rows, enc.inputLen())
	emb := embed(b, enc, g.x, rows)
	g.emb = emb
	if withCost {
		rec := enc.decode(b, emb)
		r1, buf1 := b.bound("r1", rows, enc.width())
		r2, buf2 := b.bound("r2", rows, enc.descLen())
		copy(buf1, randomFloats(11, len(buf1)))
		copy(buf2, randomFloats(12, len(buf2)))
		t1 := b.apply(G.Sum(b.apply(G.HadamardProd(emb, r1))))
		t2 := b.apply(G.Sum(b.apply(G.HadamardProd(rec, r2))))
		g.cost = b.apply(G.Add(t1, t2))
	}
	if b.err != nil {
		t.Fatal(b.err)
	}
	if withCost {
		if err := b.redraw(newRand(9, 9)); err != nil {
			t.Fatal(err)
		}
		if _, err := G.Grad(g.cost, b.learnables()...); err != nil {
			t.Fatal(err)
		}
		g.vm = G.NewTapeMachine(b.g, G.BindDualValues(b.learnables()...))
	} else {
		g.vm = G.NewTapeMachine(b.g)
	}
	t.Cleanup(func() { g.vm.Close() })
	return g
}

func (g *graphOf) run(t *testing.T) {
	t.Helper()
	g.vm.Reset()
	if err := g.vm.RunAll(); err != nil {
		t.Fatal(err)
	}
}

func (g *graphOf) value(t *testing.T, n *G.Node) []float32 {
	t.Helper()
	d, err := floats(n.Value())
	if err != nil {
		t.Fatal(err)
	}
	return append([]float32(nil), d...)
}

func TestConformance(t *testing.T) {
	for _, ec := range encoderCases {
		t.Run(ec.name+"/shape", func(t *testing.T) { conformShape(t, ec) })
		t.Run(ec.name+"/determinism", func(t *testing.T) { conformDeterminism(t, ec) })
		t.Run(ec.name+"/gradients", func(t *testing.T) { conformGradients(t, ec) })
		t.Run(ec.name+"/extreme values", func(t *testing.T) { conformExtremes(t, ec) })
	}
}

func conformShape(t *testing.T, ec encoderCase) {
	enc := ec.build(newRand(1, 1))
	enc.initDecoder(newRand(1, 2))
	g := newGraphOf(t, enc, 3, false)
	if got := g.emb.Shape(); !slices.Equal(got, tensor.Shape{3, enc.width()}) {
		t.Fatalf("embedding shape %v, want [3 %d]", got, enc.width())
	}
	b := newBuilder(false, 1)
	x := b.input("x", 3, enc.inputLen())
	desc, _ := enc.describe(b, x, 3)
	if b.err != nil || !slices.Equal(desc.Shape(), tensor.Shape{3, enc.descLen()}) {
		t.Fatalf("descriptor shape wrong (error %v)", b.err)
	}
	if rec := enc.decode(b, enc.project(b, desc)); b.err != nil ||
		!slices.Equal(rec.Shape(), tensor.Shape{3, enc.descLen()}) {
		t.Fatalf("reconstruction shape wrong (error %v)", b.err)
	}
}

func conformDeterminism(t *testing.T, ec encoderCase) {
	embed := func(seed uint64) []float32 {
		g := newGraphOf(t, ec.build(newRand(seed, 1)), 4, false)
		copy(g.xbuf, randomFloats(3, len(g.xbuf)))
		g.run(t)
		return g.value(t, g.emb)
	}
	a, b, c := embed(5), embed(5), embed(6)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave different embeddings")
	}
	if slices.Equal(a, c) {
		t.Fatal("different seeds gave the same embeddings")
	}
}

// conformGradients compares the graph's gradient of a random linear cost
// of embedding and reconstruction with central differences, for a sample of
// coordinates of every weight (encoder and decoder).
func conformGradients(t *testing.T, ec encoderCase) {
	enc := ec.build(newRand(2, 1))
	enc.initDecoder(newRand(2, 2))
	g := newGraphOf(t, enc, 3, true)
	// Biases start at zero, which puts units fed by inactive units exactly
	// on a ReLU kink, where no derivative exists: move them off it.
	for _, p := range g.b.order {
		if len(p.shape) == 1 || p.shape[0] == 1 {
			w := mustFloats(t, g.b.nodes[p].Value())
			copy(w, randomFloats(uint64(len(w)), len(w)))
		}
	}
	copy(g.xbuf, randomFloats(4, len(g.xbuf)))
	g.run(t)
	// The graph adds each run's gradient to the previous ones: read them all
	// after this single run, before the numeric runs.
	analytic := make([][]float32, len(g.b.order))
	for k, p := range g.b.order {
		grad, err := g.b.nodes[p].Grad()
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		analytic[k] = append([]float32(nil), mustFloats(t, grad)...)
	}
	rng := newRand(2, 3)
	bad, checked := 0, 0
	for k, p := range g.b.order {
		w := mustFloats(t, g.b.nodes[p].Value())
		for range min(6, len(w)) {
			j := rng.IntN(len(w))
			num := numericGrad(t, g, w, j)
			checked++
			if d := math.Abs(num - float64(analytic[k][j])); d > 0.03*math.Abs(num)+1e-2 {
				bad++
				t.Logf("%s[%d]: analytic %g, numeric %g", p.name, j, analytic[k][j], num)
			}
		}
	}
	// The network is piecewise linear: a perturbation may cross a ReLU kink
	// (the numeric slope then mixes two pieces) and float32 rounding limits
	// how small it can be. Allow two such coordinates.
	if bad > 2 {
		t.Fatalf("%d of %d gradient coordinates disagree", bad, checked)
	}
}

func mustFloats(t *testing.T, v G.Value) []float32 {
	t.Helper()
	d, err := floats(v)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// numericGrad is the central difference of the cost in w[j].
func numericGrad(t *testing.T, g *graphOf, w []float32, j int) float64 {
	const eps = 3e-4
	orig := w[j]
	eval := func(v float32) float64 {
		w[j] = v
		g.run(t)
		c, err := scalarOf(g.cost.Value())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	hi, lo := eval(orig+eps), eval(orig-eps)
	w[j] = orig
	return (hi - lo) / (2 * eps)
}

// conformExtremes fits and encodes rows holding huge, tiny, infinite and
// NaN values through the public API: every embedding must be finite.
func conformExtremes(t *testing.T, ec encoderCase) {
	enc := ec.build(newRand(3, 1))
	d := enc.inputLen()
	extremes := []float64{1e30, -1e30, math.Inf(1), math.Inf(-1), math.NaN(), 1e-30, 0}
	rows := make([][]float64, 12)
	rng := newRand(3, 2)
	for i := range rows {
		rows[i] = make([]float64, d)
		for j := range rows[i] {
			rows[i][j] = rng.Float64()
			if (i+j)%3 == 0 {
				rows[i][j] = extremes[(i*d+j)%len(extremes)]
			}
		}
	}
	in := ec.inputs(rows)
	opt := testOptions(true)
	opt.Model.PretrainEpochs = 3
	s, err := Fit(context.Background(), in, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.Encode(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range e.X[0] {
		for _, v := range x {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("patient %d has a non-finite embedding %v", i, x)
			}
		}
	}
}
