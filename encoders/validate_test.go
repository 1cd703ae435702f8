package encoders

import (
	"context"
	"errors"
	"math"
	"testing"
)

func TestFitRejects(t *testing.T) {
	rows := func(n, d int) [][]float64 {
		out := make([][]float64, n)
		for i := range out {
			out[i] = make([]float64, d)
		}
		return out
	}
	ok := Inputs{Records: rows(4, 3)}
	for _, tc := range []struct {
		name string
		in   Inputs
		sup  *Supervision
		opt  func(*Options)
		want error
	}{
		{"no modality", Inputs{Records: make([][]float64, 3)}, nil, nil, ErrInvalidInput},
		{"ragged lists", Inputs{Records: rows(4, 3), Variants: rows(5, 2)}, nil, nil,
			ErrInvalidInput},
		{"feature counts differ", Inputs{Records: append(rows(3, 3), make([]float64, 4))},
			nil, nil, ErrShapeMismatch},
		{"empty feature vector", Inputs{Records: append(rows(3, 3), []float64{})}, nil, nil,
			ErrInvalidInput},
		{"study of wrong size", Inputs{ImageShape: [3]int{1, 8, 8},
			Image: [][]float32{make([]float32, 64), make([]float32, 63)}}, nil, nil,
			ErrShapeMismatch},
		{"unusable image shape", Inputs{ImageShape: [3]int{1, 2, 8},
			Image: [][]float32{make([]float32, 16)}}, nil, nil, ErrInvalidInput},
		{"labels of other length", ok, &Supervision{Y: make([]float64, 3),
			Train: make([]bool, 4)}, nil, ErrInvalidInput},
		{"label not 0 or 1", ok, &Supervision{Y: []float64{0, 2, 1, 0},
			Train: []bool{true, true, true, true}}, nil, ErrInvalidInput},
		{"zero width", ok, nil, func(o *Options) { o.Model.EmbeddingWidth = 0 },
			ErrInvalidInput},
		{"dropout of 1", ok, nil, func(o *Options) { o.Model.Dropout = 1 }, ErrInvalidInput},
		{"NaN learning rate", ok, nil, func(o *Options) { o.Model.LearningRate = math.NaN() },
			ErrInvalidInput},
		{"negative epochs", ok, nil, func(o *Options) { o.Model.PretrainEpochs = -1 },
			ErrInvalidInput},
		{"negative encoder hidden", ok, nil, func(o *Options) { o.Model.EncoderHidden = -1 },
			ErrInvalidInput},
		{"negative slice weight", ok, nil,
			func(o *Options) { o.Model.SliceContrastWeight = -1 }, ErrInvalidInput},
		{"NaN contrastive weight", ok, nil,
			func(o *Options) { o.Model.ContrastiveWeight = math.NaN() }, ErrInvalidInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := testOptions(true)
			if tc.opt != nil {
				tc.opt(&opt)
			}
			_, err := Fit(context.Background(), tc.in, tc.sup, opt)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
}

func TestEncodeRejectsOtherShapes(t *testing.T) {
	c := synthCohort(10, 36, [3]int{1, 8, 8}, 0)
	s := smallFit(t, c, 1)
	bigger := subset(c.in, []int{0, 1})
	bigger.ImageShape = [3]int{1, 8, 9}
	bigger.Image = [][]float32{make([]float32, 72), nil}
	wider := subset(c.in, []int{0, 1})
	wider.Records[0] = append(wider.Records[0], 1)
	for _, tc := range []struct {
		name string
		in   Inputs
	}{{"image shape", bigger}, {"record width", wider}} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.Encode(context.Background(), tc.in); !errors.Is(err, ErrShapeMismatch) {
				t.Fatalf("error %v, want %v", err, ErrShapeMismatch)
			}
		})
	}
}

func TestFitStopsOnCancel(t *testing.T) {
	c := synthCohort(11, 70, [3]int{1, 8, 8}, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Fit(ctx, c.in, nil, testOptions(true)); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want %v", err, context.Canceled)
	}
}

func TestDropModalities(t *testing.T) {
	rng := newRand(1, 1)
	for _, tc := range []struct {
		name    string
		present []bool
		p       float64
	}{
		{"none hidden", []bool{true, true, false}, 0},
		{"always hidden keeps one", []bool{true, false, true}, 0.9999},
		{"nothing present", []bool{false, false, false}, 0.5},
		{"half", []bool{true, true, true}, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shownCount, presentCount := 0, 0
			for range 2000 {
				shown := dropModalities(tc.present, tc.p, rng)
				kept := 0
				for k, s := range shown {
					if s && !tc.present[k] {
						t.Fatal("an absent modality was shown")
					}
					if s {
						kept++
					}
				}
				if kept == 0 && anyTrue(tc.present) {
					t.Fatal("every present modality was hidden")
				}
				shownCount += kept
				for _, p := range tc.present {
					if p {
						presentCount++
					}
				}
			}
			if tc.p == 0 && shownCount != presentCount {
				t.Fatalf("%d of %d shown with p=0", shownCount, presentCount)
			}
			if tc.p == 0.5 {
				if r := float64(shownCount) / float64(presentCount); r < 0.45 || r > 0.62 {
					t.Fatalf("share shown %.3f with p=0.5", r)
				}
			}
		})
	}
}

func anyTrue(xs []bool) bool {
	for _, x := range xs {
		if x {
			return true
		}
	}
	return false
}

func TestExpApprox(t *testing.T) {
	for v := float32(-80); v <= 80; v += 0.37 {
		got, want := float64(expApprox(v)), math.Exp(float64(v))
		if math.Abs(got-want) > 1e-5*want {
			t.Fatalf("exp(%g) = %g, want %g", v, got, want)
		}
	}
	if s := fastSigmoid(-1e6); s != 0 && s > 1e-30 {
		t.Fatalf("sigmoid(-1e6) = %g", s)
	}
	if s := fastSigmoid(1e6); s != 1 {
		t.Fatalf("sigmoid(1e6) = %g", s)
	}
}
