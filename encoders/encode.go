package encoders

import (
	"context"
	"fmt"

	G "gorgonia.org/gorgonia"
)

// encodeBatch is the fixed number of rows of the inference graph; shorter
// chunks are padded with zero rows, so every patient is encoded by the same
// computation whatever else is passed in.
const encodeBatch = maxBatch

// encodeView embeds the present rows of one view; absent rows stay zero.
func (s *Set) encodeView(ctx context.Context, v *view, rows [][]float32) ([][]float32, error) {
	out := make([][]float32, len(rows))
	var idx []int
	for i, r := range rows {
		out[i] = make([]float32, s.width)
		if r != nil {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return out, nil
	}
	b := newBuilder(false, s.workers)
	x, buf := b.bound(v.name+".x", encodeBatch, v.enc.inputLen())
	emb, _ := v.enc.embed(b, x, encodeBatch)
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
		if err := runChunk(vm, emb, buf, rows, chunk, out); err != nil {
			return nil, fmt.Errorf("encoders: encoding %s: %w", v.name, err)
		}
	}
	return out, nil
}

// runChunk encodes the rows chunk (at most encodeBatch of them) into out.
func runChunk(vm G.VM, emb *G.Node, buf []float32, rows [][]float32, chunk []int,
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
	e, err := floats(emb.Value())
	if err != nil {
		return err
	}
	w := len(e) / encodeBatch
	for r, i := range chunk {
		copy(out[i], e[r*w:(r+1)*w])
	}
	return nil
}
