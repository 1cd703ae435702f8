package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/clinfuse/clinfuse/encoders"
	"github.com/clinfuse/clinfuse/graphfusion"
	"github.com/clinfuse/clinfuse/ingest/features"
)

// errNotScored marks a target the run skips, with a limit in the reports,
// instead of failing: its labels cannot train a model, or the saved model
// has none for it.
var errNotScored = errors.New("not scored")

// targetScores is one target's scoring outcome.
type targetScores struct {
	target string
	ds     graphfusion.Dataset
	emb    *encoders.Embeddings
	scores *graphfusion.Scores
	cal    []graphfusion.CalPoint
}

// fuse encodes every modality and scores every patient for each target,
// training the encoders and fusion model first unless a model was given.
func (n *night) fuse(ctx context.Context) error {
	c := n.stage("encode+fuse")
	defer c.Done()
	if n.opt.Model != nil {
		n.model = n.opt.Model
	} else {
		// The worker count never changes results, so the stored config
		// holds a fixed one and the model's bytes do not depend on it.
		cfg := n.cfg
		cfg.Workers = 1
		n.model = &Model{
			Kind: modelKind, Version: ModelVersion, ToolVersion: n.opt.Version,
			ConfigDigest: n.cfg.Digest(), Config: string(cfg.YAML()),
			TrainingRunID: n.runID, Spec: n.set.Spec,
		}
	}
	for _, t := range n.cfg.Targets {
		c.In.Add(1)
		ts, err := n.scoreTarget(ctx, t.Name)
		if errors.Is(err, errNotScored) {
			n.limits = append(n.limits, fmt.Sprintf("target %q %v", t.Name, err))
			continue
		}
		if err != nil {
			return fmt.Errorf("pipeline: target %q: %w", t.Name, err)
		}
		n.scored = append(n.scored, ts)
		c.Out.Add(1)
		n.log.Info("target scored", "target_index", len(n.scored), "patients", len(ts.ds.IDs),
			"seconds", c.Elapsed().Seconds())
	}
	return nil
}

func (n *night) scoreTarget(ctx context.Context, target string) (targetScores, error) {
	in := n.inputs(target)
	enc, gm, err := n.targetModel(ctx, target, in)
	if err != nil {
		return targetScores{}, err
	}
	emb, err := enc.Encode(ctx, in)
	if err != nil {
		return targetScores{}, fmt.Errorf("encode: %w", err)
	}
	ds := n.dataset(target, emb)
	sc, err := gm.Score(ctx, ds)
	if err != nil {
		return targetScores{}, fmt.Errorf("score: %w", err)
	}
	return targetScores{target: target, ds: ds, emb: emb, scores: sc, cal: gm.Calibration()}, nil
}

// targetModel trains the target's encoders and fusion model, or loads them
// from the given model. Trained parts go through their saved form before
// use, so that a run and a later score with the saved model compute with
// exactly the same weights.
func (n *night) targetModel(ctx context.Context, target string, in encoders.Inputs) (
	*encoders.Set, *graphfusion.Model, error) {
	if n.opt.Model != nil {
		tm, err := n.opt.Model.target(target)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: the model holds no trained parts for it",
				errNotScored)
		}
		return loadParts(tm)
	}
	key := newKey("model", n.opt.Version, n.cfg.Digest(), target).
		floats64(in.Records).floats64(n.set.Training[target].Rows).
		floats64(in.Variants).floats32(in.Image).sum()
	var tm TargetModel
	if n.work.load("model", key, &tm) && tm.Name == target {
		n.model.Targets = append(n.model.Targets, tm)
		n.log.Info("model taken from the work folder", "target_index", len(n.model.Targets))
		return loadParts(&tm)
	}
	tm, err := n.train(ctx, target, in)
	if err != nil {
		return nil, nil, err
	}
	if err := n.work.store("model", key, tm); err != nil {
		return nil, nil, err
	}
	n.model.Targets = append(n.model.Targets, tm)
	return loadParts(&tm)
}

// train fits one target's encoders and fusion model. The encoders learn
// from every patient's scoring inputs (no label is involved); the fusion
// model learns from the training inputs, whose records features stop at an
// index date for undiagnosed patients as they stop at onset for diagnosed
// ones (features.Set.Training).
func (n *night) train(ctx context.Context, target string, in encoders.Inputs) (TargetModel, error) {
	seed := n.cfg.Seed
	enc, err := encoders.Fit(ctx, in, nil, encoders.Options{
		Model: n.cfg.Model, Seed: subSeed(seed, "encoders", target),
		Workers: n.cfg.Workers, Pretrain: true,
	})
	if err != nil {
		return TargetModel{}, fmt.Errorf("training encoders: %w", err)
	}
	tm := TargetModel{Name: target}
	if tm.Encoders, err = enc.MarshalBinary(); err != nil {
		return tm, err
	}
	train := in
	train.Records = n.trainingRecords(target)
	emb, err := enc.Encode(ctx, train)
	if err != nil {
		return tm, fmt.Errorf("encode: %w", err)
	}
	gm, err := graphfusion.Fit(ctx, n.dataset(target, emb), n.cfg.Model.Head,
		n.fusionOptions(target))
	if errors.Is(err, graphfusion.ErrTooFewLabels) {
		return tm, fmt.Errorf("%w: too few diagnosed or undiagnosed patients to train "+
			"%d-fold models (%w)", errNotScored, n.cfg.Model.Folds, err)
	}
	if err != nil {
		return tm, fmt.Errorf("training fusion: %w", err)
	}
	tm.Fusion, err = gm.MarshalBinary()
	return tm, err
}

func loadParts(tm *TargetModel) (*encoders.Set, *graphfusion.Model, error) {
	enc, err := encoders.UnmarshalSet(tm.Encoders)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: encoders: %v", ErrModelMismatch, err)
	}
	gm, err := graphfusion.UnmarshalModel(tm.Fusion)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: fusion: %v", ErrModelMismatch, err)
	}
	return enc, gm, nil
}

func (n *night) fusionOptions(target string) graphfusion.Options {
	return graphfusion.Options{
		Graph: n.cfg.Graph, Model: n.cfg.Model,
		Seed: subSeed(n.cfg.Seed, "fusion", target), Workers: n.cfg.Workers,
	}
}

// inputs gathers every patient's modality inputs for a target, in the
// features' patient order.
func (n *night) inputs(target string) encoders.Inputs {
	g := n.cfg.Imaging.Grid
	in := encoders.Inputs{
		ImageShape: [3]int{n.cfg.Imaging.Slices, g, g},
		Image:      make([][]float32, len(n.set.Patients)),
		Records:    missingAsNaN(n.set.Records[target]),
		Variants:   n.set.Variants.Rows,
	}
	for i, p := range n.set.Patients {
		in.Image[i] = n.images.tensors[p.ID]
	}
	return in
}

// trainingRecords is the target's records matrix for training (see
// features.Set.Training) in the encoders' convention.
func (n *night) trainingRecords(target string) [][]float64 {
	return missingAsNaN(n.set.Training[target])
}

// missingAsNaN copies the rows of a records matrix, turning every value
// that its missing indicator marks as missing into NaN, the encoders'
// mark of a missing value. The features package writes such values as 0
// beside the indicator (see its package doc): age_years goes with
// age_missing, lab:NAME:latest and lab:NAME:years_since_latest with
// lab:NAME:missing, and lab:NAME:trend_per_year with lab:NAME:trend_missing.
// Left as 0, a lab missing for a few patients would sit many standard
// deviations from the others and dominate what the records encoder learns.
func missingAsNaN(m features.Matrix) [][]float64 {
	pairs := missingPairs(m.Names)
	out := make([][]float64, len(m.Rows))
	for i, r := range m.Rows {
		if r == nil {
			continue
		}
		out[i] = slices.Clone(r)
		for _, p := range pairs {
			if r[p[1]] == 1 {
				out[i][p[0]] = math.NaN()
			}
		}
	}
	return out
}

// missingPairs lists (value column, indicator column) pairs by name.
func missingPairs(names []string) [][2]int {
	col := make(map[string]int, len(names))
	for j, name := range names {
		col[name] = j
	}
	var out [][2]int
	add := func(value int, indicator string) {
		if k, ok := col[indicator]; ok {
			out = append(out, [2]int{value, k})
		}
	}
	for j, name := range names {
		if name == "age_years" {
			add(j, "age_missing")
			continue
		}
		lab, ok := strings.CutPrefix(name, "lab:")
		if !ok {
			continue
		}
		i := strings.LastIndexByte(lab, ':')
		if i < 0 {
			continue
		}
		switch stem, kind := "lab:"+lab[:i+1], lab[i+1:]; kind {
		case "latest", "years_since_latest":
			add(j, stem+"missing")
		case "trend_per_year":
			add(j, stem+"trend_missing")
		}
	}
	return out
}

// dataset turns embeddings and labels into the fusion stage's input.
func (n *night) dataset(target string, emb *encoders.Embeddings) graphfusion.Dataset {
	ds := graphfusion.Dataset{
		IDs:   make([]string, len(n.set.Patients)),
		Pheno: make([]graphfusion.Phenotype, len(n.set.Patients)),
		Y:     make([]float64, len(n.set.Patients)),
	}
	labels := n.set.Labels[target]
	for i, p := range n.set.Patients {
		ds.IDs[i] = p.ID
		ds.Pheno[i] = graphfusion.Phenotype{Sex: p.Sex, Site: p.Site, Age: p.Age}
		if labels[i].Diagnosed {
			ds.Y[i] = 1
		}
	}
	for v, name := range emb.Names {
		ds.Views = append(ds.Views, graphfusion.View{
			Name: name, X: emb.X[v], Present: emb.Present[v],
		})
	}
	return ds
}
