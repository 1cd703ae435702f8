package reports

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// CheckInputs re-hashes the export's files and returns an error wrapping
// ErrMismatch for the first input, in path order, that is missing, differs
// in size or bytes, or is new (a regular file under exportDir that the
// manifest does not list). The error names the file by its export-relative
// path. exportDir "" means the manifest's ExportDir. Symbolic links are
// neither followed nor counted, as the inventory never follows them.
func CheckInputs(ctx context.Context, m *Manifest, exportDir string) error {
	if exportDir == "" {
		exportDir = m.ExportDir
	}
	if exportDir == "" {
		return fmt.Errorf("%w: no export folder given or recorded", ErrMalformed)
	}
	if st, err := os.Stat(exportDir); err != nil || !st.IsDir() {
		return fmt.Errorf("%w: export folder %s not found from the current folder (a "+
			"relative path is read from where the run started; give the folder with "+
			"--export)", ErrMismatch, exportDir)
	}
	listed := make(map[string]bool, len(m.Inputs))
	for _, in := range m.Inputs {
		if err := checkInput(ctx, exportDir, in); err != nil {
			return err
		}
		listed[in.Path] = true
	}
	return checkNoNewInputs(ctx, exportDir, listed)
}

func checkInput(ctx context.Context, root string, in ManifestInput) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	name := filepath.Join(root, filepath.FromSlash(in.Path))
	if in.SHA256 == "" {
		// The run could not read this entry; it only has to be there still.
		if _, err := os.Lstat(name); err != nil {
			return fmt.Errorf("%w: input %s: missing", ErrMismatch, in.Path)
		}
		return nil
	}
	if err := checkInputSize(name, in); err != nil {
		return err
	}
	sum, _, err := hashFile(ctx, name)
	if err != nil {
		return fmt.Errorf("reports: input %s: %w", in.Path, err)
	}
	if sum != in.SHA256 {
		return fmt.Errorf("%w: input %s: content differs from the manifest "+
			"(sha256 %.12s, was %.12s)", ErrMismatch, in.Path, sum, in.SHA256)
	}
	return nil
}

// checkInputSize checks that an input is still a regular file of the
// recorded size.
func checkInputSize(name string, in ManifestInput) error {
	fi, err := os.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: input %s: missing", ErrMismatch, in.Path)
	case err != nil:
		return fmt.Errorf("reports: input %s: %w", in.Path, err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%w: input %s: no longer a regular file", ErrMismatch, in.Path)
	case fi.Size() != in.Size:
		return fmt.Errorf("%w: input %s: size %d, manifest says %d", ErrMismatch, in.Path,
			fi.Size(), in.Size)
	}
	return nil
}

func checkNoNewInputs(ctx context.Context, root string, listed map[string]bool) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("reports: export: %w", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return fmt.Errorf("reports: export: %w", err)
		}
		if rel = filepath.ToSlash(rel); !listed[rel] {
			return fmt.Errorf("%w: input %s: not in the manifest", ErrMismatch, rel)
		}
		return nil
	})
}

// hashFile returns the hex SHA-256 and size of a file, checking ctx between
// chunks.
func hashFile(ctx context.Context, name string) (string, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	buf := make([]byte, 1<<20)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return "", n, err
		}
		k, err := f.Read(buf)
		h.Write(buf[:k])
		n += int64(k)
		if errors.Is(err, io.EOF) {
			return hexSum(h), n, nil
		}
		if err != nil {
			return "", n, err
		}
	}
}

// CompareOutputs checks every output listed in want against the file of the
// same name in dir, and returns an error wrapping ErrMismatch for the first
// that is missing or differs, naming it. When want was read from a folder
// other than dir (a re-run compared with the original run), the original
// copies are checked against the manifest too, and when the two copies
// differ the error locates the first difference: the line for CSV, the
// part for the workbook, the byte offset otherwise.
func CompareOutputs(want *Manifest, dir string) error {
	orig := want.Dir()
	if orig != "" && sameDir(orig, dir) {
		orig = ""
	}
	ctx := context.Background()
	for _, o := range want.Outputs {
		if err := compareOutput(ctx, o, orig, dir); err != nil {
			return err
		}
	}
	return nil
}

func compareOutput(ctx context.Context, o Output, orig, dir string) error {
	got := filepath.Join(dir, o.Name)
	sum, _, err := hashFile(ctx, got)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: output %s: missing from %s", ErrMismatch, o.Name, dir)
	}
	if err != nil {
		return fmt.Errorf("reports: output %s: %w", o.Name, err)
	}
	origOK := orig == "" || matches(ctx, filepath.Join(orig, o.Name), o.SHA256)
	if sum == o.SHA256 && origOK {
		return nil
	}
	what := "differs from the manifest"
	if sum == o.SHA256 {
		what = "original copy differs from the manifest"
	}
	return fmt.Errorf("%w: output %s: %s%s", ErrMismatch, o.Name, what, locate(orig, got))
}

// matches reports whether a file exists and has the given digest.
func matches(ctx context.Context, name, sha string) bool {
	sum, _, err := hashFile(ctx, name)
	return err == nil && sum == sha
}

// locate says where the original copy of an output first differs from got,
// or "" when there is no original to compare with.
func locate(orig, got string) string {
	if orig == "" {
		return ""
	}
	where, err := firstDifference(filepath.Join(orig, filepath.Base(got)), got)
	if err != nil || where == "" {
		return ""
	}
	return "; original and re-run first differ " + where
}

func sameDir(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	if err1 != nil || err2 != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return os.SameFile(fa, fb)
}

// firstDifference locates where two copies of an output first differ, in
// words, or returns "" when they are equal.
func firstDifference(a, b string) (string, error) {
	switch {
	case strings.HasSuffix(a, ".csv"):
		return firstLineDiff(a, b)
	case strings.HasSuffix(a, ".xlsx"):
		if where, err := firstPartDiff(a, b); err == nil {
			return where, nil
		}
	}
	return firstByteDiff(a, b)
}

func firstLineDiff(a, b string) (string, error) {
	fa, fb, err := open2(a, b)
	if err != nil {
		return "", err
	}
	defer fa.Close()
	defer fb.Close()
	ra, rb := bufio.NewReader(fa), bufio.NewReader(fb)
	for line := 1; ; line++ {
		la, errA := ra.ReadBytes('\n')
		lb, errB := rb.ReadBytes('\n')
		if !bytes.Equal(la, lb) {
			return fmt.Sprintf("at line %d", line), nil
		}
		if errA != nil || errB != nil {
			return "", nil
		}
	}
}

func open2(a, b string) (*os.File, *os.File, error) {
	fa, err := os.Open(a)
	if err != nil {
		return nil, nil, err
	}
	fb, err := os.Open(b)
	if err != nil {
		fa.Close()
		return nil, nil, err
	}
	return fa, fb, nil
}

// firstPartDiff names the first workbook part (in the original's order)
// whose content differs, or a part only one copy has.
func firstPartDiff(a, b string) (string, error) {
	za, err := zip.OpenReader(a)
	if err != nil {
		return "", err
	}
	defer za.Close()
	zb, err := zip.OpenReader(b)
	if err != nil {
		return "", err
	}
	defer zb.Close()
	parts := map[string]*zip.File{}
	for _, f := range zb.File {
		parts[f.Name] = f
	}
	for _, f := range za.File {
		g := parts[f.Name]
		if g == nil || g.CRC32 != f.CRC32 || g.UncompressedSize64 != f.UncompressedSize64 ||
			!sameRaw(f, g) {
			return "in part " + f.Name, nil
		}
		delete(parts, f.Name)
	}
	for _, f := range zb.File {
		if parts[f.Name] != nil {
			return "in part " + f.Name, nil
		}
	}
	return firstByteDiff(a, b)
}

// sameRaw reports whether two parts hold the same stored (compressed)
// bytes.
func sameRaw(a, b *zip.File) bool {
	ra, err := a.OpenRaw()
	if err != nil {
		return false
	}
	rb, err := b.OpenRaw()
	if err != nil {
		return false
	}
	equal, err := sameStream(ra, rb)
	return err == nil && equal
}

func sameStream(a, b io.Reader) (bool, error) {
	ba, bb := bufio.NewReader(a), bufio.NewReader(b)
	for {
		ca, errA := ba.ReadByte()
		cb, errB := bb.ReadByte()
		if errA != nil || errB != nil {
			return errors.Is(errA, io.EOF) && errors.Is(errB, io.EOF), nil
		}
		if ca != cb {
			return false, nil
		}
	}
}

func firstByteDiff(a, b string) (string, error) {
	fa, fb, err := open2(a, b)
	if err != nil {
		return "", err
	}
	defer fa.Close()
	defer fb.Close()
	ra, rb := bufio.NewReader(fa), bufio.NewReader(fb)
	for off := int64(0); ; off++ {
		ca, errA := ra.ReadByte()
		cb, errB := rb.ReadByte()
		if errA != nil || errB != nil {
			if errA != nil && errB != nil {
				return "", nil
			}
			return fmt.Sprintf("at byte %d (one copy is shorter)", off), nil
		}
		if ca != cb {
			return fmt.Sprintf("at byte %d", off), nil
		}
	}
}

// CompareManifests compares two manifests field by field, ignoring Timings,
// Platform, ExportDir and the worker count inside the config YAML, and
// returns an error wrapping ErrMismatch naming the first field that
// differs. verify uses it to show that a re-run read and counted the same.
func CompareManifests(want, got *Manifest) error {
	checks := []struct {
		field string
		same  bool
	}{
		{"format", want.Format == got.Format},
		{"run_id", want.RunID == got.RunID},
		{"tool_version", want.ToolVersion == got.ToolVersion},
		{"build", want.Build == got.Build},
		{"seed", want.Seed == got.Seed},
		{"config_digest", want.ConfigDigest == got.ConfigDigest},
		{"model_digest", want.ModelDigest == got.ModelDigest},
		{"training", want.Training == got.Training},
		{"inputs_digest", want.InputsDigest == got.InputsDigest},
		{"inputs", slices.Equal(want.Inputs, got.Inputs)},
		{"rejected", want.Rejected == got.Rejected},
		{"stages", slices.Equal(want.Stages, got.Stages)},
		{"limits", slices.Equal(want.Limits, got.Limits)},
		{"cells_cut", want.CellsCut == got.CellsCut},
		{"outputs", slices.Equal(want.Outputs, got.Outputs)},
	}
	for _, c := range checks {
		if !c.same {
			return fmt.Errorf("%w: manifest field %s differs", ErrMismatch, c.field)
		}
	}
	return nil
}
