package encoders

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// cnnLayers is the number of convolutions of the image encoder.
const cnnLayers = 3

// cnn is the image encoder (see the package doc): a trunk of three 3x3
// convolutions of stride 2 and padding 1 with ReLU (channels hidden/4,
// hidden/2 and hidden, at least 1), whose feature maps are averaged over
// their positions, concatenated, standardised with saved statistics and
// averaged over the study's slices into the descriptor; a projector maps
// the descriptor to the embedding.
type cnn struct {
	shape     [3]int
	hidden    int
	geoms     [cnnLayers]convGeom
	convW     [cnnLayers]*param // [outC, inC*9]
	convB     [cnnLayers]*param // [outC]
	descMean  *param            // [1, descLen], fitted statistics, not learnt
	descScale *param            // [1, descLen]
	proj      *projector
	// learnTrunk makes the convolutions learnable in a training graph;
	// otherwise they enter it as constants.
	learnTrunk bool
}

// newCNN builds the image encoder for studies of shape sh with a projector
// of hidden width projHidden; with a nil rng its weights are zero (and its
// descriptor statistics the identity).
func newCNN(sh [3]int, hidden, projHidden, width int, dropout float64, rng *rand.Rand) *cnn {
	c := &cnn{shape: sh, hidden: hidden}
	channels := [cnnLayers + 1]int{1, max(1, hidden/4), max(1, hidden/2), hidden}
	h, w := sh[1], sh[2]
	for l := range cnnLayers {
		g := newConvGeom(channels[l], h, w, channels[l+1], 3, 2, 1)
		c.geoms[l] = g
		c.convW[l] = newParam(fmt.Sprintf("imaging.conv%d.w", l+1), g.outC, g.depth())
		c.convB[l] = newParam(fmt.Sprintf("imaging.conv%d.b", l+1), g.outC)
		h, w = g.outH, g.outW
	}
	c.descMean = newParam("imaging.desc.mean", 1, c.descLen())
	c.descScale = newParam("imaging.desc.scale", 1, c.descLen())
	c.descScale.fill(1)
	if rng != nil {
		c.initTrunk(rng)
	}
	c.proj = newProjector("imaging.proj", c.descLen(), projHidden, width, dropout, rng)
	return c
}

// initTrunk draws the convolutions. The first layer's filters are
// non-negative (He-bounded magnitudes) and channel k's bias is
// -t_k*sum(filter) with thresholds t_k spread evenly over (0, 1), so that
// channel k responds to local intensity above t_k, like a bank of windows
// over the windowed range; deeper layers are He uniform with zero biases.
func (c *cnn) initTrunk(rng *rand.Rand) {
	for l, g := range c.geoms {
		w := c.convW[l]
		w.initUniform(rng, heBound(g.depth()))
		if l > 0 {
			continue
		}
		for k := range g.outC {
			row := w.data[k*g.depth() : (k+1)*g.depth()]
			sum := float32(0)
			for j, v := range row {
				row[j] = max(v, -v)
				sum += row[j]
			}
			c.convB[0].data[k] = -sum * (float32(k) + 0.5) / float32(g.outC)
		}
	}
}

func (c *cnn) inputLen() int { return c.shape[0] * c.shape[1] * c.shape[2] }
func (c *cnn) width() int    { return c.proj.out }

// descLen is the total number of channels of the three feature maps.
func (c *cnn) descLen() int {
	n := 0
	for _, g := range c.geoms {
		n += g.outC
	}
	return n
}

func (c *cnn) arch() arch {
	return arch{Kind: "cnn", In: c.inputLen(), Hidden: c.hidden, Out: c.proj.out,
		ProjHidden: c.proj.hidden, Shape: c.shape}
}

func (c *cnn) params() []*param {
	var ps []*param
	for l := range cnnLayers {
		ps = append(ps, c.convW[l], c.convB[l])
	}
	ps = append(ps, c.descMean, c.descScale)
	return append(ps, c.proj.w...)
}

func (c *cnn) initDecoder(rng *rand.Rand) { c.proj.initDecoder(rng) }

// pooled returns the per-slice pooled features [rows*slices, descLen] of
// x, before standardisation.
func (c *cnn) pooled(b *builder, x *G.Node, rows int) *G.Node {
	n := rows * c.shape[0]
	h := b.reshape(x, n, 1, c.shape[1], c.shape[2])
	parts := make(G.Nodes, cnnLayers)
	for l, g := range c.geoms {
		w, bias := b.weight(c.convW[l], c.learnTrunk), b.weight(c.convB[l], c.learnTrunk)
		h = b.conv(h, g, w, bias, actReLU, l == 0)
		parts[l] = b.globalMean(h)
	}
	if b.err != nil {
		return nil
	}
	return b.apply(G.Concat(1, parts...))
}

func (c *cnn) describe(b *builder, x *G.Node, rows int) (*G.Node, []*G.Node) {
	d := b.standardise(c.pooled(b, x, rows), c.descMean, c.descScale)
	slices := c.shape[0]
	desc := b.meanOfSlices(d, rows, slices, -1)
	if !b.train || slices < 2 {
		return desc, nil
	}
	return desc, []*G.Node{b.meanOfSlices(d, rows, slices, 0), b.meanOfSlices(d, rows, slices, 1)}
}

func (c *cnn) project(b *builder, d *G.Node) *G.Node { return c.proj.project(b, d) }
func (c *cnn) decode(b *builder, e *G.Node) *G.Node  { return c.proj.decode(b, e) }

// reshape views x with a new shape.
func (b *builder) reshape(x *G.Node, shape ...int) *G.Node {
	if b.err != nil {
		return nil
	}
	return b.apply(G.Reshape(x, tensor.Shape(shape)))
}

// standardise maps each column j of x [n, d] to (x_j - mean_j) / scale_j, as
// a dense layer with constant diagonal weights.
func (b *builder) standardise(x *G.Node, mean, scale *param) *G.Node {
	if b.err != nil {
		return nil
	}
	d := len(mean.data)
	w, wb := b.bound("desc.inv", d, d)
	c, cb := b.bound("desc.shift", 1, d)
	for j := range d {
		wb[j*d+j] = 1 / scale.data[j]
		cb[j] = -mean.data[j] / scale.data[j]
	}
	return b.dense(x, w, c)
}

// meanOfSlices averages groups of slices consecutive rows of x [rows*slices,
// width] into [rows, width], as a product with a constant pooling matrix:
// all slices with parity -1, else the slices whose index has that parity.
func (b *builder) meanOfSlices(x *G.Node, rows, slices, parity int) *G.Node {
	if b.err != nil || (slices == 1 && parity < 0) {
		return x
	}
	pool, buf := b.bound(fmt.Sprintf("slice.mean%d", parity), rows, rows*slices)
	count := 0
	for s := range slices {
		if parity < 0 || s%2 == parity {
			count++
		}
	}
	for r := range rows {
		for s := range slices {
			if parity < 0 || s%2 == parity {
				buf[r*rows*slices+r*slices+s] = 1 / float32(count)
			}
		}
	}
	return b.apply(G.Mul(pool, x))
}
