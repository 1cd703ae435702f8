package pipeline

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/clinfuse/clinfuse/graphfusion"
	"github.com/clinfuse/clinfuse/ingest"
	"github.com/clinfuse/clinfuse/ingest/imaging"
	"github.com/clinfuse/clinfuse/reports"
)

// finish assembles the report and writes it.
func (n *night) finish(ctx context.Context) (*Result, error) {
	c := n.stage("report")
	run := n.reportRun()
	res := &Result{Report: run, Model: n.model, Features: n.set,
		Rejected: int64(n.count(fateRejected)) + int64(len(n.rows))}
	for _, ts := range n.scored {
		res.Targets = append(res.Targets, TargetResult{ts.target, ts.ds, ts.scores})
	}
	if n.opt.Out == "" {
		c.Done()
		return res, nil
	}
	c.In.Store(int64(len(run.Risks)))
	c.Out.Store(int64(len(run.Risks)))
	run.Stages = n.stageTimes() // the report stage's own time is not known yet
	m, err := reports.Write(ctx, n.opt.Out, run)
	c.Done()
	if err != nil {
		return nil, fmt.Errorf("pipeline: writing reports: %w", err)
	}
	res.Manifest = m
	n.log.Info("reports written", "outputs", len(m.Outputs), "rejected", res.Rejected,
		"seconds", c.Elapsed().Seconds())
	return res, nil
}

func (n *night) reportRun() *reports.Run {
	run := &reports.Run{
		RunID: n.runID, ToolVersion: n.opt.Version, Build: buildInfo(),
		Config: n.cfg, ConfigDigest: n.cfg.Digest(), Seed: n.cfg.Seed,
		ModelDigest: n.model.Digest(),
		Platform:    fmt.Sprintf("%s/%s", runtime.GOOS, runtime.GOARCH),
		ExportDir:   n.opt.Export,
		Training:    n.trainingText(),
		Limits:      n.limits,
	}
	run.Inputs, run.Rejections = n.inputRows()
	run.Completeness = n.completeness()
	for _, ts := range n.scored {
		n.addScores(run, ts)
	}
	run.Stages = n.stageTimes()
	return run
}

func buildInfo() string {
	parts := []string{runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				parts = append(parts, "rev "+s.Value)
			}
		}
	}
	_, missing := imaging.Codecs()
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("%d transfer syntaxes without a decoder", len(missing)))
	}
	return strings.Join(parts, "; ")
}

// scoredPrefix begins the manifest's Training text of a run that scored
// with a saved model; Verify tells such runs apart by it.
const scoredPrefix = "scored with a saved model"

func (n *night) trainingText() string {
	if n.opt.Model != nil {
		return fmt.Sprintf("%s trained in run %s", scoredPrefix, n.opt.Model.TrainingRunID)
	}
	var pos int
	for _, ts := range n.scored {
		for _, y := range ts.ds.Y {
			pos += int(y)
		}
	}
	return fmt.Sprintf("trained in this run on %d patients (%d diagnosed target cases); "+
		"encoders pretrained self-supervised on all patients; head %q with %d-fold "+
		"cross-fitting, so every patient's risk comes from a model that did not see its label",
		len(n.set.Patients), pos, n.cfg.Model.Head, n.cfg.Model.Folds)
}

func (n *night) inputRows() ([]reports.Input, []reports.Rejection) {
	ins := make([]reports.Input, len(n.files))
	var rej []reports.Rejection
	for i, f := range n.files {
		fa := n.fates[i]
		if fa.Fate == "" {
			fa = fate{fateRejected, f.Unknown}
			if fa.Reason == "" {
				fa.Reason = "not read"
			}
		}
		ins[i] = reports.Input{Path: f.Path, Size: f.Size, SHA256: f.SHA256, Kind: string(f.Kind),
			Fate: fa.Fate, Reason: fa.Reason}
		if fa.Fate == fateRejected {
			n.fates[i] = fa
			rej = append(rej, reports.Rejection{File: f.Path, Stage: "ingest", Reason: fa.Reason})
		}
	}
	return ins, append(rej, n.rows...)
}

// rejectRow records that ingest rejected line of file f. Readers name the
// file by the path they opened; the reason names it by its export-relative
// path instead, as setFate does for whole files.
func (n *night) rejectRow(f ingest.File, line int64, reason string) {
	n.rows = append(n.rows, reports.Rejection{File: f.Path, Line: line, Stage: "ingest",
		Reason: strings.ReplaceAll(reason, f.Abs, f.Path)})
}

func (n *night) completeness() []reports.Completeness {
	total := len(n.set.Patients)
	out := []reports.Completeness{{Modality: "imaging", Patients: total,
		Present: n.images.present()}}
	for _, m := range []struct {
		name string
		rows [][]float64
	}{{"records", n.anyRecords()}, {"variants", n.set.Variants.Rows}} {
		k := 0
		for _, r := range m.rows {
			if r != nil {
				k++
			}
		}
		out = append(out, reports.Completeness{Modality: m.name, Patients: total, Present: k})
	}
	return out
}

func (n *night) anyRecords() [][]float64 {
	if len(n.set.Targets) == 0 {
		return nil
	}
	return n.set.Records[n.set.Targets[0]].Rows
}

// addScores adds one target's risks, contributions, embeddings and edges.
func (n *night) addScores(run *reports.Run, ts targetScores) {
	sc := ts.scores
	for i, id := range ts.ds.IDs {
		run.Risks = append(run.Risks, n.riskRow(ts, i))
		for v, view := range ts.ds.Views {
			run.Contributions = append(run.Contributions, reports.Contribution{
				PatientID: id, Target: ts.target, Modality: view.Name, Value: sc.Contrib[i][v]})
		}
	}
	run.Quality = append(run.Quality, quality(ts, subSeed(n.cfg.Seed, "quality", ts.target)))
	for _, p := range ts.cal {
		run.Calibration = append(run.Calibration, reports.CalPoint{
			Target: ts.target, Predicted: p.Predicted, Observed: p.Observed, Count: p.Count})
	}
	for _, e := range sc.Edges {
		run.Edges = append(run.Edges, reports.Edge{Source: e.From, Target: e.To, Weight: e.Weight})
	}
	if ts.target != n.cfg.Targets[0].Name {
		return // embeddings of the first target stand for the run
	}
	for v, name := range ts.emb.Names {
		for i, id := range ts.ds.IDs {
			if ts.emb.Present[v][i] {
				run.Embeddings = append(run.Embeddings, reports.Embedding{
					PatientID: id, Modality: name, Vector: ts.emb.X[v][i]})
			}
		}
	}
	for i, id := range ts.ds.IDs {
		if i < len(sc.Fused) && sc.Fused[i] != nil {
			run.Embeddings = append(run.Embeddings, reports.Embedding{
				PatientID: id, Modality: "fused", Vector: sc.Fused[i]})
		}
	}
}

func (n *night) riskRow(ts targetScores, i int) reports.Risk {
	sc := ts.scores
	p := n.set.Patients[i]
	r := reports.Risk{
		PatientID: p.ID, Target: ts.target, Risk: sc.Risk[i], Low: sc.Low[i], High: sc.High[i],
		Band: n.cfg.BandOf(sc.Risk[i]), Status: "undiagnosed", Age: p.Age, Sex: p.Sex,
		Driver: "none",
	}
	if ts.ds.Y[i] == 1 {
		r.Status = "diagnosed"
	}
	best := 0.0
	for v, view := range ts.ds.Views {
		if !sc.Used[i][v] {
			continue
		}
		r.Modalities = append(r.Modalities, view.Name)
		if d := math.Abs(sc.Contrib[i][v]); d > best {
			best, r.Driver = d, view.Name
		}
	}
	for k, nb := range sc.Similar[i] {
		if k == n.cfg.Report.Similar {
			break
		}
		out := "undiagnosed"
		if nb.Label == 1 {
			out = "diagnosed"
		}
		r.Similar = append(r.Similar, reports.Similar{PatientID: nb.ID,
			Similarity: nb.Similarity, Outcome: out})
	}
	return r
}

// quality measures the held-out risks against the recorded diagnoses. Every
// risk comes from a fold model that did not see the patient's label, so this
// is an honest estimate of how well the model finds recorded diagnoses.
func quality(ts targetScores, seed uint64) reports.Quality {
	p, y := ts.scores.Risk, ts.ds.Y
	pos := 0
	for _, v := range y {
		pos += int(v)
	}
	ci := func(m func(score, truth []float64) float64) reports.Interval {
		return interval(graphfusion.BootstrapCI(m, p, y, qualityResamples, seed))
	}
	return reports.Quality{
		Target: ts.target, Head: "held-out (cross-fitted)", N: len(y), Positives: pos,
		AUROC: ci(graphfusion.AUROC), AUPRC: ci(graphfusion.AUPRC),
		Brier: ci(graphfusion.Brier), ECE: ci(graphfusion.ECE),
	}
}

// qualityResamples is the number of bootstrap resamples behind each interval
// of the model-quality table.
const qualityResamples = 1000

func interval(v graphfusion.Interval) reports.Interval {
	return reports.Interval{Value: v.Value, Low: v.Low, High: v.High}
}

func (n *night) stageTimes() []reports.Stage {
	out := make([]reports.Stage, len(n.stages))
	for i, c := range n.stages {
		out[i] = reports.Stage{Name: c.Name, In: c.In.Load(), Out: c.Out.Load(),
			Rejected: c.Rejected.Load(), Seconds: c.Elapsed().Seconds()}
	}
	return out
}
