package reports

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// makeExport writes a small export and returns its folder and a run whose
// inputs describe it.
func makeExport(t *testing.T) (string, *Run) {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"records/patients.csv":   "Id,BIRTHDATE\nP1,1970-01-01\n",
		"records/conditions.csv": "PATIENT,CODE\nP1,44054006\n",
		"imaging/a/1.dcm":        strings.Repeat("\x00", 128) + "DICM",
		"genomics/calls.vcf":     "##fileformat=VCFv4.2\n",
	}
	r := testRun(10, 3)
	r.Inputs = nil
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(body))
		r.Inputs = append(r.Inputs, Input{Path: name, Size: int64(len(body)),
			SHA256: hex.EncodeToString(sum[:]), Kind: "records", Fate: FateUsed})
	}
	r.ExportDir = root
	return root, r
}

func TestCheckInputs(t *testing.T) {
	cases := []struct {
		name   string
		change func(root string) error
		want   string // "" means no error
	}{
		{"unchanged", func(string) error { return nil }, ""},
		{"symlink added", func(root string) error {
			return os.Symlink("/etc/hostname", filepath.Join(root, "records", "link"))
		}, ""},
		{"one byte changed", func(root string) error {
			return flipByte(filepath.Join(root, "records", "conditions.csv"), 3)
		}, "input records/conditions.csv: content differs"},
		{"size changed", func(root string) error {
			return appendByte(filepath.Join(root, "genomics", "calls.vcf"))
		}, "input genomics/calls.vcf: size"},
		{"file removed", func(root string) error {
			return os.Remove(filepath.Join(root, "imaging", "a", "1.dcm"))
		}, "input imaging/a/1.dcm: missing"},
		{"export folder moved", func(root string) error {
			return os.Rename(root, root+".moved")
		}, "export folder "},
		{"file added", func(root string) error {
			return os.WriteFile(filepath.Join(root, "records", "new.csv"), nil, 0o600)
		}, "input records/new.csv: not in the manifest"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root, r := makeExport(t)
			_, m := writeRun(t, r)
			if err := c.change(root); err != nil {
				t.Fatal(err)
			}
			err := CheckInputs(context.Background(), m, "")
			checkErr(t, err, c.want)
		})
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want ErrMismatch mentioning %q", err, want)
	}
}

func flipByte(name string, off int64) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		return err
	}
	b[0] ^= 0x01
	_, err = f.WriteAt(b, off)
	return err
}

func appendByte(name string) error {
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Write([]byte{'\n'})
	return err
}

func TestCheckInputsOtherFolder(t *testing.T) {
	root, r := makeExport(t)
	_, m := writeRun(t, r)
	moved := filepath.Join(t.TempDir(), "moved")
	if err := os.Rename(root, moved); err != nil {
		t.Fatal(err)
	}
	if err := CheckInputs(context.Background(), m, moved); err != nil {
		t.Errorf("export moved to another folder: %v", err)
	}
	if err := CheckInputs(context.Background(), m, ""); !errors.Is(err, ErrMismatch) {
		t.Errorf("recorded folder gone: error %v, want ErrMismatch", err)
	}
}

// TestCompareOutputs changes one byte of each output, in the original run
// and in the re-run, and wants an error naming that output and saying
// where the copies first differ.
func TestCompareOutputs(t *testing.T) {
	names := []struct{ name, where string }{
		{NameRisksCSV, "at line"},
		{NameRisks, "at byte"},
		{NameContributions, "at byte"},
		{NameEmbeddings, "at byte"},
		{NameEdges, "at byte"},
		{NameRejected, "at byte"},
		{NameWorkbook, "in part"},
	}
	for _, n := range names {
		for _, side := range []string{"original", "re-run"} {
			t.Run(n.name+"/"+side, func(t *testing.T) {
				orig, rerun, m := twoRuns(t)
				target := map[string]string{"original": orig, "re-run": rerun}[side]
				if err := corruptMiddle(filepath.Join(target, n.name)); err != nil {
					t.Fatal(err)
				}
				err := CompareOutputs(m, rerun)
				checkErr(t, err, "output "+n.name+": ")
				if !strings.Contains(err.Error(), n.where) {
					t.Errorf("error %q does not say %q", err, n.where)
				}
				checkErr(t, CompareOutputs(m, target), "output "+n.name+": ")
			})
		}
	}
}

// corruptMiddle flips one bit of the byte in the middle of a file, except
// for CSV where it changes a digit on line 5 (so the file stays CSV).
func corruptMiddle(name string) error {
	if strings.HasSuffix(name, ".csv") {
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		lines := strings.SplitAfter(string(data), "\n")
		lines[4] = strings.Replace(lines[4], "0.", "1.", 1)
		return os.WriteFile(name, []byte(strings.Join(lines, "")), 0o600)
	}
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	return flipByte(name, fi.Size()/2)
}

// twoRuns writes the same run twice and reads the first one's manifest.
func twoRuns(t *testing.T) (orig, rerun string, m *Manifest) {
	t.Helper()
	orig, _ = writeRun(t, testRun(30, 4))
	rerun, _ = writeRun(t, testRun(30, 4))
	m, err := ReadManifest(filepath.Join(orig, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if err := CompareOutputs(m, rerun); err != nil {
		t.Fatalf("identical runs differ: %v", err)
	}
	return orig, rerun, m
}

func TestCompareOutputsMissing(t *testing.T) {
	_, rerun, m := twoRuns(t)
	if err := os.Remove(filepath.Join(rerun, NameEdges)); err != nil {
		t.Fatal(err)
	}
	checkErr(t, CompareOutputs(m, rerun), "output edges.parquet: missing")
}

func TestCompareManifests(t *testing.T) {
	orig, rerun, m := twoRuns(t)
	got, err := ReadManifest(filepath.Join(rerun, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if err := CompareManifests(m, got); err != nil {
		t.Errorf("re-run manifest differs: %v", err)
	}
	got.Stages[1].Out++
	checkErr(t, CompareManifests(m, got), "field stages")
	_ = orig
}

func TestReadManifestRejects(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(writeManifestDir(t), ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		data string
		want error
	}{
		{"not json", "{", ErrMalformed},
		{"trailing data", string(good) + "{}", ErrMalformed},
		{"unknown field", `{"format":1,"surprise":true}`, ErrMalformed},
		{"no format", `{}`, ErrMalformed},
		{"newer format", `{"format":99}`, ErrUnsupported},
		{"output escapes", strings.Replace(string(good), `"name": "risks.csv"`,
			`"name": "../risks.csv"`, 1), ErrMalformed},
		{"input escapes", strings.Replace(string(good), `"path": "imaging/f000.dcm"`,
			`"path": "../../etc/passwd"`, 1), ErrMalformed},
		{"absolute input", strings.Replace(string(good), `"path": "imaging/f000.dcm"`,
			`"path": "/etc/passwd"`, 1), ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.data == string(good) {
				t.Fatal("case changed nothing")
			}
			name := filepath.Join(t.TempDir(), ManifestName)
			if err := os.WriteFile(name, []byte(c.data), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadManifest(name)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), name) {
				t.Errorf("error %v, want %v naming the file", err, c.want)
			}
		})
	}
}

func writeManifestDir(t *testing.T) string {
	dir, _ := writeRun(t, testRun(5, 1))
	return dir
}

func TestManifestRoundTrip(t *testing.T) {
	r := testRun(8, 2)
	dir, m := writeRun(t, r)
	got, err := ReadManifest(filepath.Join(dir, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if err := CompareManifests(m, got); err != nil {
		t.Error(err)
	}
	if got.Dir() != dir || got.Config != string(r.Config.YAML()) || got.Seed != r.Seed ||
		got.Platform != r.Platform || len(got.Timings.Stages) != len(r.Stages) {
		t.Errorf("manifest lost fields: %+v", got)
	}
	want := fmt.Sprintf(`"seed": "%d"`, r.Seed)
	data, _ := os.ReadFile(filepath.Join(dir, ManifestName))
	if !strings.Contains(string(data), want) {
		t.Errorf("manifest lacks %s", want)
	}
}
