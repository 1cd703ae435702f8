package imaging

import (
	"bufio"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clinfuse/clinfuse/internal/shareddata"
)

// refRow is one line of testdata/reference/reference.tsv.
type refRow struct {
	path, status, by, photometric, syntax, note string
	lossy                                       bool
	rows, columns, frames, samples              int
	min, max, mean                              float64
}

func loadReference(t *testing.T) []refRow {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "reference", "reference.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []refRow
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 15 {
			t.Fatalf("reference row has %d columns: %q", len(c), sc.Text())
		}
		atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
		atof := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
		rows = append(rows, refRow{path: c[0], status: c[1], by: c[2], lossy: c[4] == "1",
			rows: atoi(c[5]), columns: atoi(c[6]), frames: atoi(c[7]), samples: atoi(c[8]),
			photometric: c[9], syntax: c[10], min: atof(c[11]), max: atof(c[12]),
			mean: atof(c[13]), note: c[14]})
	}
	if len(rows) < 100 {
		t.Fatalf("reference table has only %d rows", len(rows))
	}
	return rows
}

// TestInspectMatchesReference is the acceptance test of issue 3: every
// file of the shared dicom/ and bugs/ folders against the reference tools.
// Lossless data must give equal min and max and a mean equal to 1e-9
// (summation order differs); lossy data a mean within 1%.
func TestInspectMatchesReference(t *testing.T) {
	root := shareddata.Dir(t)
	ref := loadReference(t)
	seen := map[string]bool{}
	for _, r := range ref {
		seen[r.path] = true
		t.Run(r.path, func(t *testing.T) {
			info, err := inspectWithDeadline(t, filepath.Join(root, r.path))
			if r.status == "ok" {
				checkDecoded(t, r, info, err)
			} else {
				checkRejected(t, r, err)
			}
		})
	}
	checkAllFilesListed(t, root, seen)
}

// inspectWithDeadline fails the test instead of hanging.
func inspectWithDeadline(t *testing.T, path string) (Info, error) {
	t.Helper()
	type result struct {
		info Info
		err  error
	}
	done := make(chan result, 1)
	go func() {
		info, err := Inspect(context.Background(), path, DefaultLimits())
		done <- result{info, err}
	}()
	select {
	case r := <-done:
		return r.info, r.err
	case <-time.After(30 * time.Second):
		t.Fatalf("Inspect hangs on %s", path)
	}
	return Info{}, nil
}

func checkDecoded(t *testing.T, r refRow, info Info, err error) {
	t.Helper()
	if s, _ := lookupSyntax(info.TransferSyntax); !decodable(s) {
		// A build without the cgo codecs must say so, precisely.
		want := "unsupported transfer syntax " + s.uid + " (" + s.name + ")"
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), want) {
			t.Fatalf("this build lacks the codec: want %q, got %v", want, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("reference tools (%s) decode it, Inspect rejects it: %v", r.by, err)
	}
	if info.Rows != r.rows || info.Columns != r.columns || info.Frames != r.frames {
		t.Errorf("dimensions %dx%dx%d, reference %dx%dx%d", info.Rows, info.Columns,
			info.Frames, r.rows, r.columns, r.frames)
	}
	if r.photometric != "PALETTE COLOR" && info.SamplesPerPixel != r.samples {
		t.Errorf("samples per pixel %d, reference %d", info.SamplesPerPixel, r.samples)
	}
	if r.syntax != "" && info.TransferSyntax != r.syntax {
		t.Errorf("transfer syntax %s, reference %s", info.TransferSyntax, r.syntax)
	}
	if r.photometric != "" && info.Photometric != r.photometric {
		t.Errorf("photometric %s, reference %s", info.Photometric, r.photometric)
	}
	if info.Pixel == nil {
		t.Fatal("no pixel statistics")
	}
	checkStats(t, r, *info.Pixel)
}

func checkStats(t *testing.T, r refRow, got Stats) {
	t.Helper()
	if r.lossy {
		if d := math.Abs(got.Mean - r.mean); d > 0.01*math.Max(math.Abs(r.mean), 1e-9) {
			t.Errorf("lossy mean %g, reference %g (%.3g%% off)", got.Mean, r.mean,
				100*d/math.Abs(r.mean))
		}
		return
	}
	if got.Min != r.min || got.Max != r.max {
		t.Errorf("min/max %g/%g, reference %g/%g", got.Min, got.Max, r.min, r.max)
	}
	if !closeRel(got.Mean, r.mean, 1e-9) {
		t.Errorf("mean %.12g, reference %.12g", got.Mean, r.mean)
	}
}

func closeRel(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// checkRejected requires a classified reason that names the file.
func checkRejected(t *testing.T, r refRow, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("reference tools reject it (%s), Inspect decodes it", r.note)
	}
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), filepath.Base(r.path)) {
		t.Errorf("error does not name the file: %v", err)
	}
	classes := []error{ErrNotDICOM, ErrMalformed, ErrUnsupported, ErrNotImage, ErrTooLarge}
	n := 0
	for _, c := range classes {
		if errors.Is(err, c) {
			n++
		}
	}
	if n != 1 || len(fe.Err.Error()) < 12 {
		t.Errorf("reason is not one specific class: %v", err)
	}
}

// checkAllFilesListed keeps the table complete as the shared data grows.
func checkAllFilesListed(t *testing.T, root string, seen map[string]bool) {
	t.Helper()
	for _, top := range []string{"dicom", "bugs"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(p string, d os.DirEntry,
			err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			if !seen[filepath.ToSlash(rel)] {
				t.Errorf("%s is not in the reference table; re-run make_reference.py", rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
