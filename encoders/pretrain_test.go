package encoders

import (
	"context"
	"slices"
	"testing"

	"github.com/clinfuse/clinfuse/schemas"
)

// testOptions is the default model configuration with a fixed seed.
func testOptions(pretrain bool) Options {
	return Options{Model: schemas.Default().Model, Seed: 7, Workers: 2, Pretrain: pretrain}
}

// viewFeatures returns, per patient, the concatenated embeddings of the
// named views (zeros where absent), as float64.
func viewFeatures(t *testing.T, s *Set, in Inputs, views ...string) [][]float64 {
	t.Helper()
	e, err := s.Encode(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := in.patients()
	out := make([][]float64, n)
	for k, name := range e.Names {
		if !slices.Contains(views, name) {
			continue
		}
		for i := range n {
			for _, v := range e.X[k][i] {
				out[i] = append(out[i], float64(v))
			}
		}
	}
	return out
}

// TestPretrainingHelps is the linear-probe comparison on a synthetic cohort
// whose hidden disease factor is planted in every modality (the image
// signal is an organ's mean density on bodies of varying size; 3 of 40
// record features and 4 of 60 gene burdens shift with it): 24 of 240
// patients are labelled. A ridge probe on the embeddings, fitted on half of
// the unlabelled patients and scored (R^2 of the factor) on the other half,
// must do clearly better after self-supervised pretraining on all patients
// than after supervised training on the 24 labels alone, and the pretrained
// image encoder better than the same encoder with its random initial
// weights.
func TestPretrainingHelps(t *testing.T) {
	if raceDetector {
		t.Skip("four full fits take minutes under the race detector; the same " +
			"training code runs under it in TestFitDeterministic")
	}
	const n, labelled = 240, 24
	c := synthCohortOf(3, n, [3]int{2, 16, 16}, 40, 60, 0.1)
	sup := &Supervision{Y: c.y, Train: make([]bool, n)}
	for i := range labelled {
		sup.Train[i] = true
	}
	var fit, test []int
	for i := labelled; i < n; i++ {
		if i%2 == 0 {
			fit = append(fit, i)
		} else {
			test = append(test, i)
		}
	}
	probe := func(pretrain bool, sup *Supervision, views ...string) float64 {
		s, err := Fit(context.Background(), c.in, sup, testOptions(pretrain))
		if err != nil {
			t.Fatal(err)
		}
		return probeR2(viewFeatures(t, s, c.in, views...), c.z, fit, test, 1)
	}
	all := []string{Imaging, Records, Variants}
	pretrained, fewLabels := probe(true, nil, all...), probe(false, sup, all...)
	t.Logf("all views: pretrained R^2 %.3f, supervised on %d labels %.3f",
		pretrained, labelled, fewLabels)
	if pretrained < fewLabels+0.1 {
		t.Errorf("pretraining R^2 %.3f is not clearly above few-label training %.3f",
			pretrained, fewLabels)
	}
	image, random := probe(true, nil, Imaging), probe(false, nil, Imaging)
	t.Logf("imaging: pretrained R^2 %.3f, random weights %.3f", image, random)
	if image < random+0.1 {
		t.Errorf("pretrained image R^2 %.3f is not clearly above random weights %.3f",
			image, random)
	}
}

// TestObjectiveWeights checks that each weighted pretraining term is wired
// in: switching it on or off changes the embeddings of the views it acts
// on, and only those.
func TestObjectiveWeights(t *testing.T) {
	c := synthCohort(4, 64, [3]int{2, 8, 8}, 0.1)
	fit := func(edit func(m *schemas.ModelConfig)) *Embeddings {
		opt := testOptions(true)
		opt.Model.PretrainEpochs = 3
		edit(&opt.Model)
		s, err := Fit(context.Background(), c.in, nil, opt)
		if err != nil {
			t.Fatal(err)
		}
		e, err := s.Encode(context.Background(), c.in)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	base := fit(func(m *schemas.ModelConfig) { m.ContrastiveWeight, m.SliceContrastWeight = 0, 0 })
	for _, tc := range []struct {
		name    string
		edit    func(m *schemas.ModelConfig)
		changed []string
	}{
		{"cross-modal", func(m *schemas.ModelConfig) {
			m.ContrastiveWeight, m.SliceContrastWeight = 1, 0
		}, []string{Imaging, Records, Variants}},
		{"slices", func(m *schemas.ModelConfig) {
			m.ContrastiveWeight, m.SliceContrastWeight = 0, 1
		}, []string{Imaging}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := fit(tc.edit)
			for k, name := range e.Names {
				same := true
				for i := range e.X[k] {
					same = same && slices.Equal(e.X[k][i], base.X[k][i])
				}
				if want := !slices.Contains(tc.changed, name); same != want {
					t.Errorf("%s embeddings unchanged: %v, want %v", name, same, want)
				}
			}
		})
	}
}
