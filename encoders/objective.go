package encoders

import (
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
)

// stepFeeds are the data inputs of the training graph and their buffers,
// which fill rewrites before every step.
type stepFeeds struct {
	xb           [][]float32 // per view: raw rows
	kb, nb, wb   [][]float32 // per view: corruption keep mask, noise, row weights
	sliceValid   []float32   // studies present (slice objective), nil without it
	pairs        [][2]int    // view pairs of the cross-modal InfoNCE terms
	vb           [][]float32
	mb, yb, sw   []float32 // supervised mask [rows, views], labels, weights
	shown        [][]bool  // [view][row] after modality dropout
	sliceViewIdx int       // the view of the slice objective
}

// bound adds an input node bound to a zeroed buffer, and returns both.
func (b *builder) bound(name string, shape ...int) (*G.Node, []float32) {
	n := b.input(name, shape...)
	size := 1
	for _, d := range shape {
		size *= d
	}
	buf := make([]float32, size)
	if err := G.Let(n, dense(buf, shape...)); err != nil && b.err == nil {
		b.err = err
	}
	return n, buf
}

// build adds every encoder and the objectives to a new graph and returns
// the total cost.
func (t *trainer) build() (*G.Node, error) {
	t.b = newBuilder(true, t.opt.Workers)
	b, f, rows := t.b, &t.feeds, t.batch
	views := len(t.s.views)
	f.xb = make([][]float32, views)
	f.kb, f.nb, f.wb = make([][]float32, views), make([][]float32, views), make([][]float32, views)
	f.shown = make([][]bool, views)
	embs := make(G.Nodes, views)
	var terms G.Nodes
	for k, v := range t.s.views {
		f.shown[k] = make([]bool, rows)
		var x *G.Node
		x, f.xb[k] = b.bound(v.name+".x", rows, v.enc.inputLen())
		desc, halves := v.enc.describe(b, x, rows)
		embs[k] = v.enc.project(b, desc)
		if t.pretrain {
			terms = append(terms, t.reconstruction(k, desc))
		}
		if t.pretrain && halves != nil && t.opt.Model.SliceContrastWeight > 0 {
			terms = append(terms, t.sliceTerm(k, halves))
		}
	}
	if t.pretrain && t.opt.Model.ContrastiveWeight > 0 {
		terms = append(terms, t.contrastive(embs)...)
	}
	if t.supervised {
		terms = append(terms, t.supervisedTerm(embs))
	}
	return b.sum(terms), b.err
}

// reconstruction adds view k's denoising autoencoder term: the projector
// sees the corrupted descriptor and the decoder must rebuild the clean one.
func (t *trainer) reconstruction(k int, desc *G.Node) *G.Node {
	b, f, v := t.b, &t.feeds, t.s.views[k]
	d := v.enc.descLen()
	var keep, noise, roww *G.Node
	keep, f.kb[k] = b.bound(v.name+".keep", t.batch, d)
	noise, f.nb[k] = b.bound(v.name+".noise", t.batch, d)
	roww, f.wb[k] = b.bound(v.name+".roww", t.batch)
	if b.err != nil {
		return nil
	}
	noisy := b.apply(G.Add(desc, noise))
	corrupted := b.apply(G.ApplyOp(newMaskOp(2), noisy, keep))
	rec := v.enc.decode(b, v.enc.project(b, corrupted))
	if b.err != nil {
		return nil
	}
	return b.apply(weightedMSE(rec, desc, roww, 1))
}

// sliceTerm adds the InfoNCE term between the embeddings of the two halves
// of each study's slices, through a linear projection head.
func (t *trainer) sliceTerm(k int, halves []*G.Node) *G.Node {
	b, f, v := t.b, &t.feeds, t.s.views[k]
	head := newParam(v.name+".slice.proj", t.s.width, t.s.width)
	head.initUniform(newRand(t.opt.Seed, saltHeads+2), glorotBound(t.s.width, t.s.width))
	var valid *G.Node
	valid, f.sliceValid = b.bound("slice.valid", t.batch)
	f.sliceViewIdx = k
	if b.err != nil {
		return nil
	}
	za := b.apply(G.Mul(v.enc.project(b, halves[0]), b.param(head)))
	zb := b.apply(G.Mul(v.enc.project(b, halves[1]), b.param(head)))
	if b.err != nil {
		return nil
	}
	return b.apply(infoNCE(za, zb, valid, nceTau, t.opt.Model.SliceContrastWeight))
}

// contrastive adds one InfoNCE term per pair of views, on linear
// projections of the embeddings.
func (t *trainer) contrastive(embs G.Nodes) G.Nodes {
	b, f := t.b, &t.feeds
	if len(embs) < 2 {
		return nil
	}
	proj := make(G.Nodes, len(embs))
	rng := newRand(t.opt.Seed, saltHeads)
	for k, v := range t.s.views {
		p := newParam(v.name+".proj", t.s.width, t.s.width)
		p.initUniform(rng, glorotBound(t.s.width, t.s.width))
		if b.err == nil {
			proj[k] = b.apply(G.Mul(embs[k], b.param(p)))
		}
	}
	weight := t.opt.Model.ContrastiveWeight
	var terms G.Nodes
	for a := range embs {
		for c := a + 1; c < len(embs); c++ {
			valid, buf := b.bound("nce.valid", t.batch)
			f.pairs = append(f.pairs, [2]int{a, c})
			f.vb = append(f.vb, buf)
			if b.err == nil {
				terms = append(terms, b.apply(infoNCE(proj[a], proj[c], valid, nceTau, weight)))
			}
		}
	}
	return terms
}

// supervisedTerm adds a logistic head per view and the fused cross-entropy.
func (t *trainer) supervisedTerm(embs G.Nodes) *G.Node {
	b, f, views := t.b, &t.feeds, len(embs)
	rng := newRand(t.opt.Seed, saltHeads+1)
	logits := make(G.Nodes, views)
	for k, v := range t.s.views {
		w, c := newParam(v.name+".head.w", t.s.width, 1), newParam(v.name+".head.b", 1, 1)
		w.initUniform(rng, glorotBound(t.s.width, 1))
		logits[k] = b.linear(embs[k], w, c)
	}
	all := logits[0]
	if views > 1 && b.err == nil {
		all = b.apply(G.Concat(1, logits...))
	}
	var mask, y, w *G.Node
	mask, f.mb = b.bound("sup.mask", t.batch, views)
	y, f.yb = b.bound("sup.y", t.batch)
	w, f.sw = b.bound("sup.w", t.batch)
	if b.err != nil {
		return nil
	}
	return b.apply(fusedBCE(all, mask, y, w, supWeight))
}

// sum adds the scalar terms.
func (b *builder) sum(terms G.Nodes) *G.Node {
	if b.err != nil || len(terms) == 0 {
		return nil
	}
	if len(terms) == 1 {
		return terms[0]
	}
	return b.apply(G.ReduceAdd(terms))
}

// fill writes the inputs for the patients idx (one per row).
func (t *trainer) fill(idx []int) {
	t.dropModalities(idx)
	for k := range t.s.views {
		t.fillView(k, idx)
	}
	f := &t.feeds
	if f.sliceValid != nil {
		for r, p := range idx {
			f.sliceValid[r] = boolFloat(t.data[f.sliceViewIdx][p] != nil)
		}
	}
	for q, pair := range f.pairs {
		for r := range idx {
			f.vb[q][r] = boolFloat(f.shown[pair[0]][r] && f.shown[pair[1]][r])
		}
	}
	if t.supervised {
		t.fillSupervision(idx)
	}
}

// dropModalities decides which present modalities each row shows to the
// fused objectives.
func (t *trainer) dropModalities(idx []int) {
	present := make([]bool, len(t.s.views))
	for r, p := range idx {
		for k := range t.s.views {
			present[k] = t.data[k][p] != nil
		}
		shown := dropModalities(present, t.opt.Model.ModalityDropout, t.rngAug)
		for k := range t.s.views {
			t.feeds.shown[k][r] = shown[k]
		}
	}
}

// fillView writes view k's rows and their corruption. Each row draws from
// its own stream, seeded in row order from the augmentation stream, so rows
// can be filled in parallel with the same result for any number of
// workers.
func (t *trainer) fillView(k int, idx []int) {
	f, v := &t.feeds, t.s.views[k]
	d, dd := v.enc.inputLen(), v.enc.descLen()
	present := 0
	seeds := make([]uint64, len(idx))
	for r, p := range idx {
		if t.data[k][p] != nil {
			present++
		}
		seeds[r] = t.rngAug.Uint64()
	}
	parallelFor(t.opt.Workers, len(idx), func(_, r int) {
		x := f.xb[k][r*d : (r+1)*d]
		clean := t.data[k][idx[r]]
		var keep, noise []float32
		if t.pretrain {
			keep, noise = f.kb[k][r*dd:(r+1)*dd], f.nb[k][r*dd:(r+1)*dd]
			f.wb[k][r] = 0
		}
		if clean == nil {
			clear(x)
			clear(keep)
			clear(noise)
			return
		}
		rng := rand.New(rand.NewPCG(seeds[r], uint64(k)))
		t.augmentRow(rng, k, clean, x)
		if t.pretrain {
			drawCorruption(rng, keep, noise)
			f.wb[k][r] = float32(t.aeScale[k] / float64(present))
		}
	})
}

// augmentRow writes the augmented clean row into x.
func (t *trainer) augmentRow(rng *rand.Rand, k int, clean, x []float32) {
	if t.s.views[k].name == Imaging {
		drawStudyAugmentation(rng, t.s.imageShape).apply(clean, x, t.s.imageShape)
	} else {
		copy(x, clean)
	}
}

func (t *trainer) fillSupervision(idx []int) {
	f, views := &t.feeds, len(t.s.views)
	for r, p := range idx {
		for k := range views {
			f.mb[r*views+k] = boolFloat(f.shown[k][r])
		}
		f.yb[r] = float32(t.sup.Y[p])
		f.sw[r] = boolFloat(t.sup.Train[p])
	}
}

func boolFloat(b bool) float32 {
	if b {
		return 1
	}
	return 0
}

// dropModalities hides each present modality with probability p, but always
// leaves at least one of the present ones (chosen uniformly when all were
// drawn to be hidden). It draws from rng in a fixed order.
func dropModalities(present []bool, p float64, rng *rand.Rand) []bool {
	shown := make([]bool, len(present))
	var kept, have []int
	for k, ok := range present {
		if !ok {
			continue
		}
		have = append(have, k)
		if rng.Float64() >= p {
			shown[k] = true
			kept = append(kept, k)
		}
	}
	if len(kept) == 0 && len(have) > 0 {
		shown[have[rng.IntN(len(have))]] = true
	}
	return shown
}
