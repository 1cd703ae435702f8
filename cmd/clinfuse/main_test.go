package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clinfuse/clinfuse/synth"
)

// bin is the clinfuse binary built once for these tests.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "clinfuse-bin-")
	if err != nil {
		panic(err)
	}
	os.Chmod(dir, 0o755)
	bin = filepath.Join(dir, "clinfuse")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// clinfuse runs the binary and returns its exit code, stdout and stderr.
func clinfuse(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	}
	t.Fatal(err)
	return 0, "", ""
}

// smallExport writes a synthetic export of n patients and returns its path.
func smallExport(t *testing.T, n int, seed uint64) string {
	t.Helper()
	dir := t.TempDir()
	o := synth.DefaultOptions()
	o.Patients, o.Seed = n, seed
	o.Out, o.Truth = filepath.Join(dir, "export"), filepath.Join(dir, "truth.tsv")
	if err := synth.Generate(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return o.Out
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"no command", nil, 2},
		{"unknown command", []string{"frobnicate"}, 2},
		{"run without export", []string{"run", "--out", t.TempDir()}, 2},
		{"bad flag", []string{"run", "--nope"}, 2},
		{"missing config", []string{"run", "--export", ".", "--out", t.TempDir(),
			"--config", "/nonexistent.yaml"}, 2},
		{"version", []string{"version"}, 0},
		{"help", []string{"help"}, 0},
		{"run help", []string{"run", "-h"}, 0},
		{"bench help", []string{"bench", "-h"}, 0},
		{"bench without folder", []string{"bench", "cora"}, 2},
		{"synth too few patients", []string{"synth", "--patients", "0", "--out",
			filepath.Join(t.TempDir(), "x")}, 2},
		{"inspect a good file", []string{"inspect",
			"../../testdata/export/records/patients.csv"}, 0},
		{"inspect a non-input", []string{"inspect", "main.go"}, 3},
		{"export missing", []string{"run", "--export", "/nonexistent", "--out",
			t.TempDir()}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, _, stderr := clinfuse(t, c.args...); got != c.want {
				t.Errorf("exit %d, want %d; stderr: %s", got, c.want, tail(stderr))
			}
		})
	}
}

func tail(s string) string {
	if len(s) > 600 {
		return "…" + s[len(s)-600:]
	}
	return s
}

// manifest reads the fields of manifest.json these tests look at.
type manifest struct {
	Inputs []struct {
		Path, Fate, Reason string
	} `json:"inputs"`
	Outputs []struct {
		Name, SHA256 string
	} `json:"outputs"`
}

func readManifest(t *testing.T, dir string) manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestFaultsAreAccountedFor plants corrupt, truncated, empty, unreadable and
// unknown files and a link out of the export: each must be in the manifest
// as rejected with a reason, and every good patient must still be scored.
func TestFaultsAreAccountedFor(t *testing.T) {
	exp := smallExport(t, 40, 5)
	good := firstDICOM(t, exp)
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	faults := map[string][]byte{
		"imaging/bad/corrupt.dcm": append(append(make([]byte, 128), "DICM"...),
			bytes.Repeat([]byte{0xff}, 300)...),
		"imaging/bad/truncated.dcm": b[:len(b)/2],
		"imaging/bad/locked.dcm":    b,
		"records/empty.csv":         nil,
		"other/notes.txt":           []byte("handover notes\n"),
	}
	for rel, data := range faults {
		p := filepath.Join(exp, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(filepath.Join(exp, "imaging/bad/locked.dcm"), 0)
	outside := filepath.Join(exp, "genomics", "outside.vcf")
	if err := os.Symlink("/etc/hostname", outside); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	code, stderr := runAsUnprivileged(t, exp, out)
	if code != 3 {
		t.Fatalf("exit %d, want 3; stderr: %s", code, tail(stderr))
	}
	m := readManifest(t, out)
	fates := map[string]string{}
	for _, in := range m.Inputs {
		fates[in.Path] = in.Fate + ": " + in.Reason
	}
	for rel := range faults {
		if f := fates[rel]; !strings.HasPrefix(f, "rejected: ") || len(f) < 20 {
			t.Errorf("%s: %q, want rejected with a reason", rel, f)
		}
	}
	if f := fates["genomics/outside.vcf"]; !strings.Contains(f, "outside the export") {
		t.Errorf("link out of the export: %q", f)
	}
	risks, _ := os.ReadFile(filepath.Join(out, "risks.csv"))
	if n := strings.Count(string(risks), "\n") - 1; n != 40 {
		t.Errorf("%d risk rows, want one for each of the 40 patients", n)
	}
}

func firstDICOM(t *testing.T, exp string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(exp, "imaging", "*", "series2", "*.dcm"))
	if len(m) == 0 {
		t.Fatal("no synthetic DICOM file")
	}
	return m[0]
}

// runAsUnprivileged runs clinfuse run, as an unprivileged user when the
// tests run as root (root reads files whatever their permissions, so the
// unreadable file would not be unreadable).
func runAsUnprivileged(t *testing.T, exp, out string) (int, string) {
	t.Helper()
	args := []string{"run", "--export", exp, "--out", out}
	if os.Geteuid() != 0 {
		code, _, stderr := clinfuse(t, args...)
		return code, stderr
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Fatal("running as root needs setpriv (util-linux) to drop privileges")
	}
	for _, d := range []string{filepath.Dir(bin), filepath.Dir(exp), filepath.Dir(out)} {
		openUp(d)
	}
	cmd := exec.Command(setpriv, append([]string{"--reuid=65534", "--regid=65534",
		"--clear-groups", bin}, args...)...)
	cmd.Env = append(os.Environ(), "HOME=/tmp")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stderr.String()
}

// openUp lets any user into d and every folder above it up to the system's
// temporary folder (test folders are created owner-only).
func openUp(d string) {
	for ; d != os.TempDir() && d != "/" && d != "."; d = filepath.Dir(d) {
		os.Chmod(d, 0o777)
	}
}

// startUntil starts clinfuse and returns once a log line contains marker.
func startUntil(t *testing.T, marker string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var seen bytes.Buffer
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		seen.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), marker) {
			go func() {
				for sc.Scan() {
				}
			}()
			return cmd, &seen
		}
	}
	cmd.Wait()
	t.Fatalf("clinfuse ended before %q; stderr: %s", marker, tail(seen.String()))
	return nil, nil
}

const encodeStarted = `"msg":"stage started","run_id"`

// TestKilledRunResumes kills a run in the middle of encoding, re-runs it
// with the same work folder, and checks that the re-run took the finished
// work from the folder and wrote outputs identical to an uninterrupted run.
func TestKilledRunResumes(t *testing.T) {
	exp := smallExport(t, 60, 9)
	ref := filepath.Join(t.TempDir(), "ref")
	if code, _, stderr := clinfuse(t, "run", "--export", exp, "--out", ref); code != 0 {
		t.Fatalf("reference run: exit %d: %s", code, tail(stderr))
	}
	out := filepath.Join(t.TempDir(), "out")
	work := filepath.Join(t.TempDir(), "work")
	args := []string{"run", "--export", exp, "--out", out, "--work", work}
	cmd, _ := startUntil(t, `"stage":"encode+fuse"`, args...)
	cmd.Process.Kill()
	cmd.Wait()
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err == nil {
		t.Fatal("a killed run left a manifest")
	}
	code, _, stderr := clinfuse(t, args...)
	if code != 0 {
		t.Fatalf("re-run: exit %d: %s", code, tail(stderr))
	}
	if !strings.Contains(stderr, `"from_work_folder":`) ||
		strings.Contains(stderr, `"from_work_folder":0`) {
		t.Errorf("the re-run decoded every image again: %s", tail(stderr))
	}
	a, b := readManifest(t, ref), readManifest(t, out)
	if len(a.Outputs) == 0 || len(a.Outputs) != len(b.Outputs) {
		t.Fatalf("outputs: %d vs %d", len(a.Outputs), len(b.Outputs))
	}
	for i := range a.Outputs {
		if a.Outputs[i] != b.Outputs[i] {
			t.Errorf("%s differs after resuming", a.Outputs[i].Name)
		}
	}
}

// TestTerminateStopsPromptly sends SIGTERM during encoding: the run must
// end within seconds, exit non-zero and leave no finished-looking output.
func TestTerminateStopsPromptly(t *testing.T) {
	exp := smallExport(t, 60, 10)
	out := filepath.Join(t.TempDir(), "out")
	cmd, _ := startUntil(t, `"stage":"encode+fuse"`, "run", "--export", exp, "--out", out)
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v to stop", took)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() == 0 {
		t.Errorf("exit: %v, want non-zero", err)
	}
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err == nil {
		t.Error("an interrupted run left a manifest")
	}
	if _, err := os.Stat(filepath.Join(out, "report.xlsx")); err == nil {
		t.Error("an interrupted run left a workbook")
	}
}

// TestVerify proves a fresh run, then changes one output byte and one input
// byte and checks that verify fails naming the file.
func TestVerify(t *testing.T) {
	exp := smallExport(t, 40, 12)
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := clinfuse(t, "run", "--export", exp, "--out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, tail(stderr))
	}
	man := filepath.Join(out, "manifest.json")
	if code, _, stderr := clinfuse(t, "verify", man); code != 0 {
		t.Fatalf("verify of a fresh run: exit %d: %s", code, tail(stderr))
	}
	flip := func(p string) func() {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		orig := bytes.Clone(b)
		b[len(b)/2] ^= 1
		os.WriteFile(p, b, 0o600)
		return func() { os.WriteFile(p, orig, 0o600) }
	}
	undo := flip(filepath.Join(out, "risks.csv"))
	code, _, stderr := clinfuse(t, "verify", man)
	if code == 0 || !strings.Contains(stderr, "risks.csv") {
		t.Errorf("verify after changing an output: exit %d: %s", code, tail(stderr))
	}
	undo()
	flip(filepath.Join(exp, "records", "observations.csv"))
	code, _, stderr = clinfuse(t, "verify", man)
	if code == 0 || !strings.Contains(stderr, "observations.csv") {
		t.Errorf("verify after changing an input: exit %d: %s", code, tail(stderr))
	}
}

// TestMissingExportLeavesNothing checks that a mistyped export path fails
// before the output or work folder is made.
func TestMissingExportLeavesNothing(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := clinfuse(t, "run", "--export", "/nonexistent", "--out", out)
	if code != 1 || !strings.Contains(stderr, "export folder") {
		t.Fatalf("exit %d, stderr %s", code, tail(stderr))
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("output folder made for a failed run: %v", err)
	}
}

// TestVerifyScoreRun proves a score run with the model it used, and checks
// that verify asks for the model when it is not given.
func TestVerifyScoreRun(t *testing.T) {
	exp := smallExport(t, 40, 12)
	dir := t.TempDir()
	model, out := filepath.Join(dir, "model.bin"), filepath.Join(dir, "out")
	if code, _, stderr := clinfuse(t, "train", "--export", exp, "--model", model); code != 0 {
		t.Fatalf("train: exit %d: %s", code, tail(stderr))
	}
	if code, _, stderr := clinfuse(t, "score", "--export", exp, "--model", model, "--out",
		out); code != 0 {
		t.Fatalf("score: exit %d: %s", code, tail(stderr))
	}
	man := filepath.Join(out, "manifest.json")
	code, _, stderr := clinfuse(t, "verify", man)
	if code != 1 || !strings.Contains(stderr, "--model") {
		t.Errorf("verify without the model: exit %d: %s", code, tail(stderr))
	}
	if code, _, stderr := clinfuse(t, "verify", man, "--model", model); code != 0 {
		t.Fatalf("verify with the model: exit %d: %s", code, tail(stderr))
	}
}
