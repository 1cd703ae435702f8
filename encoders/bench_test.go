package encoders

import (
	"testing"

	G "gorgonia.org/gorgonia"
)

// The image encoder at the size of bench/encoders_cnn.py: 64x64
// single-channel images, batch 32, hidden 32 (channels 8, 16, 32), width 16.
const (
	benchBatch  = 32
	benchSide   = 64
	benchHidden = 32
	benchWidth  = 16
)

// benchGraph builds the encoder over one batch; with backward it adds the
// cost mean(emb^2) and its gradient for every weight, as the PyTorch script.
func benchGraph(b *testing.B, workers int, backward bool) (G.VM, *builder) {
	enc := newCNN([3]int{1, benchSide, benchSide}, benchHidden, benchWidth, 0, newRand(1, 1))
	bl := newBuilder(backward, workers)
	x, buf := bl.bound("x", benchBatch, enc.inputLen())
	copy(buf, randomFloats(2, len(buf)))
	emb, _ := enc.embed(bl, x, benchBatch)
	if !backward {
		if bl.err != nil {
			b.Fatal(bl.err)
		}
		return G.NewTapeMachine(bl.g), bl
	}
	cost := bl.apply(G.Mean(bl.apply(G.Square(emb))))
	if bl.err != nil {
		b.Fatal(bl.err)
	}
	if _, err := G.Grad(cost, bl.learnables()...); err != nil {
		b.Fatal(err)
	}
	return G.NewTapeMachine(bl.g, G.BindDualValues(bl.learnables()...)), bl
}

func benchImageEncoder(b *testing.B, workers int, backward bool) {
	vm, _ := benchGraph(b, workers, backward)
	defer vm.Close()
	b.ReportAllocs()
	for b.Loop() {
		if err := vm.RunAll(); err != nil {
			b.Fatal(err)
		}
		vm.Reset()
	}
	b.ReportMetric(float64(benchBatch*b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkImageEncoder reports images/s of the image encoder, forward and
// forward+backward, with 1 and 2 workers; compare with
// /usr/bin/python3 bench/encoders_cnn.py --threads 1 (and 2).
func BenchmarkImageEncoder(b *testing.B) {
	for _, bc := range []struct {
		name     string
		workers  int
		backward bool
	}{
		{"forward/workers=1", 1, false},
		{"forward/workers=2", 2, false},
		{"forward+backward/workers=1", 1, true},
		{"forward+backward/workers=2", 2, true},
	} {
		b.Run(bc.name, func(b *testing.B) { benchImageEncoder(b, bc.workers, bc.backward) })
	}
}
