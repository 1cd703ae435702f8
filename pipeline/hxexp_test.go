package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/clinfuse/clinfuse/encoders"
	"github.com/clinfuse/clinfuse/graphfusion"
	"github.com/clinfuse/clinfuse/schemas"
)

// TestHxExp fits encoders and heads on exports and prints undiagnosed AUROCs.
func TestHxExp(t *testing.T) {
	exps := os.Getenv("HX_EXPORTS")
	if exps == "" {
		t.Skip("no HX_EXPORTS")
	}
	ctx := context.Background()
	for _, exp := range strings.Split(exps, ",") {
		cfg := schemas.Default()
		if s := os.Getenv("HX_MODEL"); s != "" {
			if err := json.Unmarshal([]byte(s), &cfg.Model); err != nil {
				t.Fatal(err)
			}
		}
		if s := os.Getenv("HX_GRAPH"); s != "" {
			if err := json.Unmarshal([]byte(s), &cfg.Graph); err != nil {
				t.Fatal(err)
			}
		}
		n := newNight(Options{Export: exp, Config: cfg, Version: "t"})
		if err := n.steps(ctx, n.inventory, n.ingest, n.features); err != nil {
			t.Fatal(err)
		}
		truth, err := readTruth(strings.TrimSuffix(exp, "/") + ".truth.tsv")
		if err != nil {
			t.Fatal(err)
		}
		tg := cfg.Targets[0].Name
		in := n.inputs(tg)
		t0 := time.Now()
		enc, err := encoders.Fit(ctx, in, nil, encoders.Options{Model: cfg.Model, Seed: subSeed(cfg.Seed, "encoders", tg),
			Workers: 2, Pretrain: os.Getenv("HX_NOPRE") == ""})
		if err != nil {
			t.Fatal(err)
		}
		tEnc := time.Since(t0)
		emb, _ := enc.Encode(ctx, in)
		train := in
		train.Records = n.trainingRecords(tg)
		embT, _ := enc.Encode(ctx, train)
		dsS, dsT := n.dataset(tg, emb), n.dataset(tg, embT)
		if os.Getenv("HX_RAWREC") != "" {
			for v, name := range emb.Names {
				if name == "records" {
					dsS.Views[v].X = rawView(in.Records)
					dsT.Views[v].X = rawView(train.Records)
				}
			}
		}
		heads := []string{"graph", "late", "early"}
		if h := os.Getenv("HX_HEADS"); h != "" {
			heads = strings.Split(h, ",")
		}
		heads = append(heads, emb.Names...)
		line := fmt.Sprintf("%-12s enc %.1fs", exp[strings.LastIndex(exp, "/")+1:], tEnc.Seconds())
		for _, h := range heads {
			t1 := time.Now()
			opt := n.fusionOptions(tg)
			fitDS := dsT
			if h != "graph" && h != "late" && h != "early" && h != "attention" {
				opt.Seed = 1
				fitDS = dsS
			}
			m, err := graphfusion.Fit(ctx, fitDS, h, opt)
			if err != nil {
				t.Fatal(err)
			}
			sc, _ := m.Score(ctx, dsS)
			line += fmt.Sprintf(" | %s %.3f", h, undiagnosedAUROC(dsS, sc.Risk, truth))
			for v, name := range emb.Names {
				if name == h {
					line += fmt.Sprintf(" [%.3f]", presentAUROC(dsS, v, sc.Risk, truth))
				}
			}
			_ = t1
		}
		fmt.Println(line)
	}
}

func rawView(rows [][]float64) [][]float32 {
	d := len(rows[0])
	mean := make([]float64, d)
	cnt := make([]float64, d)
	for _, r := range rows {
		for j, v := range r {
			if v == v {
				mean[j] += v
				cnt[j]++
			}
		}
	}
	out := make([][]float32, len(rows))
	for i, r := range rows {
		out[i] = make([]float32, d)
		for j, v := range r {
			if v != v {
				v = mean[j] / max(cnt[j], 1)
			}
			out[i][j] = float32(v)
		}
	}
	return out
}

func presentAUROC(ds graphfusion.Dataset, v int, risk []float64, truth map[string]float64) float64 {
	var s, y []float64
	for i, id := range ds.IDs {
		if ds.Y[i] == 0 && ds.Views[v].Present[i] {
			s, y = append(s, risk[i]), append(y, truth[id])
		}
	}
	return graphfusion.AUROC(s, y)
}
