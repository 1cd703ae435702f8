// Package shareddata locates the public reference files that tests read from
// ../shared/data beside the repository. Those files are never copied into
// the repository.
//
// The folder is found from the environment variable CLINFUSE_SHARED_DATA if
// set, otherwise as shared/data next to the module root. A test that needs
// the files fails, rather than skips, when they are missing: CI always has
// them, and a silent skip would hide a regression.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared data folder, or fails tb if it cannot be found.
func Dir(tb testing.TB) string {
	tb.Helper()
	d, err := find()
	if err != nil {
		tb.Fatalf("shared data not found (set CLINFUSE_SHARED_DATA or place shared/data "+
			"beside the repository): %v", err)
	}
	return d
}

// Path joins elem onto the shared data folder, failing tb if the result does
// not exist.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{Dir(tb)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("shared data file missing: %v", err)
	}
	return p
}

func find() (string, error) {
	if d := os.Getenv("CLINFUSE_SHARED_DATA"); d != "" {
		_, err := os.Stat(d)
		return d, err
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, "..", "shared", "data")
			_, err := os.Stat(d)
			return filepath.Clean(d), err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
