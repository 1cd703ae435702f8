package encoders

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// opBase carries the methods every custom gorgonia Op of the package shares.
// desc names the op and all its parameters: gorgonia merges nodes whose op
// hashes and children are equal, so two ops may share a desc only when they
// compute the same thing.
type opBase struct {
	desc  string
	arity int
	// dims lists the number of dimensions of each input and, last, of the
	// output; 0 is a scalar.
	dims []int
}

func (o opBase) Arity() int            { return o.arity }
func (o opBase) ReturnsPtr() bool      { return false }
func (o opBase) CallsExtern() bool     { return false }
func (o opBase) OverwritesInput() int  { return -1 }
func (o opBase) String() string        { return o.desc }
func (o opBase) WriteHash(h hash.Hash) { fmt.Fprint(h, o.desc) }

func (o opBase) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}

// Type is a function of tensors of one element type (a), with the dims of
// each input and of the output.
func (o opBase) Type() hm.Type {
	a := hm.TypeVariable('a')
	ts := make([]hm.Type, len(o.dims))
	for i, d := range o.dims {
		ts[i] = a
		if d > 0 {
			ts[i] = &G.TensorType{Dims: d, Of: a}
		}
	}
	return hm.NewFnType(ts...)
}

// floats returns the float32 elements of a dense, contiguous value.
func floats(v G.Value) ([]float32, error) {
	switch t := v.(type) {
	case *tensor.Dense:
		d, ok := t.Data().([]float32)
		if !ok || len(d) != t.Shape().TotalSize() {
			return nil, fmt.Errorf("%w: op input is not a contiguous float32 tensor",
				ErrInvalidInput)
		}
		return d, nil
	case *G.F32:
		return []float32{float32(*t)}, nil
	}
	return nil, fmt.Errorf("%w: op input of type %T", ErrInvalidInput, v)
}

// scalarOf returns the single float of a scalar or one-element value.
func scalarOf(v G.Value) (float64, error) {
	d, err := floats(v)
	if err != nil {
		return 0, err
	}
	if len(d) != 1 {
		return 0, fmt.Errorf("%w: expected a scalar, got %d values", ErrInvalidInput, len(d))
	}
	return float64(d[0]), nil
}

// inputsOf converts all op inputs with floats.
func inputsOf(vs []G.Value) ([][]float32, error) {
	out := make([][]float32, len(vs))
	for i, v := range vs {
		d, err := floats(v)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

// dense wraps data as a tensor of the given shape.
func dense(data []float32, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// shapeOf returns input i's shape during shape inference.
func shapeOf(in []G.DimSizer, i int) (tensor.Shape, error) {
	if i >= len(in) {
		return nil, fmt.Errorf("%w: op has %d inputs, wanted %d", ErrInvalidInput, len(in), i+1)
	}
	s, ok := in[i].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("%w: op input %d has no shape", ErrInvalidInput, i)
	}
	return s, nil
}
