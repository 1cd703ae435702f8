package pipeline

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/clinfuse/clinfuse/ingest/imaging"
	"github.com/clinfuse/clinfuse/internal/shareddata"
	"github.com/clinfuse/clinfuse/schemas"
	"github.com/clinfuse/clinfuse/synth"
)

// copyTree copies the regular files under src into dst, keeping their
// relative paths, and returns how many it copied.
func copyTree(t *testing.T, src, dst string, keep func(rel string) bool) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if keep != nil && !keep(filepath.ToSlash(rel)) {
			return nil
		}
		n++
		return copyFile(p, filepath.Join(dst, rel))
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func copyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// TestRealFilesExport assembles an export from public files written by
// others: the Synthea CSV export as records, every DICOM file under dicom/
// and bugs/ as imaging, the VCF files and the TCGA LAML MAF as genomics.
// The run must finish, account for every input as used, rejected, unlinked
// or ignored with a reason, and count the images and variants that link to
// no patient as unlinked.
func TestRealFilesExport(t *testing.T) {
	data := shareddata.Dir(t)
	exp := t.TempDir()
	files := copyTree(t, filepath.Join(data, "records", "synthea_csv"),
		filepath.Join(exp, "records"), nil)
	files += copyTree(t, filepath.Join(data, "dicom"), filepath.Join(exp, "imaging", "dicom"), nil)
	files += copyTree(t, filepath.Join(data, "bugs"), filepath.Join(exp, "imaging", "bugs"),
		func(rel string) bool { return !strings.HasPrefix(rel, "vcf-") })
	files += copyTree(t, filepath.Join(data, "bugs"), filepath.Join(exp, "genomics", "bugs"),
		func(rel string) bool { return strings.HasPrefix(rel, "vcf-") })
	files += copyTree(t, filepath.Join(data, "variants", "vcf"), filepath.Join(exp, "genomics"),
		nil)
	files += copyTree(t, filepath.Join(data, "variants", "maf"), filepath.Join(exp, "genomics"),
		func(rel string) bool { return rel == "tcga_laml.maf.gz" })

	cfg := schemas.Default()
	out := filepath.Join(t.TempDir(), "out")
	res, err := Run(context.Background(), Options{Export: exp, Out: out, Config: cfg,
		Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Manifest
	if len(m.Inputs) != files {
		t.Fatalf("manifest lists %d inputs, the export holds %d files", len(m.Inputs), files)
	}
	fates := map[string]int{}
	for _, in := range m.Inputs {
		fates[in.Fate]++
		switch in.Fate {
		case fateUsed:
		case fateRejected, fateUnlinked, fateIgnored:
			if len(in.Reason) < 8 || in.Reason == "not read" {
				t.Errorf("%s: %s without a specific reason (%q)", in.Path, in.Fate, in.Reason)
			}
		default:
			t.Errorf("%s: unknown fate %q", in.Path, in.Fate)
		}
	}
	t.Logf("fates: %v; rejected rows and files: %d", fates, res.Rejected)
	if fates[fateUnlinked] == 0 {
		t.Error("no input was counted as unlinked, yet no image or variant links to a patient")
	}
	if fates[fateUsed] < 10 {
		t.Errorf("only %d inputs used", fates[fateUsed])
	}
}

// TestLogsCarryNoIdentifiers runs a small synthetic export and fails if any
// patient identifier, name, date of birth, sample name or DICOM UID reaches
// the logs, or if any Arrow buffer is left allocated.
func TestLogsCarryNoIdentifiers(t *testing.T) {
	dir := t.TempDir()
	o := synth.DefaultOptions()
	o.Patients, o.Seed = 40, 11
	o.Out, o.Truth = filepath.Join(dir, "export"), filepath.Join(dir, "truth.tsv")
	if err := synth.Generate(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	w := NewWatcher(nil, false, log, 5*time.Millisecond)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	_, err := Run(context.Background(), Options{Export: o.Out, Out: filepath.Join(dir, "out"),
		Config: schemas.Default(), Version: "test", Logger: log, Progress: w, Allocator: mem})
	w.Stop()
	if err != nil {
		t.Fatal(err)
	}
	// Every Arrow batch of ingest was released.
	mem.AssertSize(t, 0)
	canaries := identifiers(t, o.Out)
	if len(canaries) < 100 {
		t.Fatalf("only %d identifiers collected", len(canaries))
	}
	text := logs.String()
	if !strings.Contains(text, "run_id") {
		t.Fatal("logs carry no run id")
	}
	for _, c := range canaries {
		if strings.Contains(text, c) {
			t.Errorf("an identifier reached the logs (%d chars)", len(c))
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the watcher's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// identifiers collects what must never be logged from an export.
func identifiers(t *testing.T, exp string) []string {
	var out []string
	f, err := os.Open(filepath.Join(exp, "records", "patients.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		// Id, BIRTHDATE, SSN, FIRST, LAST, ADDRESS
		out = append(out, r[0], r[1], r[3], r[7], r[8], r[16])
	}
	samples, err := os.ReadFile(filepath.Join(exp, "genomics", "samples.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(samples), "\n")[1:] {
		if s, _, ok := strings.Cut(line, "\t"); ok {
			out = append(out, s)
		}
	}
	filepath.WalkDir(filepath.Join(exp, "imaging"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		m, err := imaging.ReadMeta(context.Background(), p, imaging.DefaultLimits())
		if err != nil {
			t.Errorf("reading synthetic DICOM: %v", err)
			return nil
		}
		out = append(out, m.StudyInstanceUID, m.SeriesInstanceUID, m.SOPInstanceUID)
		return nil
	})
	return out
}
