package pipeline

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clinfuse/clinfuse/schemas"
)

// TestMissingModalityDegradesGracefully removes one modality from every
// patient in turn (the imaging part, the genomics part, and the labs of
// the records; the conditions stay, since they carry the diagnoses) and
// reports how the risk of undiagnosed patients ranks the truly diseased. Every run must
// finish and every patient must still get a risk; losing a modality may
// cost accuracy but must not break the ranking.
func TestMissingModalityDegradesGracefully(t *testing.T) {
	truth, err := readTruth(filepath.Join("..", "testdata", "export.truth.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		keep func(rel string) bool
	}{
		{"all", func(string) bool { return true }},
		{"no imaging", func(rel string) bool { return !strings.HasPrefix(rel, "imaging/") }},
		{"no genomics", func(rel string) bool { return !strings.HasPrefix(rel, "genomics/") }},
		{"no labs", func(rel string) bool { return rel != "records/observations.csv" }},
	}
	full := 0.0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			exp := t.TempDir()
			copyTree(t, bundled, exp, c.keep)
			res, err := Run(context.Background(), Options{Export: exp, Config: schemas.Default(),
				Version: "test"})
			if err != nil {
				t.Fatal(err)
			}
			tr := res.Targets[0]
			if len(tr.Scores.Risk) != 300 {
				t.Fatalf("%d risks, want 300", len(tr.Scores.Risk))
			}
			auc := undiagnosedAUROC(tr.Dataset, tr.Scores.Risk, truth)
			t.Logf("%s: AUROC %.3f on undiagnosed patients", c.name, auc)
			if c.name == "all" {
				full = auc
				return
			}
			if auc < 0.6 {
				t.Errorf("without one modality the ranking collapsed (AUROC %.3f)", auc)
			}
			if auc > full+0.05 {
				t.Errorf("removing a modality improved AUROC from %.3f to %.3f", full, auc)
			}
		})
	}
}
