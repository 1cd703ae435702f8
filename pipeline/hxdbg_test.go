package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clinfuse/clinfuse/schemas"
)

// TestHxDump writes raw features, embeddings and truth for exploration.
func TestHxDump(t *testing.T) {
	exp := os.Getenv("HX_EXPORT")
	if exp == "" {
		t.Skip("no HX_EXPORT")
	}
	cfg := schemas.Default()
	res, err := Run(context.Background(), Options{Export: exp, Config: cfg, Version: "t"})
	if err != nil {
		t.Fatal(err)
	}
	truth, _ := readTruth(strings.TrimSuffix(filepath.Clean(exp), "/") + ".truth.tsv")
	set := res.Features
	ds := res.Targets[0].Dataset
	out := os.Getenv("HX_OUT")
	write := func(name string, names []string, rows [][]float64) {
		var b strings.Builder
		b.WriteString("y,truth,present," + strings.Join(names, ",") + "\n")
		for i, id := range ds.IDs {
			p := 1
			if rows[i] == nil {
				p = 0
			}
			fmt.Fprintf(&b, "%g,%g,%d", ds.Y[i], truth[id], p)
			for j := range names {
				v := 0.0
				if rows[i] != nil {
					v = rows[i][j]
				}
				fmt.Fprintf(&b, ",%g", v)
			}
			b.WriteString("\n")
		}
		os.WriteFile(filepath.Join(out, name+".csv"), []byte(b.String()), 0o644)
	}
	tg := cfg.Targets[0].Name
	write("rec_train", set.Training[tg].Names, set.Training[tg].Rows)
	write("rec_score", set.Records[tg].Names, set.Records[tg].Rows)
	write("var", set.Variants.Names, set.Variants.Rows)
	for _, view := range ds.Views {
		rows := make([][]float64, len(ds.IDs))
		var names []string
		for k := range len(view.X[0]) {
			names = append(names, fmt.Sprintf("e%d", k))
		}
		for i := range ds.IDs {
			if view.Present[i] {
				for _, x := range view.X[i] {
					rows[i] = append(rows[i], float64(x))
				}
			}
		}
		write("emb_"+view.Name, names, rows)
	}
	var b strings.Builder
	for i := range ds.IDs {
		fmt.Fprintf(&b, "%g,%g,%g\n", ds.Y[i], truth[ds.IDs[i]], res.Targets[0].Scores.Risk[i])
	}
	os.WriteFile(filepath.Join(out, "risk.csv"), []byte(b.String()), 0o644)
}

// TestHxImages writes each patient's image tensor (or nothing) for exploration.
func TestHxImages(t *testing.T) {
	exp := os.Getenv("HX_EXPORT")
	if exp == "" {
		t.Skip("no HX_EXPORT")
	}
	cfg := schemas.Default()
	n := newNight(Options{Export: exp, Config: cfg, Version: "t"})
	if err := n.steps(context.Background(), n.inventory, n.ingest, n.features); err != nil {
		t.Fatal(err)
	}
	in := n.inputs(cfg.Targets[0].Name)
	var b strings.Builder
	for i, p := range n.set.Patients {
		b.WriteString(p.ID)
		for _, v := range in.Image[i] {
			fmt.Fprintf(&b, ",%.4g", v)
		}
		b.WriteString("\n")
	}
	os.WriteFile(filepath.Join(os.Getenv("HX_OUT"), "img.csv"), []byte(b.String()), 0o644)
}
