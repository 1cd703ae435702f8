package synth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// digestTree hashes every file under dir by relative path.
func digestTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		sum := sha256.Sum256(b)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func small(dir string, seed uint64) Options {
	o := DefaultOptions()
	o.Patients, o.Seed = 40, seed
	o.Out, o.Truth = filepath.Join(dir, "export"), filepath.Join(dir, "truth.tsv")
	return o
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if err := Generate(context.Background(), small(d, 7)); err != nil {
			t.Fatal(err)
		}
	}
	da, db := digestTree(t, a), digestTree(t, b)
	if len(da) == 0 || len(da) != len(db) {
		t.Fatalf("file counts differ: %d vs %d", len(da), len(db))
	}
	for p, h := range da {
		if db[p] != h {
			t.Errorf("%s differs between two runs with the same seed", p)
		}
	}
	c := t.TempDir()
	if err := Generate(context.Background(), small(c, 8)); err != nil {
		t.Fatal(err)
	}
	if digestTree(t, c)["export/records/patients.csv"] == da["export/records/patients.csv"] {
		t.Error("a different seed gave the same patients")
	}
}

// TestBundledExportIsReproducible regenerates testdata/export and checks
// that the committed files are exactly what synth writes today.
func TestBundledExportIsReproducible(t *testing.T) {
	dir := t.TempDir()
	o := DefaultOptions()
	o.Out, o.Truth = filepath.Join(dir, "export"), filepath.Join(dir, "export.truth.tsv")
	if err := Generate(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	want := digestTree(t, dir)
	got := digestTree(t, filepath.Join("..", "testdata"))
	var missing []string
	for p, h := range want {
		if got[p] != h {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("testdata differs from synth output in %d files (first %s); regenerate with "+
			"go run ./cmd/clinfuse synth --out testdata/export", len(missing), missing[0])
	}
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		edit func(*Options)
	}{
		{"too few patients", func(o *Options) { o.Patients = 3 }},
		{"truth inside export", func(o *Options) { o.Truth = filepath.Join(o.Out, "t.tsv") }},
		{"no out", func(o *Options) { o.Out = "" }},
		{"bad prevalence", func(o *Options) { o.Prevalence = 1 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := small(dir, 1)
			c.edit(&o)
			if err := Generate(context.Background(), o); !errors.Is(err, ErrInvalidOptions) {
				t.Fatalf("got %v, want ErrInvalidOptions", err)
			}
		})
	}
}

// auroc is the probability that a random positive scores above a random
// negative.
func auroc(score []float64, pos []bool) float64 {
	var wins, pairs float64
	for i := range score {
		for j := range score {
			if pos[i] && !pos[j] {
				pairs++
				switch {
				case score[i] > score[j]:
					wins++
				case score[i] == score[j]:
					wins += 0.5
				}
			}
		}
	}
	return wins / pairs
}

// TestSignalNeedsEveryModality checks the planted design: each factor alone
// separates diseased from healthy only moderately, all three much better.
func TestSignalNeedsEveryModality(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	o := DefaultOptions()
	o.Patients = 2000
	pats := makePatients(rng, o)
	pos := make([]bool, len(pats))
	var img, lab, gen, all []float64
	for i, p := range pats {
		pos[i] = p.diseased
		img = append(img, p.zImg)
		lab = append(lab, p.zLab)
		gen = append(gen, p.zGen)
		all = append(all, p.zImg+p.zLab+p.zGen)
	}
	for name, s := range map[string][]float64{"imaging": img, "records": lab, "genomics": gen} {
		if a := auroc(s, pos); a < 0.65 || a > 0.85 {
			t.Errorf("%s factor alone: AUROC %.3f, want 0.65..0.85", name, a)
		}
	}
	if a := auroc(all, pos); a < 0.9 {
		t.Errorf("all factors: AUROC %.3f, want at least 0.90", a)
	}
}
