package graphfusion

import (
	"bytes"
	"context"
	"errors"
	"math"
	"runtime"
	"slices"
	"testing"
)

var heads = []string{"graph", "early", "late", "attention", "records"}

func fitSynthetic(t *testing.T, head string, opt Options) (*Model, Dataset, Dataset) {
	t.Helper()
	ds := synthetic(160, 0.3, 1)
	var tr, te []int
	for i := range 160 {
		if i < 130 {
			tr = append(tr, i)
		} else {
			te = append(te, i)
		}
	}
	train, test := subset(ds, tr), subset(ds, te)
	m, err := Fit(context.Background(), train, head, opt)
	if err != nil {
		t.Fatal(err)
	}
	return m, train, test
}

func score(t *testing.T, m *Model, ds Dataset) *Scores {
	t.Helper()
	s, err := m.Score(context.Background(), ds)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScoringAloneEqualsBatch(t *testing.T) {
	for _, h := range heads {
		t.Run(h, func(t *testing.T) {
			m, train, test := fitSynthetic(t, h, testOptions())
			for _, ds := range []Dataset{test, subset(train, []int{0, 5, 9})} {
				batch := score(t, m, ds)
				for i := range ds.IDs {
					one := score(t, m, subset(ds, []int{i}))
					if one.Risk[0] != batch.Risk[i] || one.Low[0] != batch.Low[i] ||
						!slices.Equal(one.Contrib[0], batch.Contrib[i]) ||
						!slices.Equal(one.Fused[0], batch.Fused[i]) {
						t.Fatalf("patient %d: alone %v, in batch %v", i, one.Risk[0], batch.Risk[i])
					}
				}
			}
		})
	}
}

func TestTrainingPatientsScoredByHeldOutFold(t *testing.T) {
	m, train, _ := fitSynthetic(t, "graph", testOptions())
	s := score(t, m, train)
	for i, id := range train.IDs {
		ks := m.foldsFor(id)
		if len(ks) != 1 || ks[0] != foldOf(m.opt.Seed, id, len(m.folds)) {
			t.Fatalf("patient %d scored by folds %v", i, ks)
		}
		if slices.Contains(m.folds[ks[0]].ref.ids, id) {
			t.Fatalf("patient %d is in the reference of the fold that scores it", i)
		}
		for _, nb := range s.Similar[i] {
			if nb.ID == id {
				t.Fatalf("patient %d lists itself as similar", i)
			}
		}
	}
	// The same data under a new identifier is scored by every fold model.
	renamed := subset(train, []int{0})
	renamed.IDs[0] = "new patient"
	if len(m.foldsFor("new patient")) != len(m.folds) {
		t.Fatal("a new identifier is not scored by the whole ensemble")
	}
	if score(t, m, renamed).Risk[0] == s.Risk[0] {
		t.Fatal("held-out and ensemble risks coincide; held-out scoring not in effect")
	}
}

func TestMissingViews(t *testing.T) {
	for _, h := range heads {
		t.Run(h, func(t *testing.T) {
			m, _, test := fitSynthetic(t, h, testOptions())
			one := subset(test, []int{0, 1})
			one.Views[1].Present[0], one.Views[2].Present[0] = false, false
			s := score(t, m, one)
			if !slices.Equal(s.Used[0], []bool{true, false, false}) {
				t.Fatalf("used %v", s.Used[0])
			}
			if s.Contrib[0][1] != 0 || s.Contrib[0][2] != 0 {
				t.Fatalf("absent views contribute %v", s.Contrib[0])
			}
			for i, r := range s.Risk {
				if math.IsNaN(r) || r <= 0 || r >= 1 || s.Low[i] > r+1e-9 || s.High[i] < r-1e-9 {
					t.Fatalf("patient %d: risk %v interval [%v,%v]", i, r, s.Low[i], s.High[i])
				}
			}
		})
	}
}

func TestContributionIsRiskDifference(t *testing.T) {
	m, _, test := fitSynthetic(t, "late", testOptions())
	ds := subset(test, []int{3})
	ds.Views[1].Present[0] = true
	full := score(t, m, ds)
	without := subset(ds, []int{0})
	without.Views[1].Present = []bool{false}
	w := score(t, m, without)
	if got := full.Contrib[0][1]; !near(got, full.Risk[0]-w.Risk[0]) {
		t.Fatalf("contribution %v, want %v", got, full.Risk[0]-w.Risk[0])
	}
}

func TestDeterministicAcrossWorkersAndProcs(t *testing.T) {
	opt := testOptions()
	opt.Workers = 1
	m1, _, test := fitSynthetic(t, "graph", opt)
	opt.Workers = 3
	prev := runtime.GOMAXPROCS(1)
	m2, _, _ := fitSynthetic(t, "graph", opt)
	runtime.GOMAXPROCS(prev)
	b1, err := m1.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := m2.MarshalBinary()
	if !bytes.Equal(b1, b2) {
		t.Fatal("model bytes differ between worker counts")
	}
	if !slices.Equal(score(t, m1, test).Risk, score(t, m2, test).Risk) {
		t.Fatal("risks differ")
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	for _, h := range heads {
		t.Run(h, func(t *testing.T) {
			m, train, test := fitSynthetic(t, h, testOptions())
			b, err := m.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			m2, err := UnmarshalModel(b)
			if err != nil {
				t.Fatal(err)
			}
			b2, _ := m2.MarshalBinary()
			if !bytes.Equal(b, b2) {
				t.Fatal("re-encoding changed the bytes")
			}
			for _, ds := range []Dataset{test, subset(train, []int{1, 2})} {
				s1, s2 := score(t, m, ds), score(t, m2, ds)
				if !slices.Equal(s1.Risk, s2.Risk) || !slices.Equal(s1.High, s2.High) {
					t.Fatal("loaded model scores differently")
				}
			}
			if len(m2.Calibration()) == 0 {
				t.Fatal("calibration curve lost")
			}
		})
	}
}

func TestUnmarshalRejects(t *testing.T) {
	m, _, _ := fitSynthetic(t, "late", testOptions())
	b, _ := m.MarshalBinary()
	newer := bytes.Replace(b, []byte(`"Version":1`), []byte(`"Version":2`), 1)
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"other version", newer, ErrUnsupported},
		{"not a model", []byte("hello"), ErrInvalidInput},
		{"truncated", b[:len(b)/2], ErrInvalidInput},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := UnmarshalModel(tc.data); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestFitRejectsBadInput(t *testing.T) {
	good := synthetic(40, 0, 2)
	noLabels := good
	noLabels.Y = nil
	nan := subset(good, []int{0, 1, 2})
	nan.Views[0].X[1] = []float32{float32(math.NaN()), 0, 0, 0, 0, 0}
	dup := subset(good, []int{0, 1})
	dup.IDs[1] = dup.IDs[0]
	cases := []struct {
		name string
		ds   Dataset
		head string
	}{
		{"no labels", noLabels, "graph"},
		{"NaN embedding", nan, "graph"},
		{"repeated id", dup, "graph"},
		{"unknown head", good, "transformer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Fit(context.Background(), tc.ds, tc.head, testOptions())
			if !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("got %v", err)
			}
			if err != nil && bytes.Contains([]byte(err.Error()), []byte("p000")) {
				t.Fatalf("error text carries a patient id: %v", err)
			}
		})
	}
}

func TestEvaluateRanksSignal(t *testing.T) {
	ds := synthetic(300, 0.2, 5)
	rows, err := Evaluate(context.Background(), ds, nil, []string{"graph", "variants"},
		testOptions())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, rows); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + buf.String())
	for _, r := range rows {
		if r.N == 0 || r.AUROC.Value < 0.7 || r.AUROC.Low > r.AUROC.Value {
			t.Fatalf("%s: %+v", r.Head, r)
		}
	}
}

func TestFitWithoutValidation(t *testing.T) {
	for _, frac := range []float64{0, 0.2} {
		opt := testOptions()
		opt.Model.ValidationFraction = frac
		m, train, test := fitSynthetic(t, "graph", opt)
		s := score(t, m, test)
		if a := AUROC(s.Risk, test.Y); a < 0.7 {
			t.Errorf("validation fraction %g: test AUROC %.3f", frac, a)
		}
		// The calibration curve covers every training patient once.
		n := 0
		for _, c := range m.Calibration() {
			n += c.Count
		}
		if n != len(train.IDs) {
			t.Errorf("validation fraction %g: calibration covers %d of %d patients", frac, n,
				len(train.IDs))
		}
	}
}

func TestGraphFusedIsPropagatedViews(t *testing.T) {
	m, train, test := fitSynthetic(t, "graph", testOptions())
	s := score(t, m, test)
	want := 0
	for _, w := range m.widths {
		want += w + 1
	}
	if len(s.Fused[0]) != want {
		t.Fatalf("fused width %d, want %d (views and missing indicators)", len(s.Fused[0]), want)
	}
	if _, err := EvaluateSplit(context.Background(), train, test, nil, nil,
		testOptions()); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("evaluating two different cohorts: %v", err)
	}
}
