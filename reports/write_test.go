package reports

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeRun(t *testing.T, r *Run) (string, *Manifest) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	m, err := Write(context.Background(), dir, r)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return dir, m
}

func TestWriteFilesAndModes(t *testing.T) {
	dir, m := writeRun(t, testRun(50, 1))
	want := []string{NameRisksCSV, NameRisks, NameContributions, NameEmbeddings, NameEdges,
		NameRejected, NameWorkbook}
	if len(m.Outputs) != len(want) {
		t.Fatalf("manifest lists %d outputs, want %d", len(m.Outputs), len(want))
	}
	for i, o := range m.Outputs {
		if o.Name != want[i] {
			t.Errorf("output %d is %s, want %s", i, o.Name, want[i])
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want)+1 {
		t.Errorf("folder holds %d files, want %d (no temporary left)", len(entries), len(want)+1)
	}
	for _, e := range entries {
		fi, _ := e.Info()
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", e.Name(), fi.Mode().Perm())
		}
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("folder has mode %v, want 0700", fi.Mode().Perm())
	}
}

// TestWriteDeterministic writes the same run twice, and once with every
// unordered slice shuffled, and wants byte-identical files (manifest
// timings aside).
func TestWriteDeterministic(t *testing.T) {
	a, _ := writeRun(t, testRun(120, 7).withHostile())
	b, _ := writeRun(t, testRun(120, 7).withHostile())
	c, _ := writeRun(t, shuffled(testRun(120, 7).withHostile(), 99))
	for _, other := range []string{b, c} {
		m, err := ReadManifest(filepath.Join(a, ManifestName))
		if err != nil {
			t.Fatal(err)
		}
		if err := CompareOutputs(m, other); err != nil {
			t.Errorf("outputs differ: %v", err)
		}
		assertSameManifest(t, filepath.Join(a, ManifestName), filepath.Join(other, ManifestName))
	}
}

// assertSameManifest compares two manifests with their timings removed.
func assertSameManifest(t *testing.T, a, b string) {
	t.Helper()
	strip := func(name string) []byte {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(data, []byte(`"timings"`))
		if i < 0 {
			t.Fatalf("%s has no timings section", name)
		}
		return data[:i]
	}
	if !bytes.Equal(strip(a), strip(b)) {
		t.Errorf("manifests differ outside timings")
	}
}

func shuffled(r *Run, seed uint64) *Run {
	rng := rand.New(rand.NewPCG(seed, seed))
	shuffle := func(n int, swap func(i, j int)) { rng.Shuffle(n, swap) }
	shuffle(len(r.Inputs), func(i, j int) { r.Inputs[i], r.Inputs[j] = r.Inputs[j], r.Inputs[i] })
	shuffle(len(r.Risks), func(i, j int) { r.Risks[i], r.Risks[j] = r.Risks[j], r.Risks[i] })
	shuffle(len(r.Rejections), func(i, j int) {
		r.Rejections[i], r.Rejections[j] = r.Rejections[j], r.Rejections[i]
	})
	shuffle(len(r.Quality), func(i, j int) {
		r.Quality[i], r.Quality[j] = r.Quality[j], r.Quality[i]
	})
	shuffle(len(r.Calibration), func(i, j int) {
		r.Calibration[i], r.Calibration[j] = r.Calibration[j], r.Calibration[i]
	})
	shuffle(len(r.Completeness), func(i, j int) {
		r.Completeness[i], r.Completeness[j] = r.Completeness[j], r.Completeness[i]
	})
	shuffle(len(r.Embeddings), func(i, j int) {
		r.Embeddings[i], r.Embeddings[j] = r.Embeddings[j], r.Embeddings[i]
	})
	shuffle(len(r.Edges), func(i, j int) { r.Edges[i], r.Edges[j] = r.Edges[j], r.Edges[i] })
	shuffle(len(r.Contributions), func(i, j int) {
		r.Contributions[i], r.Contributions[j] = r.Contributions[j], r.Contributions[i]
	})
	for i := range r.Risks {
		k := &r.Risks[i]
		shuffle(len(k.Similar), func(i, j int) {
			k.Similar[i], k.Similar[j] = k.Similar[j], k.Similar[i]
		})
		shuffle(len(k.Modalities), func(i, j int) {
			k.Modalities[i], k.Modalities[j] = k.Modalities[j], k.Modalities[i]
		})
	}
	return r
}

func TestWriteDoesNotModifyRun(t *testing.T) {
	r := shuffled(testRun(30, 3), 5)
	before := r.Risks[0]
	firstInput := r.Inputs[0].Path
	writeRun(t, r)
	if r.Risks[0].PatientID != before.PatientID || r.Inputs[0].Path != firstInput ||
		r.RunID != "" || r.Risks[0].Band != "" {
		t.Errorf("Write changed the caller's run")
	}
}

func TestWriteRejectsInvalidRun(t *testing.T) {
	cases := []struct {
		name   string
		change func(r *Run)
		want   string
	}{
		{"nan risk", func(r *Run) { r.Risks[0].Risk = math.NaN() }, "risk row 1"},
		{"interval reversed", func(r *Run) { r.Risks[1].Low, r.Risks[1].High = 0.9, 0.1 },
			"risk row 2"},
		{"interval outside", func(r *Run) { r.Risks[2].High = 1.5 }, "risk row 3"},
		{"unknown target", func(r *Run) { r.Risks[0].Target = "gout" }, "not configured"},
		{"unknown status", func(r *Run) { r.Risks[0].Status = "maybe" }, "unknown status"},
		{"wrong band", func(r *Run) { r.Risks[0].Band = "nonsense" }, "band"},
		{"duplicate", func(r *Run) { r.Risks[1] = r.Risks[0] }, "share a patient"},
		{"config digest", func(r *Run) { r.ConfigDigest = digestOf("x") }, "config digest"},
		{"bad input digest", func(r *Run) { r.Inputs[0].SHA256 = "abc" }, "sha256"},
		{"repeated input", func(r *Run) { r.Inputs[1].Path = r.Inputs[0].Path }, "repeated path"},
		{"unknown fate", func(r *Run) { r.Inputs[0].Fate = "lost" }, "unknown fate"},
		{"invalid config", func(r *Run) { r.Config.Targets = nil }, "no targets"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := testRun(10, 1)
			c.change(r)
			dir := filepath.Join(t.TempDir(), "out")
			_, err := Write(context.Background(), dir, r)
			if !errors.Is(err, ErrInvalidRun) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want ErrInvalidRun mentioning %q", err, c.want)
			}
			if strings.Contains(err.Error(), "P0000") {
				t.Errorf("error carries a patient id: %v", err)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("folder created for an invalid run")
			}
		})
	}
}

// TestWriteFailureLeavesNothingFinished fails Write after each output in
// turn, over a folder holding a previous finished run, and wants the
// previous run intact and no temporary file left.
func TestWriteFailureLeavesNothingFinished(t *testing.T) {
	names := []string{NameRisksCSV, NameRisks, NameContributions, NameEmbeddings, NameEdges,
		NameRejected, NameWorkbook}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			dir, old := writeRun(t, testRun(20, 1))
			boom := errors.New("disk full")
			w := writer{mem: testAllocator(t), now: fixedClock, onStage: func(n string) error {
				if n == name {
					return boom
				}
				return nil
			}}
			_, err := w.write(context.Background(), dir, testRun(25, 2))
			if !errors.Is(err, boom) {
				t.Fatalf("error %v, want the injected one", err)
			}
			assertOnlyOutputs(t, dir, len(old.Outputs)+1)
			m, err := ReadManifest(filepath.Join(dir, ManifestName))
			if err != nil {
				t.Fatal(err)
			}
			if err := CompareOutputs(m, dir); err != nil {
				t.Errorf("previous run damaged: %v", err)
			}
		})
	}
}

func TestWriteCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	if _, err := Write(ctx, dir, testRun(20, 1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	assertOnlyOutputs(t, dir, 0)
}

func assertOnlyOutputs(t *testing.T, dir string, n int) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	if len(entries) != n {
		t.Errorf("folder holds %d files, want %d", len(entries), n)
	}
}

// TestNormalizeSharesNormalRows wants rows already in normal form shared
// with the caller, and a copy as soon as one row needs a change.
func TestNormalizeSharesNormalRows(t *testing.T) {
	r := bigRun(50)
	n, err := normalize(r)
	if err != nil {
		t.Fatal(err)
	}
	if &n.Risks[0] != &r.Risks[0] {
		t.Errorf("normal rows were copied")
	}
	r.Risks[7].Band = ""
	n, err = normalize(r)
	if err != nil {
		t.Fatal(err)
	}
	if &n.Risks[0] == &r.Risks[0] || r.Risks[7].Band != "" || n.Risks[7].Band == "" {
		t.Errorf("a row needing a band was not copied, or the caller's row changed")
	}
}
