package reports

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// bigRun returns a run whose Risks sheet has n rows: n undiagnosed
// patients, one target, three similar patients each.
func bigRun(n int) *Run {
	r := testRun(1, 1)
	r.Config.Targets = r.Config.Targets[:1]
	r.Risks = make([]Risk, n)
	for i := range r.Risks {
		p := float64(i%1000) / 1000
		r.Risks[i] = Risk{PatientID: fmt.Sprintf("%08x-4c1e-4f6a-9d2b-%012d", i, i),
			Target: r.Config.Targets[0].Name, Risk: p, Low: p * 0.8, High: min(1, p*1.2),
			Band: r.Config.BandOf(p), Status: StatusUndiagnosed, Age: float64(20 + i%70),
			Sex: "F", Driver: "records",
			Modalities: []string{"images", "records", "variants"},
			Similar: []Similar{{"R1", 0.9, "diagnosed"}, {"R2", 0.8, "not diagnosed"},
				{"R3", 0.7, "diagnosed"}}}
	}
	r.Contributions, r.Embeddings, r.Edges = nil, nil, nil
	return r
}

// BenchmarkWorkbook100k streams a 100,000-row Risks sheet (the whole
// workbook) to a file and reports the process's peak resident memory.
func BenchmarkWorkbook100k(b *testing.B) {
	r, err := normalize(bigRun(100_000))
	if err != nil {
		b.Fatal(err)
	}
	name := filepath.Join(b.TempDir(), "report.xlsx")
	b.ReportAllocs()
	runtime.GC()
	resetPeakRSS()
	base := peakRSSMB() // the run and the test binary
	for b.Loop() {
		if err := writeWorkbookFile(name, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(base, "base-RSS-MB")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	if fi, err := os.Stat(name); err == nil {
		b.ReportMetric(float64(fi.Size())/1e6, "file-MB")
	}
}

// BenchmarkWrite100k runs the whole Write (CSV, Parquet, workbook,
// manifest) for 100,000 risk rows.
func BenchmarkWrite100k(b *testing.B) {
	r := bigRun(100_000)
	dir := b.TempDir()
	b.ReportAllocs()
	resetPeakRSS()
	for b.Loop() {
		if _, err := Write(context.Background(), dir, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

func writeWorkbookFile(name string, r *Run) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if _, err := writeWorkbook(context.Background(), w, r, nil, filepath.Dir(name)); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// resetPeakRSS resets the kernel's high-water mark of resident memory for
// this process (Linux 4.0 and later).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSMB reads VmHWM, the peak resident memory, in MB; 0 if unknown.
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// TestWorkbookMemory100k writes a 100,000-row Risks sheet in a child
// process (so that no other test's memory counts) and wants its peak
// resident memory, the run's own data included, under 200 MB.
func TestWorkbookMemory100k(t *testing.T) {
	if os.Getenv("CLINFUSE_REPORTS_CHILD") == "1" {
		memoryChild(t)
		return
	}
	if raceEnabled {
		t.Skip("the race detector multiplies memory and time; " +
			"the 200 MB limit is checked by the tests run without -race")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWorkbookMemory100k$", "-test.v")
	cmd.Env = append(os.Environ(), "CLINFUSE_REPORTS_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	_, after, ok := strings.Cut(string(out), "peak-RSS-MB=")
	if !ok {
		t.Fatalf("child reported no peak:\n%s", out)
	}
	peak, err := strconv.ParseFloat(strings.Fields(after)[0], 64)
	if err != nil || peak <= 0 || peak >= 200 {
		t.Errorf("peak resident memory %v MB (%v), want under 200 MB", peak, err)
	}
	t.Logf("peak resident memory writing 100,000 rows: %.1f MB", peak)
}

func memoryChild(t *testing.T) {
	r, err := normalize(bigRun(100_000))
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "report.xlsx")
	t.Logf("before writing: peak %.1f MB", peakRSSMB())
	if err := writeWorkbookFile(name, r); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(name)
	t.Logf("workbook %.1f MB", float64(fi.Size())/1e6)
	t.Logf("peak-RSS-MB=%.1f", peakRSSMB())
}
