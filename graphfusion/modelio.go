package graphfusion

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// modelMagic starts every model file; modelVersion is the file format.
const (
	modelMagic   = "clinfuse graphfusion model\n"
	modelVersion = 1
)

type wireModel struct {
	Version int
	Head    string
	Names   []string
	Widths  []int
	Options Options
	Folds   []wireFold
	// Train lists the training identifiers in order with their fold.
	Train     []string
	TrainFold []int
	ValP      []float64
	ValY      []float64
}

type wireFold struct {
	Mean, Scale [][]float64
	Params      []param
	Cal         platt
	Boot        []platt
	RefIDs      []string
	RefY        []float64
	RefSex      []string
	RefSite     []string
	RefAge      []float64 // 0 when unknown (JSON has no NaN)
	RefAgeKnown []bool
	RefFeats    [][]float64
}

// MarshalBinary encodes the model: a text header with the format version
// followed by JSON. The bytes depend only on the model.
func (m *Model) MarshalBinary() ([]byte, error) {
	w := wireModel{Version: modelVersion, Head: m.head, Names: m.names, Widths: m.widths,
		Options: m.opt, ValP: m.valP, ValY: m.valY}
	w.Options.Workers = 0 // never changes results, so never stored
	for id := range m.trainFold {
		w.Train = append(w.Train, id)
	}
	slices.Sort(w.Train)
	for _, id := range w.Train {
		w.TrainFold = append(w.TrainFold, m.trainFold[id])
	}
	for _, f := range m.folds {
		w.Folds = append(w.Folds, f.wire())
	}
	body, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("graphfusion: encoding model: %w", err)
	}
	return append([]byte(modelMagic), body...), nil
}

func (f *foldModel) wire() wireFold {
	w := wireFold{Mean: f.std.Mean, Scale: f.std.Scale, Params: f.params, Cal: f.cal,
		Boot: f.boot, RefIDs: f.ref.ids, RefY: f.ref.y, RefFeats: f.ref.feats}
	for _, p := range f.ref.pheno {
		known := !math.IsNaN(p.Age)
		w.RefSex, w.RefSite = append(w.RefSex, p.Sex), append(w.RefSite, p.Site)
		w.RefAge = append(w.RefAge, cond(known, p.Age, 0))
		w.RefAgeKnown = append(w.RefAgeKnown, known)
	}
	return w
}

// UnmarshalModel decodes a model written by MarshalBinary, refusing other
// formats and versions.
func UnmarshalModel(b []byte) (*Model, error) {
	body, ok := bytes.CutPrefix(b, []byte(modelMagic))
	if !ok {
		return nil, fmt.Errorf("%w: not a graphfusion model file", ErrInvalidInput)
	}
	var w wireModel
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("%w: model file: %v", ErrInvalidInput, err)
	}
	if w.Version != modelVersion {
		return nil, fmt.Errorf("%w: model file version %d, this build reads version %d",
			ErrUnsupported, w.Version, modelVersion)
	}
	return w.model()
}

func (w wireModel) model() (*Model, error) {
	spec, err := parseHead(w.Head, w.Names)
	if err != nil {
		return nil, err
	}
	spec.alpha = w.Options.residual()
	if len(w.Train) != len(w.TrainFold) || len(w.Folds) != w.Options.Model.Folds ||
		len(w.Widths) != len(w.Names) {
		return nil, fmt.Errorf("%w: model file is inconsistent", ErrInvalidInput)
	}
	m := &Model{head: w.Head, spec: spec, names: w.Names, widths: w.Widths, opt: w.Options,
		trainFold: map[string]int{}, valP: w.ValP, valY: w.ValY}
	m.opt.Workers = 1
	for i, id := range w.Train {
		m.trainFold[id] = w.TrainFold[i]
	}
	for k, wf := range w.Folds {
		f, err := wf.fold(m)
		if err != nil {
			return nil, fmt.Errorf("%w: model file fold %d: %v", ErrInvalidInput, k, err)
		}
		m.folds = append(m.folds, f)
	}
	return m, nil
}

func (wf wireFold) fold(m *Model) (*foldModel, error) {
	n := len(wf.RefIDs)
	if len(wf.RefY) != n || len(wf.RefAge) != n || len(wf.RefAgeKnown) != n ||
		len(wf.RefSex) != n || len(wf.RefSite) != n || len(wf.RefFeats) != len(m.widths) ||
		len(wf.Boot) != bootstraps || len(wf.Mean) != len(m.widths) {
		return nil, fmt.Errorf("reference sizes disagree")
	}
	want := m.spec.initParams(nil, inWidths(m.widths), m.opt.Model.Hidden)
	if len(want) != len(wf.Params) {
		return nil, fmt.Errorf("%d weight matrices, want %d", len(wf.Params), len(want))
	}
	for i, p := range wf.Params {
		if p.Rows != want[i].Rows || p.Cols != want[i].Cols || len(p.W) != p.Rows*p.Cols {
			return nil, fmt.Errorf("weight %s has the wrong size", p.Name)
		}
	}
	for v, f := range wf.RefFeats {
		if len(f) != n*(m.widths[v]+1) || len(wf.Mean[v]) != m.widths[v] {
			return nil, fmt.Errorf("view %d has the wrong width", v)
		}
	}
	f := &foldModel{std: standardiser{Mean: wf.Mean, Scale: wf.Scale}, params: wf.Params,
		cal: wf.Cal, boot: wf.Boot}
	f.ref = reference{ids: wf.RefIDs, y: wf.RefY, feats: wf.RefFeats}
	for i := range n {
		age := cond(wf.RefAgeKnown[i], wf.RefAge[i], math.NaN())
		f.ref.pheno = append(f.ref.pheno,
			Phenotype{Sex: wf.RefSex[i], Site: wf.RefSite[i], Age: age})
	}
	f.ref.unit = unit(f.ref.feats, n)
	if m.spec.kind == kindGraph {
		f.ref.graph = buildRefGraph(m.opt.Graph, f.ref.unit, f.ref.pheno)
	}
	return f, nil
}

func cond(ok bool, a, b float64) float64 {
	if ok {
		return a
	}
	return b
}
