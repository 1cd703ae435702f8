package encoders

import (
	"context"
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
)

// maxFeatures bounds the width of a feature vector and maxImageValues the
// floats of one study, so that a corrupt input cannot ask for unbounded
// memory.
const (
	maxFeatures    = 1 << 16
	maxImageValues = 1 << 22
)

// newSet fits the normalisers and builds (untrained) encoders for every
// modality present in in.
func newSet(ctx context.Context, in Inputs, opt Options) (*Set, error) {
	m := opt.Model
	s := &Set{width: m.EmbeddingWidth, workers: max(opt.Workers, 1)}
	rng := newRand(opt.Seed, saltInit)
	if anyPresent(in.Image) {
		if err := checkImageShape(in.ImageShape); err != nil {
			return nil, err
		}
		s.imageShape = in.ImageShape
		enc := newCNN(in.ImageShape, m.Hidden, m.EncoderHidden, m.EmbeddingWidth, m.Dropout, rng)
		v := &view{name: Imaging, enc: enc}
		if err := s.fitDescriptorStats(ctx, v, in); err != nil {
			return nil, err
		}
		s.views = append(s.views, v)
	}
	for _, t := range []struct {
		name  string
		rows  [][]float64
		log1p bool
	}{{Records, in.Records, false}, {Variants, in.Variants, true}} {
		d, err := featureWidth(t.name, t.rows)
		if err != nil {
			return nil, err
		}
		if d == 0 {
			continue
		}
		enc := newTabular(t.name, d, m.EncoderHidden, m.EmbeddingWidth, m.Dropout, rng)
		norm := fitNormaliser(t.rows, d, t.log1p)
		s.views = append(s.views, &view{name: t.name, norm: norm, enc: enc})
	}
	if len(s.views) == 0 {
		return nil, fmt.Errorf("%w: no patient has any modality", ErrInvalidInput)
	}
	return s, nil
}

func anyPresent[T any](rows [][]T) bool {
	for _, r := range rows {
		if r != nil {
			return true
		}
	}
	return false
}

func checkImageShape(sh [3]int) error {
	if sh[0] < 1 || sh[1] < 4 || sh[2] < 4 || sh[1] > 1024 || sh[2] > 1024 ||
		sh[0]*sh[1]*sh[2] > maxImageValues {
		return fmt.Errorf("%w: image shape %v (slices, rows, cols) is not usable",
			ErrInvalidInput, sh)
	}
	return nil
}

// featureWidth returns the common length of the present rows (0 if none).
func featureWidth(name string, rows [][]float64) (int, error) {
	d := 0
	for i, r := range rows {
		switch {
		case r == nil:
		case len(r) == 0 || len(r) > maxFeatures:
			return 0, fmt.Errorf("%w: %s of patient %d has %d features",
				ErrInvalidInput, name, i, len(r))
		case d != 0 && len(r) != d:
			return 0, fmt.Errorf("%w: %s of patient %d has %d features, others %d",
				ErrShapeMismatch, name, i, len(r), d)
		default:
			d = len(r)
		}
	}
	return d, nil
}

// prepare turns in into each view's network inputs: [view][patient] rows of
// inputLen floats, nil where the patient lacks the modality.
func (s *Set) prepare(in Inputs, n int) ([][][]float32, error) {
	out := make([][][]float32, len(s.views))
	for k, v := range s.views {
		rows, err := s.prepareView(v, in, n)
		if err != nil {
			return nil, err
		}
		out[k] = rows
	}
	return out, nil
}

func (s *Set) prepareView(v *view, in Inputs, n int) ([][]float32, error) {
	rows := make([][]float32, n)
	if v.name == Imaging {
		return rows, s.prepareImages(in, rows)
	}
	raw := in.Records
	if v.name == Variants {
		raw = in.Variants
	}
	for i, r := range raw {
		if r == nil {
			continue
		}
		if len(r) != v.enc.inputLen() {
			return nil, fmt.Errorf("%w: %s of patient %d has %d features, the encoder %d",
				ErrShapeMismatch, v.name, i, len(r), v.enc.inputLen())
		}
		rows[i] = make([]float32, len(r))
		v.norm.apply(r, rows[i])
	}
	return rows, nil
}

func (s *Set) prepareImages(in Inputs, rows [][]float32) error {
	if anyPresent(in.Image) && in.ImageShape != s.imageShape {
		return fmt.Errorf("%w: image shape %v, the encoder was fitted on %v",
			ErrShapeMismatch, in.ImageShape, s.imageShape)
	}
	want := s.imageShape[0] * s.imageShape[1] * s.imageShape[2]
	for i, img := range in.Image {
		if img == nil {
			continue
		}
		if len(img) != want {
			return fmt.Errorf("%w: study of patient %d has %d values, shape %v needs %d",
				ErrShapeMismatch, i, len(img), s.imageShape, want)
		}
		rows[i] = make([]float32, want)
		for j, v := range img {
			rows[i][j] = clampUnit(v)
		}
	}
	return nil
}

// clampUnit maps NaN to 0 and clips to [0, 1].
func clampUnit(v float32) float32 {
	if !(v > 0) {
		return 0
	}
	return float32(math.Min(float64(v), 1))
}

// fitDescriptorStats sets the image encoder's descriptor statistics to the
// mean and standard deviation (1 where it vanishes) of the pooled features
// of every study in, computed in row order.
func (s *Set) fitDescriptorStats(ctx context.Context, v *view, in Inputs) error {
	c := v.enc.(*cnn)
	rows := make([][]float32, len(in.Image))
	if err := s.prepareImages(in, rows); err != nil {
		return err
	}
	desc, err := s.runGraph(ctx, v, rows, func(b *builder, x *G.Node) *G.Node {
		d, _ := c.describe(b, x, encodeBatch)
		return d
	})
	if err != nil {
		return err
	}
	mean, scale := columnStats(desc)
	copy(c.descMean.data, mean)
	copy(c.descScale.data, scale)
	return nil
}

// columnStats returns the mean and standard deviation of the columns of
// the non-nil rows; a deviation that vanishes (or any non-finite one) is 1.
func columnStats(rows [][]float32) (mean, scale []float32) {
	var sum, sq []float64
	count := 0.0
	for _, r := range rows {
		if r == nil {
			continue
		}
		if sum == nil {
			sum, sq = make([]float64, len(r)), make([]float64, len(r))
		}
		for j, v := range r {
			sum[j] += float64(v)
		}
		count++
	}
	mean, scale = make([]float32, len(sum)), make([]float32, len(sum))
	for j := range sum {
		mean[j] = float32(sum[j] / count)
	}
	for _, r := range rows {
		for j, v := range r {
			d := float64(v - mean[j])
			sq[j] += d * d
		}
	}
	for j := range sq {
		sd := math.Sqrt(sq[j] / count)
		scale[j] = 1
		if sd > 1e-6 && !math.IsInf(sd, 0) {
			scale[j] = float32(sd)
		}
	}
	return mean, scale
}
