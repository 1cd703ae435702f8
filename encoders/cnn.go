package encoders

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// cnnLayers is the number of convolutions of the image encoder.
const cnnLayers = 3

// cnn is the image encoder. Each slice of a study goes through three 3x3
// convolutions of stride 2 and padding 1 with ReLU (channels hidden/4,
// hidden/2, hidden, at least 1), is flattened, dropped out during training,
// and projected linearly to the embedding width; the study's embedding is
// the mean of its slices' embeddings. The pretraining decoder mirrors it
// per slice: linear, ReLU, then three transposed convolutions (ReLU, ReLU,
// sigmoid) back to the slice.
type cnn struct {
	shape   [3]int
	hidden  int
	out     int
	dropout float64
	geoms   [cnnLayers]convGeom
	convW   [cnnLayers]*param // [outC, inC*9]
	convB   [cnnLayers]*param // [outC]
	projW   *param            // [hidden, out]
	projB   *param            // [1, out]
	dec     cnnDecoder
}

// cnnDecoder holds the pretraining autoencoder's own weights: the
// bottleneck from the flattened feature map, and the decoder.
type cnnDecoder struct {
	codeW, codeB *param            // [flat, out], [1, out]
	fcW, fcB     *param            // [out, flat], [1, flat]
	convW    [cnnLayers]*param // transposed convolution of layer l: [outC, inC*9]
	convB    [cnnLayers]*param // [inC]
}

// newCNN builds the image encoder for studies of shape sh; with a nil rng its
// weights are zero.
func newCNN(sh [3]int, hidden, width int, dropout float64, rng *rand.Rand) *cnn {
	c := &cnn{shape: sh, hidden: hidden, out: width, dropout: dropout}
	channels := [cnnLayers + 1]int{1, max(1, hidden/4), max(1, hidden/2), hidden}
	h, w := sh[1], sh[2]
	for l := range cnnLayers {
		g := newConvGeom(channels[l], h, w, channels[l+1], 3, 2, 1)
		c.geoms[l] = g
		c.convW[l] = newParam(fmt.Sprintf("imaging.conv%d.w", l+1), g.outC, g.depth())
		c.convB[l] = newParam(fmt.Sprintf("imaging.conv%d.b", l+1), g.outC)
		h, w = g.outH, g.outW
	}
	c.projW = newParam("imaging.proj.w", c.channels(), width)
	c.projB = newParam("imaging.proj.b", 1, width)
	if rng != nil {
		for l, g := range c.geoms {
			c.convW[l].initUniform(rng, heBound(g.depth()))
		}
		c.projW.initUniform(rng, glorotBound(c.channels(), width))
	}
	return c
}

// flat is the length of a slice's flattened feature map.
func (c *cnn) flat() int { return c.geoms[cnnLayers-1].outSize() }

// channels is the number of channels of the last feature map.
func (c *cnn) channels() int { return c.geoms[cnnLayers-1].outC }

func (c *cnn) inputLen() int { return c.shape[0] * c.shape[1] * c.shape[2] }
func (c *cnn) width() int    { return c.out }

func (c *cnn) arch() arch {
	return arch{Kind: "cnn", In: c.inputLen(), Hidden: c.hidden, Out: c.out, Shape: c.shape}
}

func (c *cnn) params() []*param {
	var ps []*param
	for l := range cnnLayers {
		ps = append(ps, c.convW[l], c.convB[l])
	}
	return append(ps, c.projW, c.projB)
}

func (c *cnn) initDecoder(rng *rand.Rand) {
	d := &c.dec
	d.codeW = newParam("imaging.code.w", c.flat(), c.out)
	d.codeB = newParam("imaging.code.b", 1, c.out)
	d.codeW.initUniform(rng, glorotBound(c.flat(), c.out))
	d.fcW = newParam("imaging.dec.fc.w", c.out, c.flat())
	d.fcB = newParam("imaging.dec.fc.b", 1, c.flat())
	d.fcW.initUniform(rng, heBound(c.out))
	for l, g := range c.geoms {
		d.convW[l] = newParam(fmt.Sprintf("imaging.dec.conv%d.w", l+1), g.outC, g.depth())
		d.convB[l] = newParam(fmt.Sprintf("imaging.dec.conv%d.b", l+1), g.inC)
		d.convW[l].initUniform(rng, heBound(g.outC*g.k*g.k/(g.stride*g.stride)))
	}
}

// embed runs the slices of rows studies as one batch of rows*slices
// single-channel images; code is the per-slice embedding [rows*slices,
// width].
func (c *cnn) embed(b *builder, x *G.Node, rows int) (emb, code *G.Node) {
	slices := c.shape[0]
	h := b.reshape(x, rows*slices, 1, c.shape[1], c.shape[2])
	for l, g := range c.geoms {
		h = b.conv(h, g, c.convW[l], c.convB[l], actReLU, l == 0)
	}
	if c.dec.codeW != nil {
		flat := b.dropout(b.reshape(h, rows*slices, c.flat()), c.dropout)
		code = b.dense(flat, c.dec.codeW, c.dec.codeB)
	}
	last := c.geoms[cnnLayers-1]
	pooled := b.globalMean(h, rows*slices, last.outC, last.outH*last.outW)
	emb = b.dense(b.dropout(pooled, c.dropout), c.projW, c.projB)
	return b.meanOfSlices(emb, rows, slices), code
}

// globalMean averages x [n, c, h, w] over its positions, giving [n, c], as
// a product with a constant averaging column.
func (b *builder) globalMean(x *G.Node, n, c, hw int) *G.Node {
	if b.err != nil {
		return nil
	}
	avg, buf := b.bound("global.mean", hw, 1)
	for i := range buf {
		buf[i] = 1 / float32(hw)
	}
	m := b.apply(G.Mul(b.reshape(x, n*c, hw), avg))
	return b.reshape(m, n, c)
}

func (c *cnn) decode(b *builder, code *G.Node, rows int) *G.Node {
	n := rows * c.shape[0]
	last := c.geoms[cnnLayers-1]
	h := b.relu(b.dense(code, c.dec.fcW, c.dec.fcB))
	h = b.reshape(h, n, last.outC, last.outH, last.outW)
	for l := cnnLayers - 1; l >= 0; l-- {
		act := actReLU
		if l == 0 {
			act = actSigmoid
		}
		h = b.convT(h, c.geoms[l], c.dec.convW[l], c.dec.convB[l], act)
	}
	return b.reshape(h, rows, c.inputLen())
}

// reshape views x with a new shape.
func (b *builder) reshape(x *G.Node, shape ...int) *G.Node {
	if b.err != nil {
		return nil
	}
	return b.apply(G.Reshape(x, tensor.Shape(shape)))
}

// meanOfSlices averages consecutive groups of slices rows of x [rows*slices,
// width] into [rows, width], as a product with a constant pooling matrix.
func (b *builder) meanOfSlices(x *G.Node, rows, slices int) *G.Node {
	if b.err != nil || slices == 1 {
		return x
	}
	pool, buf := b.bound("slice.mean", rows, rows*slices)
	for r := range rows {
		for s := range slices {
			buf[r*rows*slices+r*slices+s] = 1 / float32(slices)
		}
	}
	return b.apply(G.Mul(pool, x))
}
