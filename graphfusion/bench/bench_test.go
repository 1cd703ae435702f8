package bench

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/clinfuse/clinfuse/internal/shareddata"
)

func TestReadCoraTiny(t *testing.T) {
	c, err := ReadCora(filepath.Join("testdata", "cora"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Labels) != 3 || c.Words != 4 || len(c.Edges) != 2 || c.Classes() != 2 ||
		c.Test[0] != 2 || len(c.Features[2]) != 3 {
		t.Fatalf("got %+v", c)
	}
}

func TestReadCoraPlanetoid(t *testing.T) {
	c, err := ReadCora(shareddata.Path(t, "graph", "cora-planetoid"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Labels) != 2708 || c.Words != 1433 || c.Classes() != 7 ||
		len(c.Train) != 140 || len(c.Val) != 500 || len(c.Test) != 1000 {
		t.Fatalf("nodes %d words %d classes %d split %d/%d/%d", len(c.Labels), c.Words,
			c.Classes(), len(c.Train), len(c.Val), len(c.Test))
	}
}

func TestReadMultiOmics(t *testing.T) {
	d, err := ReadMultiOmics(filepath.Join("testdata", "omics"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Train) != 1 || d.Train[0][1][1] != 4 || d.YTrain[1] != 1 || d.Test[0][0][0] != 0.5 {
		t.Fatalf("got %+v", d)
	}
	r, err := ReadMultiOmics(shareddata.Path(t, "multiomics", "ROSMAP"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Train) != 3 || len(r.YTrain) != 245 || len(r.YTest) != 106 ||
		len(r.Train[0][0]) != 200 {
		t.Fatalf("ROSMAP views %d train %d test %d", len(r.Train), len(r.YTrain), len(r.YTest))
	}
}

func TestMalformedNamesFileAndLine(t *testing.T) {
	cases := []struct {
		name, body string
	}{
		{"gap in nodes", "0\t1\t0\n2\t0\t1\n"},
		{"bad feature", "0\t1\t3,1\n"},
		{"bad label", "0\tx\t1\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &Cora{}
			err := c.parseNodes(bytes.NewBufferString(tc.body), "nodes.tsv")
			if !errors.Is(err, ErrMalformed) || !bytes.Contains([]byte(err.Error()),
				[]byte("nodes.tsv:")) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func FuzzParseNodes(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "cora", "nodes.tsv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, b []byte) {
		c := &Cora{}
		if err := c.parseNodes(bytes.NewReader(b), "nodes.tsv"); err != nil {
			return
		}
		if len(c.Labels) != len(c.Features) {
			t.Fatal("labels and features disagree")
		}
		_ = c.parseEdges(bytes.NewReader(b), "edges.tsv")
	})
}

func FuzzParseRow(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "omics", "1_tr.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Fuzz(func(t *testing.T, line string) {
		if row, err := parseRow(line); err == nil && len(row) == 0 {
			t.Fatal("empty row accepted")
		}
	})
}
