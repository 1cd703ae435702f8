package encoders

import (
	"context"
	"fmt"
	"math"

	"github.com/clinfuse/clinfuse/schemas"
)

// The modality names, also the view names of Embeddings, in this order.
const (
	Imaging  = "imaging"
	Records  = "records"
	Variants = "variants"
)

// Inputs holds one row per patient for each modality. A modality slice may be
// nil as a whole (no patient has it) or hold nil for a patient without it;
// otherwise all non-nil slices have the same length, the number of patients.
type Inputs struct {
	// ImageShape is slices, rows, cols of each study tensor.
	ImageShape [3]int
	// Image holds each patient's study, slice-major, values in [0,1] (NaN
	// counts as 0 and values outside are clipped); nil when the patient has
	// no study.
	Image [][]float32
	// Records holds each patient's raw (not normalised) record features;
	// NaN marks a missing value. Nil when the patient has no records.
	Records [][]float64
	// Variants holds each patient's gene-burden features (counts); nil when
	// the patient has no variant data.
	Variants [][]float64
}

// Options controls Fit.
type Options struct {
	// Model supplies EmbeddingWidth, Hidden, EncoderHidden, Dropout,
	// LearningRate, WeightDecay, PretrainEpochs, ModalityDropout,
	// SliceContrastWeight and ContrastiveWeight (see the package doc for
	// how each is used). Epochs, Patience and the fusion settings belong to
	// the fusion heads and are ignored here.
	Model schemas.ModelConfig
	// Seed is the only source of randomness.
	Seed uint64
	// Workers bounds the goroutines of the image encoder; results never
	// depend on it. Values below 1 mean 1.
	Workers int
	// Pretrain adds the self-supervised objectives over all patients,
	// labelled or not.
	Pretrain bool
}

// Supervision adds a supervised objective on the patients with Train[i]:
// labels Y in {0,1}. Both slices have one entry per patient.
type Supervision struct {
	Y     []float64
	Train []bool
}

// Embeddings holds each view's embedding of every patient: X[view][patient]
// is a vector of the set's width, all zeros where Present[view][patient] is
// false. Names are the views the set was fitted with, in the order Imaging,
// Records, Variants.
type Embeddings struct {
	Names   []string
	X       [][][]float32
	Present [][]bool
}

// Set is a fitted group of encoders, one per modality seen in training,
// with their normalisation statistics. A Set is safe for concurrent Encode
// calls.
type Set struct {
	imageShape [3]int
	width      int
	workers    int
	views      []*view
}

// SetWorkers bounds the goroutines Encode uses; results never depend on it.
// Values below 1 mean 1. A Set from Fit starts with Options.Workers, one from
// UnmarshalSet with 1. Call it before sharing the Set between goroutines.
func (s *Set) SetWorkers(n int) { s.workers = max(n, 1) }

// view is one fitted modality.
type view struct {
	name string
	norm *normaliser // nil for images
	enc  encoder
}

// Width is the embedding width of every view.
func (s *Set) Width() int { return s.width }

// Views returns the names of the fitted views, in embedding order.
func (s *Set) Views() []string {
	out := make([]string, len(s.views))
	for i, v := range s.views {
		out[i] = v.name
	}
	return out
}

// Fit fits normalisation statistics on the patients of in, builds one
// encoder per modality that at least one patient has, and trains them as
// opt and sup say. The statistics use no label, so all patients given are
// used for them.
func Fit(ctx context.Context, in Inputs, sup *Supervision, opt Options) (*Set, error) {
	n, err := in.patients()
	if err != nil {
		return nil, err
	}
	if err := opt.validate(); err != nil {
		return nil, err
	}
	if err := sup.validate(n); err != nil {
		return nil, err
	}
	s, err := newSet(ctx, in, opt)
	if err != nil {
		return nil, err
	}
	if err := s.train(ctx, in, sup, opt); err != nil {
		return nil, err
	}
	return s, nil
}

// Encode embeds each patient with each view. A patient's embedding depends
// only on its own inputs, never on the other patients passed in.
func (s *Set) Encode(ctx context.Context, in Inputs) (*Embeddings, error) {
	n, err := in.patients()
	if err != nil {
		return nil, err
	}
	data, err := s.prepare(in, n)
	if err != nil {
		return nil, err
	}
	e := &Embeddings{}
	for i, v := range s.views {
		x, err := s.encodeView(ctx, v, data[i])
		if err != nil {
			return nil, err
		}
		e.Names = append(e.Names, v.name)
		e.X = append(e.X, x)
		e.Present = append(e.Present, presence(data[i]))
	}
	return e, nil
}

// patients checks that the modality lists agree and returns their length.
func (in Inputs) patients() (int, error) {
	n := -1
	for _, l := range []int{len(in.Image), len(in.Records), len(in.Variants)} {
		if l == 0 {
			continue
		}
		if n >= 0 && l != n {
			return 0, fmt.Errorf("%w: modality lists hold %d, %d and %d patients",
				ErrInvalidInput, len(in.Image), len(in.Records), len(in.Variants))
		}
		n = l
	}
	return max(n, 0), nil
}

func (o Options) validate() error {
	m := o.Model
	bad := func(what string) error {
		return fmt.Errorf("%w: options: %s", ErrInvalidInput, what)
	}
	switch {
	case m.EmbeddingWidth < 1 || m.Hidden < 1:
		return bad("embedding width and hidden width must be positive")
	case m.EmbeddingWidth > 4096 || m.Hidden > 4096:
		return bad("embedding width and hidden width must be at most 4096")
	case m.EncoderHidden < 0 || m.EncoderHidden > 4096:
		return bad("encoder hidden width must be in 0..4096")
	case !(m.SliceContrastWeight >= 0) || math.IsInf(m.SliceContrastWeight, 0) ||
		!(m.ContrastiveWeight >= 0) || math.IsInf(m.ContrastiveWeight, 0):
		return bad("contrastive weights must be non-negative")
	case !(m.Dropout >= 0 && m.Dropout < 1):
		return bad("dropout must be in [0, 1)")
	case !(m.ModalityDropout >= 0 && m.ModalityDropout < 1):
		return bad("modality dropout must be in [0, 1)")
	case !(m.LearningRate > 0) || math.IsInf(m.LearningRate, 0):
		return bad("learning rate must be positive")
	case !(m.WeightDecay >= 0) || math.IsInf(m.WeightDecay, 0):
		return bad("weight decay must be non-negative")
	case m.PretrainEpochs < 0:
		return bad("pretrain epochs must not be negative")
	}
	return nil
}

func (s *Supervision) validate(n int) error {
	if s == nil {
		return nil
	}
	if len(s.Y) != n || len(s.Train) != n {
		return fmt.Errorf("%w: supervision has %d labels and %d flags for %d patients",
			ErrInvalidInput, len(s.Y), len(s.Train), n)
	}
	for i, y := range s.Y {
		if s.Train[i] && y != 0 && y != 1 {
			return fmt.Errorf("%w: supervision label %d is %g, not 0 or 1", ErrInvalidInput, i, y)
		}
	}
	return nil
}

// presence reports which rows are present.
func presence(rows [][]float32) []bool {
	out := make([]bool, len(rows))
	for i, r := range rows {
		out[i] = r != nil
	}
	return out
}
