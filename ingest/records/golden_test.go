package records

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden is what a golden file holds for one input file.
type golden struct {
	Table      Table            `json:"table"`
	Format     Format           `json:"format"`
	Rows       int64            `json:"rows"`
	Rejected   int64            `json:"rejected"`
	Skipped    int64            `json:"skipped"`
	Rejections []Rejection      `json:"rejections"`
	Data       []map[string]any `json:"data"`
}

// TestGolden reads every file of testdata and compares the stats and rows
// with testdata/golden/NAME.json (go test -update rewrites them; review the
// diff).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		if strings.HasSuffix(name, ".md") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			st, rows := readFile(t, path)
			got, err := json.MarshalIndent(golden{st.Table, st.Format, st.Rows, st.Rejected,
				st.Skipped, st.Rejections, rows}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			gpath := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(gpath, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(gpath)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if strings.TrimSpace(string(want)) != string(got) {
				t.Errorf("output differs from %s (go test -update rewrites it):\n%s",
					gpath, got)
			}
		})
	}
}
