package graphfusion

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestMetricsHandComputed(t *testing.T) {
	cases := []struct {
		name                     string
		score, truth             []float64
		auroc, auprc, brier, ece float64
	}{
		{
			name:  "perfect ranking",
			score: []float64{0.9, 0.8, 0.3, 0.1}, truth: []float64{1, 1, 0, 0},
			// brier: (.01+.04+.09+.01)/4; ece bins 9,8,3,1 each |p-y|, weighted 1/4
			auroc: 1, auprc: 1, brier: 0.0375, ece: (0.1 + 0.2 + 0.3 + 0.1) / 4,
		},
		{
			name:  "one inversion",
			score: []float64{0.9, 0.6, 0.4, 0.2}, truth: []float64{1, 0, 1, 0},
			// pairs: (0.9>0.6),(0.9>0.2),(0.4<0.6),(0.4>0.2): 3/4
			// AP: rank1 P=1 R=.5; rank3 P=2/3 R=1 -> .5+.5*2/3
			auroc: 0.75, auprc: 0.5 + 1.0/3, brier: (0.01 + 0.36 + 0.36 + 0.04) / 4,
			ece: (0.1 + 0.6 + 0.6 + 0.2) / 4,
		},
		{
			name:  "ties count half",
			score: []float64{0.5, 0.5, 0.5, 0.5}, truth: []float64{1, 0, 1, 0},
			auroc: 0.5, auprc: 0.5, brier: 0.25, ece: 0,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := AUROC(tc.score, tc.truth); !near(got, tc.auroc) {
				t.Errorf("AUROC %v, want %v", got, tc.auroc)
			}
			if got := AUPRC(tc.score, tc.truth); !near(got, tc.auprc) {
				t.Errorf("AUPRC %v, want %v", got, tc.auprc)
			}
			if got := Brier(tc.score, tc.truth); !near(got, tc.brier) {
				t.Errorf("Brier %v, want %v", got, tc.brier)
			}
			if got := ECE(tc.score, tc.truth); !near(got, tc.ece) {
				t.Errorf("ECE %v, want %v", got, tc.ece)
			}
		})
	}
}

func TestAUROCSingleClassIsNaN(t *testing.T) {
	if !math.IsNaN(AUROC([]float64{0.1, 0.2}, []float64{1, 1})) {
		t.Fatal("want NaN without negatives")
	}
}

func TestBootstrapCISeededAndBracketing(t *testing.T) {
	score := []float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05}
	truth := []float64{1, 1, 0, 1, 0, 1, 0, 0, 0, 0}
	a := BootstrapCI(AUROC, score, truth, 500, 3)
	b := BootstrapCI(AUROC, score, truth, 500, 3)
	if a != b {
		t.Fatalf("same seed gave %v and %v", a, b)
	}
	if !(a.Low <= a.Value && a.Value <= a.High) || a.Low == a.High {
		t.Fatalf("interval %v does not bracket its value", a)
	}
	if c := BootstrapCI(AUROC, score, truth, 500, 4); c == a {
		t.Fatal("different seeds gave identical intervals")
	}
}

func TestPlattRecoversKnownMap(t *testing.T) {
	// Labels drawn deterministically so that P(y=1|z) = σ(2z − 1).
	var z, y []float64
	for i := range 4000 {
		zi := float64(i%400)/100 - 2
		p := sigmoid(2*zi - 1)
		u := float64((i*7919)%4000) / 4000
		yi := 0.0
		if u < p {
			yi = 1
		}
		z, y = append(z, zi), append(y, yi)
	}
	c := fitPlatt(z, y)
	if math.Abs(c.A-2) > 0.25 || math.Abs(c.B+1) > 0.25 {
		t.Fatalf("fitted %+v, want about A=2 B=-1", c)
	}
	if id := fitPlatt([]float64{1, 2}, []float64{1, 1}); id != (platt{A: 1}) {
		t.Fatalf("single class gave %+v, want identity", id)
	}
}

func TestCalCurveBins(t *testing.T) {
	got := calCurve([]float64{0.05, 0.15, 0.12, 1}, []float64{0, 1, 0, 1})
	want := []CalPoint{{0.05, 0, 1}, {0.135, 0.5, 2}, {1, 1, 1}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if !near(got[i].Predicted, want[i].Predicted) || got[i].Observed != want[i].Observed ||
			got[i].Count != want[i].Count {
			t.Fatalf("bin %d: got %v want %v", i, got[i], want[i])
		}
	}
}

func TestPlattScaleInvariantAndMonotone(t *testing.T) {
	z := []float64{-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5}
	y := []float64{0, 0, 1, 0, 0, 1, 0, 1, 1, 1}
	tiny := make([]float64, len(z))
	for i, v := range z {
		tiny[i] = 1e-4*v + 3
	}
	a, b := fitPlatt(z, y), fitPlatt(tiny, y)
	for i := range z {
		if d := math.Abs(a.apply(z[i]) - b.apply(tiny[i])); d > 1e-6 {
			t.Fatalf("logit %d: risk %g on the wide scale, %g on the tiny one", i,
				a.apply(z[i]), b.apply(tiny[i]))
		}
	}
	reversed := make([]float64, len(y))
	for i, v := range y {
		reversed[i] = 1 - v
	}
	c := fitPlatt(z, reversed)
	if c.A != 0 || math.Abs(sigmoid(c.B)-0.5) > 1e-12 {
		t.Fatalf("anti-predictive logits gave %+v, want the constant base rate", c)
	}
}
