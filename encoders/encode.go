package encoders

import (
	"context"
	"fmt"

	"github.com/clinfuse/clinfuse/internal/gorgonialock"

	G "gorgonia.org/gorgonia"
)

// encodeBatch is the fixed number of rows of the inference graph; shorter
// chunks are padded with zero rows, so every patient is encoded by the same
// computation whatever else is passed in.
const encodeBatch = maxBatch

// encodeView embeds the present rows of one view; absent rows are zero.
func (s *Set) encodeView(ctx context.Context, v *view, rows [][]float32) ([][]float32, error) {
	out, err := s.runGraph(ctx, v, rows, func(b *builder, x *G.Node) *G.Node {
		return embed(b, v.enc, x, encodeBatch)
	})
	if err != nil {
		return nil, err
	}
	for i, r := range out {
		if r == nil {
			out[i] = make([]float32, s.width)
		}
	}
	return out, nil
}

// buildInference builds build's graph over an input of encodeBatch rows of
// view v, holding gorgonialock.Mu; it returns the builder, the input's
// backing slice and the output node.
func (s *Set) buildInference(v *view, build func(b *builder, x *G.Node) *G.Node) (
	*builder, []float32, *G.Node) {
	gorgonialock.Mu.Lock()
	defer gorgonialock.Mu.Unlock()
	b := newBuilder(false, s.workers)
	x, buf := b.bound(v.name+".x", encodeBatch, v.enc.inputLen())
	return b, buf, build(b, x)
}

// runGraph evaluates, for the present rows of one view, the inference graph
// that build adds over an input of encodeBatch rows, in chunks of
// encodeBatch; absent rows give nil.
func (s *Set) runGraph(ctx context.Context, v *view, rows [][]float32,
	build func(b *builder, x *G.Node) *G.Node) ([][]float32, error) {
	out := make([][]float32, len(rows))
	var idx []int
	for i, r := range rows {
		if r != nil {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return out, nil
	}
	b, buf, y := s.buildInference(v, build)
	if b.err != nil {
		return nil, fmt.Errorf("encoders: building the %s encoder: %w", v.name, b.err)
	}
	vm := G.NewTapeMachine(b.g)
	defer vm.Close()
	for at := 0; at < len(idx); at += encodeBatch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		chunk := idx[at:min(at+encodeBatch, len(idx))]
		if err := runChunk(vm, y, buf, rows, chunk, out); err != nil {
			return nil, fmt.Errorf("encoders: encoding %s: %w", v.name, err)
		}
	}
	return out, nil
}

// runChunk evaluates the rows chunk (at most encodeBatch of them) into out.
func runChunk(vm G.VM, y *G.Node, buf []float32, rows [][]float32, chunk []int,
	out [][]float32) error {
	d := len(buf) / encodeBatch
	clear(buf)
	for r, i := range chunk {
		copy(buf[r*d:(r+1)*d], rows[i])
	}
	defer vm.Reset()
	if err := vm.RunAll(); err != nil {
		return err
	}
	e, err := floats(y.Value())
	if err != nil {
		return err
	}
	w := len(e) / encodeBatch
	for r, i := range chunk {
		out[i] = append([]float32(nil), e[r*w:(r+1)*w]...)
	}
	return nil
}
