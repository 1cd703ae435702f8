package pipeline

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/clinfuse/clinfuse/encoders"
	"github.com/clinfuse/clinfuse/graphfusion"
	"github.com/clinfuse/clinfuse/schemas"
)

// EvalOptions configures Evaluate.
type EvalOptions struct {
	Export  string
	Config  schemas.Config
	Version string
	Logger  *slog.Logger
	// Truth, when set, is a TSV file with columns patient_id and diseased
	// (0 or 1), e.g. the hidden truth of a synthetic export; patients are
	// then scored against it instead of the recorded diagnoses.
	Truth string
}

// EvalRow is one line of the evaluation table.
type EvalRow struct {
	Target   string
	Encoders string // "pretrained" or "supervised-only"
	graphfusion.EvalRow
}

// EvalTable is the result of Evaluate.
type EvalTable struct {
	Against string // "recorded diagnoses" or the truth file's name
	Rows    []EvalRow
}

// Heads are the fusion heads compared by Evaluate, before the single
// modalities.
var Heads = []string{"graph", "early", "late", "attention"}

// Evaluate compares every fusion head and every single modality on a seeded
// patient-level split, twice: with encoders pretrained self-supervised on
// all patients, and with encoders trained only on the training split's
// labels.
func Evaluate(ctx context.Context, opt EvalOptions) (*EvalTable, error) {
	n := newNight(Options{Export: opt.Export, Config: opt.Config, Version: opt.Version,
		Logger: opt.Logger})
	if err := n.steps(ctx, n.inventory, n.ingest, n.features); err != nil {
		return nil, err
	}
	tab := &EvalTable{Against: "recorded diagnoses"}
	var truth map[string]float64
	if opt.Truth != "" {
		var err error
		if truth, err = readTruth(opt.Truth); err != nil {
			return nil, err
		}
		tab.Against = "truth file"
	}
	for _, t := range n.cfg.Targets {
		rows, err := n.evaluateTarget(ctx, t.Name, truth)
		if err != nil {
			return nil, fmt.Errorf("pipeline: evaluate %q: %w", t.Name, err)
		}
		tab.Rows = append(tab.Rows, rows...)
	}
	return tab, nil
}

func (n *night) evaluateTarget(ctx context.Context, target string, truth map[string]float64) (
	[]EvalRow, error) {
	in := n.inputs(target)
	opt := n.fusionOptions(target)
	base := n.dataset(target, &encoders.Embeddings{})
	train := make([]bool, len(base.IDs))
	for i, id := range base.IDs {
		train[i] = !graphfusion.InTestSplit(opt.Seed, id)
	}
	var tv []float64
	if truth != nil {
		tv = make([]float64, len(base.IDs))
		for i, id := range base.IDs {
			v, ok := truth[id]
			if !ok {
				return nil, fmt.Errorf("the truth file has no row for one of the patients")
			}
			tv[i] = v
		}
	}
	modes := []struct {
		name     string
		pretrain bool
		sup      *encoders.Supervision
	}{
		{"pretrained", true, nil},
		{"supervised-only", false, &encoders.Supervision{Y: base.Y, Train: train}},
	}
	var out []EvalRow
	for _, m := range modes {
		enc, err := encoders.Fit(ctx, in, m.sup, encoders.Options{Model: n.cfg.Model,
			Seed: subSeed(n.cfg.Seed, "encoders", target), Workers: n.cfg.Workers,
			Pretrain: m.pretrain})
		if err != nil {
			return nil, err
		}
		emb, err := enc.Encode(ctx, in)
		if err != nil {
			return nil, err
		}
		trainIn := in
		trainIn.Records = n.trainingRecords(target)
		embTrain, err := enc.Encode(ctx, trainIn)
		if err != nil {
			return nil, err
		}
		heads := append(append([]string(nil), Heads...), emb.Names...)
		rows, err := graphfusion.EvaluateSplit(ctx, n.dataset(target, embTrain),
			n.dataset(target, emb), tv, heads, opt)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out = append(out, EvalRow{Target: target, Encoders: m.name, EvalRow: r})
		}
		n.log.Info("evaluated", "encoders", m.name, "heads", len(heads))
	}
	return out, nil
}

// readTruth reads patient_id and diseased columns from a TSV file.
func readTruth(path string) (map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("pipeline: truth: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var idCol, yCol = -1, -1
	out := map[string]float64{}
	for line := 1; sc.Scan(); line++ {
		cols := strings.Split(sc.Text(), "\t")
		if line == 1 {
			for i, c := range cols {
				switch c {
				case "patient_id":
					idCol = i
				case "diseased":
					yCol = i
				}
			}
			if idCol < 0 || yCol < 0 {
				return nil, fmt.Errorf("pipeline: truth %s: needs patient_id and diseased "+
					"columns", path)
			}
			continue
		}
		if len(cols) <= max(idCol, yCol) {
			return nil, fmt.Errorf("pipeline: truth %s: line %d is short", path, line)
		}
		v, err := strconv.ParseFloat(cols[yCol], 64)
		if err != nil {
			return nil, fmt.Errorf("pipeline: truth %s: line %d: %v", path, line, err)
		}
		out[cols[idCol]] = v
	}
	return out, sc.Err()
}

// Write prints the table with intervals, aligned.
func (t *EvalTable) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "# evaluated against %s on the held-out test split; 95%% bootstrap "+
		"intervals\n", t.Against)
	fmt.Fprintln(tw, "target\tencoders\thead\tn\tpositives\tAUROC\tAUPRC\tBrier\tECE")
	for _, r := range t.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\n", r.Target, r.Encoders, r.Head,
			r.N, r.Positives, ci(r.AUROC), ci(r.AUPRC), ci(r.Brier), ci(r.ECE))
	}
	return tw.Flush()
}

func ci(v graphfusion.Interval) string {
	return fmt.Sprintf("%.3f [%.3f, %.3f]", v.Value, v.Low, v.High)
}
