package pipeline

import (
	"context"
	"fmt"

	"github.com/clinfuse/clinfuse/encoders"
	"github.com/clinfuse/clinfuse/graphfusion"
)

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
		n.model = &Model{
			Kind: modelKind, Version: ModelVersion, ToolVersion: n.opt.Version,
			ConfigDigest: n.cfg.Digest(), Config: string(n.cfg.YAML()),
			TrainingRunID: n.runID, Spec: n.set.Spec,
		}
	}
	for _, t := range n.cfg.Targets {
		c.In.Add(1)
		ts, err := n.scoreTarget(ctx, t.Name)
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
			return nil, nil, err
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
	train.Records = n.set.Training[target].Rows
	emb, err := enc.Encode(ctx, train)
	if err != nil {
		return tm, fmt.Errorf("encode: %w", err)
	}
	gm, err := graphfusion.Fit(ctx, n.dataset(target, emb), n.cfg.Model.Head,
		n.fusionOptions(target))
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
		Records:    n.set.Records[target].Rows,
		Variants:   n.set.Variants.Rows,
	}
	for i, p := range n.set.Patients {
		in.Image[i] = n.images.tensors[p.ID]
	}
	return in
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
