package encoders

import (
	"context"
	"syscall"
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
	enc := newCNN([3]int{1, benchSide, benchSide}, benchHidden, 0, benchWidth, 0, newRand(1, 1))
	enc.learnTrunk = backward
	bl := newBuilder(backward, workers)
	x, buf := bl.bound("x", benchBatch, enc.inputLen())
	copy(buf, randomFloats(2, len(buf)))
	emb := embed(bl, enc, x, benchBatch)
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
	cpu0 := cpuSeconds()
	for b.Loop() {
		if err := vm.RunAll(); err != nil {
			b.Fatal(err)
		}
		vm.Reset()
	}
	images := float64(benchBatch * b.N)
	b.ReportMetric(images/b.Elapsed().Seconds(), "images/s")
	b.ReportMetric(images/(cpuSeconds()-cpu0), "images/cpu-s")
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

// cpuSeconds is the processor time used so far by the process (user and
// system, all threads); on a shared machine it is steadier than wall time.
func cpuSeconds() float64 {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		return 0
	}
	return float64(r.Utime.Nano()+r.Stime.Nano()) / 1e9
}

// BenchmarkFit fits the default configuration on the size of the nightly
// example: 300 patients, 4x32x32 studies, 50 record and 100 variant
// features, pretraining with supervision on a third of the patients.
func BenchmarkFit(b *testing.B) {
	c := synthCohortOf(1, 300, [3]int{4, 32, 32}, 50, 100, 0.1)
	opt := testOptions(true)
	sup := &Supervision{Y: c.y, Train: make([]bool, 300)}
	for i := range 100 {
		sup.Train[i] = true
	}
	b.ReportAllocs()
	cpu0 := cpuSeconds()
	for b.Loop() {
		if _, err := Fit(context.Background(), c.in, sup, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}

// BenchmarkEncode encodes the same 300 patients with a fitted set.
func BenchmarkEncode(b *testing.B) {
	c := synthCohortOf(1, 300, [3]int{4, 32, 32}, 50, 100, 0.1)
	opt := testOptions(true)
	opt.Model.PretrainEpochs = 1
	s, err := Fit(context.Background(), c.in, nil, opt)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Encode(context.Background(), c.in); err != nil {
			b.Fatal(err)
		}
	}
}
