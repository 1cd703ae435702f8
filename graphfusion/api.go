package graphfusion

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/clinfuse/clinfuse/schemas"
)

// Errors returned by the package, for errors.Is.
var (
	// ErrInvalidInput reports a dataset or option that cannot be used.
	ErrInvalidInput = errors.New("graphfusion: invalid input")
	// ErrUnsupported reports a model file version or head this build lacks.
	ErrUnsupported = errors.New("graphfusion: unsupported")
	// ErrTooFewLabels reports labels from which a fold model cannot learn:
	// its training patients lack a class. It is an ErrInvalidInput.
	ErrTooFewLabels = fmt.Errorf("%w: too few labels", ErrInvalidInput)
)

// View is one modality: per patient an embedding, ignored when the
// patient's Present flag is false.
type View struct {
	Name    string
	X       [][]float32
	Present []bool
}

// Phenotype is what the graph compares besides embeddings. Empty strings
// and a NaN age mean unknown.
type Phenotype struct {
	Sex, Site string
	Age       float64
}

// Dataset is a set of patients. Pheno may be nil (all unknown); Y may be
// nil when scoring.
type Dataset struct {
	IDs   []string
	Views []View
	Pheno []Phenotype
	// Y is 1 for diagnosed and 0 for undiagnosed (positive-unlabelled).
	Y []float64
}

// Options are the settings of a fit.
type Options struct {
	Graph schemas.GraphConfig
	Model schemas.ModelConfig
	// Residual is the graph head's initial-residual share α (see the
	// package doc), in [0,1]; 0 keeps the default, 0.8.
	Residual float64
	Seed     uint64
	Workers  int
}

// residual returns the graph head's α.
func (o Options) residual() float64 {
	if o.Residual == 0 {
		return graphAlpha
	}
	return o.Residual
}

// Neighbour is a similar reference patient and its label.
type Neighbour struct {
	ID         string
	Similarity float64
	Label      float64
}

// Edge is a graph edge from a scored patient to a reference patient, with
// its weight before normalisation.
type Edge struct {
	From, To string
	Weight   float64
}

// Scores are the outputs of Model.Score, indexed like the scored dataset.
type Scores struct {
	// Risk is the calibrated probability; Low and High bound its 95%
	// calibration interval.
	Risk, Low, High []float64
	// Contrib[i][v] is the risk with all views minus the risk with view v
	// withheld (0 for a view the patient lacks).
	Contrib [][]float64
	// Used[i][v] tells which views were present.
	Used [][]bool
	// Similar lists up to Graph.K most similar reference patients, most
	// similar first.
	Similar [][]Neighbour
	// Fused is the fused representation (see the package doc per head).
	Fused [][]float32
	// Edges joins scored patients to the reference patients they link to.
	Edges []Edge
}

// patient is one validated row of a Dataset.
type patient struct {
	id      string
	x       [][]float32
	present []bool
	pheno   Phenotype
	y       float64
}

// rows validates ds and returns its patients; widths gives each view's
// embedding width (nil to take them from ds).
func rows(ds Dataset, needY bool, widths []int) ([]patient, []int, error) {
	n := len(ds.IDs)
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidInput}, a...)...)
	}
	if needY && len(ds.Y) != n {
		return nil, nil, bad("%d labels for %d patients", len(ds.Y), n)
	}
	if ds.Pheno != nil && len(ds.Pheno) != n {
		return nil, nil, bad("%d phenotypes for %d patients", len(ds.Pheno), n)
	}
	if len(ds.Views) == 0 {
		return nil, nil, bad("no views")
	}
	w, err := viewWidths(ds, widths)
	if err != nil {
		return nil, nil, err
	}
	seen := make(map[string]bool, n)
	ps := make([]patient, n)
	for i, id := range ds.IDs {
		if id == "" || seen[id] {
			return nil, nil, bad("patient %d: empty or repeated identifier", i)
		}
		seen[id] = true
		p, err := onePatient(ds, i, w, needY)
		if err != nil {
			return nil, nil, err
		}
		ps[i] = p
	}
	return ps, w, nil
}

func viewWidths(ds Dataset, want []int) ([]int, error) {
	n := len(ds.IDs)
	w := make([]int, len(ds.Views))
	for v, view := range ds.Views {
		if len(view.X) != n || len(view.Present) != n {
			return nil, fmt.Errorf("%w: view %d has %d rows and %d flags for %d patients",
				ErrInvalidInput, v, len(view.X), len(view.Present), n)
		}
		w[v] = -1
		for i, ok := range view.Present {
			if ok {
				w[v] = len(view.X[i])
				break
			}
		}
		if want != nil {
			if w[v] >= 0 && w[v] != want[v] {
				return nil, fmt.Errorf("%w: view %d has width %d, the model expects %d",
					ErrInvalidInput, v, w[v], want[v])
			}
			w[v] = want[v]
		}
		if w[v] <= 0 {
			return nil, fmt.Errorf("%w: view %d has no present patient with data",
				ErrInvalidInput, v)
		}
	}
	return w, nil
}

func onePatient(ds Dataset, i int, w []int, needY bool) (patient, error) {
	p := patient{id: ds.IDs[i], pheno: Phenotype{Age: math.NaN()}}
	if ds.Pheno != nil {
		p.pheno = ds.Pheno[i]
	}
	if needY {
		p.y = ds.Y[i]
		if p.y != 0 && p.y != 1 {
			return p, fmt.Errorf("%w: patient %d: label must be 0 or 1", ErrInvalidInput, i)
		}
	}
	p.x = make([][]float32, len(ds.Views))
	p.present = make([]bool, len(ds.Views))
	for v, view := range ds.Views {
		if !view.Present[i] {
			continue
		}
		x := view.X[i]
		if len(x) != w[v] {
			return p, fmt.Errorf("%w: patient %d view %d: width %d, want %d",
				ErrInvalidInput, i, v, len(x), w[v])
		}
		if slices.ContainsFunc(x, func(f float32) bool {
			return math.IsNaN(float64(f)) || math.IsInf(float64(f), 0)
		}) {
			return p, fmt.Errorf("%w: patient %d view %d: NaN or infinite value",
				ErrInvalidInput, i, v)
		}
		p.x[v], p.present[v] = x, true
	}
	return p, nil
}

// withheld returns a copy of p with view v marked missing.
func (p patient) withheld(v int) patient {
	q := p
	q.present = slices.Clone(p.present)
	q.present[v] = false
	return q
}

func viewNames(ds Dataset) []string {
	names := make([]string, len(ds.Views))
	for v, view := range ds.Views {
		names[v] = view.Name
	}
	return names
}
