package graphfusion

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/clinfuse/clinfuse/internal/shareddata"
)

// quickPlan is a reduced selection for the quick test: two short
// candidates, two folds, one logistic strength.
func quickPlan() selectionPlan {
	short := mogonetCandidate{Residual: 0.8, WeightDecay: 0.3, K: 10, Epochs: 60, Patience: 10}
	other := short
	other.Residual = 0.5
	return selectionPlan{folds: 2, seed: mogonetSelectionSeed, workers: 2,
		stage1: []mogonetCandidate{short, other}, cs: []float64{lrC}}
}

func TestBenchMOGONETQuick(t *testing.T) {
	dir := shareddata.Path(t, "multiomics", "ROSMAP")
	var out bytes.Buffer
	r, err := benchMOGONET(context.Background(), dir, 1, quickPlan(), &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	if len(r.Rows) != 9 || r.Rows[0].Method != "graph fusion (CV-selected)" {
		t.Fatalf("rows %d, first %q", len(r.Rows), r.Rows[0].Method)
	}
	if r.Rows[0].AUC.Mean < 0.85 {
		t.Fatalf("graph AUC %.3f", r.Rows[0].AUC.Mean)
	}
	for _, want := range []string{"selection on the 245 training patients only",
		"  selected: α ", "L2 all views: CV AUC  C=0.01 ", "L2 view1 C=0.01 (CV)"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q", want)
		}
	}
}

func TestStratifiedFolds(t *testing.T) {
	cases := []struct {
		name      string
		pos, neg  int
		k         int
		maxPerCls int // most patients of one class in one fold
	}{
		{"even", 50, 50, 5, 10},
		{"uneven", 13, 31, 4, 8},
		{"fewer than folds", 2, 9, 3, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			y := slices.Repeat([]float64{1}, tc.pos)
			y = append(y, slices.Repeat([]float64{0}, tc.neg)...)
			f := stratifiedFolds(y, tc.k, 3)
			if !slices.Equal(f, stratifiedFolds(y, tc.k, 3)) {
				t.Fatal("folds differ for the same seed")
			}
			if slices.Equal(f, stratifiedFolds(y, tc.k, 4)) {
				t.Fatal("folds ignore the seed")
			}
			count := make([][2]int, tc.k)
			for i, j := range f {
				count[j][int(y[i])]++
			}
			for j, c := range count {
				if c[0] > tc.maxPerCls || c[1] > tc.maxPerCls ||
					c[1] < tc.pos/tc.k || c[0] < tc.neg/tc.k {
					t.Fatalf("fold %d holds %d negatives and %d positives", j, c[0], c[1])
				}
			}
		})
	}
}

func TestPickBestTiesToEarlier(t *testing.T) {
	cases := []struct {
		name  string
		means []float64
		want  int
	}{
		{"single", []float64{0.5}, 0},
		{"clear", []float64{0.7, 0.9, 0.8}, 1},
		{"tie", []float64{0.7, 0.9, 0.9}, 1},
		{"first of all equal", []float64{0.6, 0.6}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := make([]Stat, len(tc.means))
			for i, m := range tc.means {
				s[i].Mean = m
			}
			if got := pickBest(s); got != tc.want {
				t.Fatalf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestGridDeclared(t *testing.T) {
	one := stageOne()
	if len(one) != 12 || one[0].Residual != 0.8 || one[0].WeightDecay != 1 {
		t.Fatalf("stage one %v", one)
	}
	base := one[4]
	two := stageTwo(base)
	if len(two) != 5 {
		t.Fatalf("stage two has %d candidates", len(two))
	}
	for i, c := range two {
		diff := 0
		if c.K != base.K {
			diff++
		}
		if c.Epochs != base.Epochs || c.Patience != base.Patience {
			diff++
		}
		if c.Dropout != base.Dropout {
			diff++
		}
		if diff != 1 || c.Residual != base.Residual || c.WeightDecay != base.WeightDecay {
			t.Fatalf("candidate %d %v is not one step from %v", i, c, base)
		}
	}
}

func TestResidualOption(t *testing.T) {
	opt := testOptions()
	def, _, test := fitSynthetic(t, "graph", opt)
	opt.Residual = graphAlpha
	same, _, _ := fitSynthetic(t, "graph", opt)
	opt.Residual = 0.3
	low, _, _ := fitSynthetic(t, "graph", opt)
	a, b, c := score(t, def, test), score(t, same, test), score(t, low, test)
	if !slices.Equal(a.Risk, b.Risk) {
		t.Fatal("Residual 0 is not the default α")
	}
	if slices.Equal(a.Risk, c.Risk) {
		t.Fatal("Residual 0.3 gives the default risks")
	}
	blob, err := low.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalModel(blob)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(score(t, back, test).Risk, c.Risk) {
		t.Fatal("a loaded model lost its residual share")
	}
	opt.Residual = 1.5
	if _, err := Fit(context.Background(), test, "graph", opt); !errors.Is(err,
		ErrInvalidInput) {
		t.Fatalf("residual 1.5: got %v", err)
	}
}
