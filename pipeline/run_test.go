package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/clinfuse/clinfuse/graphfusion"
	"github.com/clinfuse/clinfuse/schemas"
)

var bundled = filepath.Join("..", "testdata", "export")

// runBundled runs the bundled example export once per worker count.
func runBundled(t *testing.T, workers ...int) []*Result {
	t.Helper()
	var out []*Result
	for _, w := range workers {
		cfg := schemas.Default()
		cfg.Workers = w
		dir := filepath.Join(t.TempDir(), "out")
		res, err := Run(context.Background(), Options{Export: bundled, Out: dir, Config: cfg,
			Version: "test"})
		if err != nil {
			t.Fatalf("workers=%d: %v", w, err)
		}
		if res.Rejected != 0 {
			t.Errorf("workers=%d: %d inputs rejected from the bundled export", w, res.Rejected)
		}
		out = append(out, res)
	}
	return out
}

// TestBundledExport runs the main job twice, with one and two workers, and
// checks that every output is byte-identical, and that the risk of the
// undiagnosed patients separates the truly diseased from the healthy (by
// the synth truth) clearly better than any single modality does.
func TestBundledExport(t *testing.T) {
	res := runBundled(t, 1, 2)
	a, b := res[0].Manifest, res[1].Manifest
	if len(a.Outputs) < 7 || len(a.Outputs) != len(b.Outputs) {
		t.Fatalf("outputs: %d and %d", len(a.Outputs), len(b.Outputs))
	}
	for i, o := range a.Outputs {
		if o != b.Outputs[i] {
			t.Errorf("%s differs between 1 and 2 workers", o.Name)
		}
	}
	checkSeparation(t, res[0])
}

func checkSeparation(t *testing.T, res *Result) {
	truth, err := readTruth(filepath.Join("..", "testdata", "export.truth.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	tr := res.Targets[0]
	fused := undiagnosedAUROC(tr.Dataset, tr.Scores.Risk, truth)
	t.Logf("graph fusion: AUROC %.3f on undiagnosed patients", fused)
	cfg := schemas.Default()
	opt := graphfusion.Options{Graph: cfg.Graph, Model: cfg.Model, Seed: 1, Workers: 2}
	for _, v := range tr.Dataset.Views {
		m, err := graphfusion.Fit(context.Background(), tr.Dataset, v.Name, opt)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := m.Score(context.Background(), tr.Dataset)
		if err != nil {
			t.Fatal(err)
		}
		single := undiagnosedAUROC(tr.Dataset, sc.Risk, truth)
		t.Logf("%s alone: AUROC %.3f", v.Name, single)
		if fused < single+0.05 {
			t.Errorf("graph fusion (%.3f) is not clearly ahead of %s alone (%.3f)",
				fused, v.Name, single)
		}
	}
	if fused < 0.8 {
		t.Errorf("graph fusion AUROC %.3f on undiagnosed patients, want at least 0.80", fused)
	}
}

// undiagnosedAUROC scores the undiagnosed patients against the truth.
func undiagnosedAUROC(ds graphfusion.Dataset, risk []float64, truth map[string]float64) float64 {
	var s, y []float64
	for i, id := range ds.IDs {
		if ds.Y[i] == 0 {
			s, y = append(s, risk[i]), append(y, truth[id])
		}
	}
	return graphfusion.AUROC(s, y)
}

// TestScoreWithSavedModelMatchesRun trains on the bundled export, saves and
// reloads the model, scores the same export with it, and checks that the
// risks are byte-identical to those of the run that trained it.
func TestScoreWithSavedModelMatchesRun(t *testing.T) {
	cfg := schemas.Default()
	ctx := context.Background()
	first := filepath.Join(t.TempDir(), "run")
	res, err := Run(ctx, Options{Export: bundled, Out: first, Config: cfg, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "model.json")
	if err := res.Model.Save(path); err != nil {
		t.Fatal(err)
	}
	m, err := LoadModel(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(t.TempDir(), "score")
	if _, err := Run(ctx, Options{Export: bundled, Out: second, Config: cfg, Version: "test",
		Model: m}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"risks.csv", "risks.parquet", "contributions.parquet"} {
		a, _ := os.ReadFile(filepath.Join(first, name))
		b, _ := os.ReadFile(filepath.Join(second, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: scoring with the saved model differs from the run", name)
		}
	}
	other := cfg
	other.Seed++
	if _, err := LoadModel(path, other); err == nil {
		t.Error("a model was accepted under a different config")
	}
}
