package reports

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
)

// staged is an output written under a temporary name, waiting to be
// renamed into place.
type staged struct {
	tmp, final string
	out        Output
}

// stage writes one output under a hidden temporary name in dir (mode 0600),
// hashing it on the way, and syncs it to disk. On error nothing is left.
func stage(dir, name string, write func(io.Writer) error) (staged, error) {
	f, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return staged{}, fmt.Errorf("reports: %s: %w", name, err)
	}
	out, err := fill(f, name, write)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return staged{}, fmt.Errorf("reports: %s: %w", name, err)
	}
	return staged{tmp: f.Name(), final: filepath.Join(dir, name), out: out}, nil
}

// fill writes, hashes, syncs and closes one temporary file.
func fill(f *os.File, name string, write func(io.Writer) error) (Output, error) {
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(f, h)}
	bw := bufio.NewWriterSize(cw, 1<<16)
	steps := []func() error{
		func() error { return f.Chmod(0o600) },
		func() error { return write(bw) },
		bw.Flush, f.Sync, f.Close,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return Output{}, err
		}
	}
	return Output{Name: name, Size: cw.n, SHA256: hexSum(h)}, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// commit renames the staged outputs into place, then the manifest. The old
// manifest is removed first, so that a folder never holds a manifest that
// does not describe the files beside it; a failure part way removes what
// was renamed. A folder holds a finished run exactly when it holds
// manifest.json.
func commit(dir string, outs []staged, manifest staged) error {
	err := os.Remove(filepath.Join(dir, ManifestName))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("reports: %s: %w", ManifestName, err)
	}
	for i, s := range outs {
		if err := os.Rename(s.tmp, s.final); err != nil {
			for _, done := range outs[:i] {
				os.Remove(done.final)
			}
			return fmt.Errorf("reports: %s: %w", s.out.Name, err)
		}
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	if err := os.Rename(manifest.tmp, manifest.final); err != nil {
		return fmt.Errorf("reports: %s: %w", ManifestName, err)
	}
	return syncDir(dir)
}

// syncDir makes the renames in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err == nil {
		err = d.Sync()
		d.Close()
	}
	if err != nil {
		return fmt.Errorf("reports: sync %s: %w", dir, err)
	}
	return nil
}

// discard removes staged files that were not committed.
func discard(st []staged) {
	for _, s := range st {
		os.Remove(s.tmp)
	}
}
