package reports

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden compares the manifest (timings included, from a fixed clock)
// and risks.csv of a small fixed run with testdata; -update rewrites them.
func TestGolden(t *testing.T) {
	r := testRun(3, 1)
	r.Started = time.Date(2030, 1, 2, 3, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	w := writer{mem: testAllocator(t), now: fixedClock}
	if _, err := w.write(context.Background(), dir, r); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{ManifestName, NameRisksCSV} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "golden-"+name)
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (run with -update if the change is meant)", name, golden)
		}
	}
}

// FuzzReadManifest reads fuzzed manifests: no panic, and whatever reads
// must survive writing and reading again unchanged.
func FuzzReadManifest(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "golden-"+ManifestName))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"format":1}`))
	f.Add([]byte(`{"format":2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		name := filepath.Join(dir, ManifestName)
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
		m, err := ReadManifest(name)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := m.encode(&buf); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		again, err := ReadManifest(name)
		if err != nil {
			t.Fatalf("re-read: %v", err)
		}
		if err := CompareManifests(m, again); err != nil {
			t.Fatal(err)
		}
	})
}
