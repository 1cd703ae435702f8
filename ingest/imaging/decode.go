package imaging

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/clinfuse/clinfuse/ingest/imaging/internal/codec"
)

// Frame is one decoded frame in physical units: the Modality LUT or
// Rescale Slope/Intercept applied (per frame where the object keeps them
// per frame), colour as interleaved RGB. MONOCHROME1 is not inverted here.
type Frame struct {
	Index, Rows, Columns, Samples int
	// Pixels holds Rows*Columns*Samples values; valid only during the
	// visit call.
	Pixels []float32
	// Position and Orientation are the frame's own geometry where known.
	Position       [3]float64
	HasPosition    bool
	Orientation    [6]float64
	HasOrientation bool
}

// ReadMeta parses the header of the file at path, up to its pixel data. A
// valid object without pixels (SR, DICOMDIR) is no error: Meta.HasPixels
// and Meta.IsDICOMDIR say what it is.
func ReadMeta(ctx context.Context, path string, lim Limits) (m Meta, err error) {
	err = withFile(ctx, path, func(r io.Reader, size int64) error {
		h, err := parseHeader(r, size, lim.orDefault())
		if err != nil {
			return err
		}
		m, err = buildMeta(h)
		return err
	})
	return m, err
}

// Decode decodes every frame of the file at path in order and calls visit
// once per frame. It holds the file's encoded pixel data and one decoded
// frame (as stored samples and as physical values) at a time. An error
// from visit stops decoding and is returned as is.
func Decode(ctx context.Context, path string, lim Limits, visit func(Meta, Frame) error) (Meta,
	error) {
	var m Meta
	var vErr error
	err := decodeFile(ctx, path, lim, &m, func(d *decoder, i int) error {
		px, err := d.physical(i)
		if err != nil {
			return err
		}
		vErr = visit(m, d.frame(i, px))
		return vErr
	})
	if vErr != nil {
		return m, vErr
	}
	return m, err
}

// physical returns frame i in physical units, reusing the decoder's
// buffer. Native 16-bit monochrome data with a linear transform, the bulk
// of CT and MR, goes straight from bytes to values (see cellConverter).
func (d *decoder) physical(i int) ([]float32, error) {
	tr, err := d.im.frameTransform(i)
	if err != nil {
		return nil, err
	}
	if conv := d.cellConverter(tr); conv != nil {
		d.px = growFloat32(d.px, d.im.samples)
		return d.px, d.enc.frame16(i, d.px, conv)
	}
	s, err := d.decodeFrame(i)
	if err != nil {
		return nil, err
	}
	d.px = toPhysical(s, tr, d.im.u32, d.px)
	return d.px, nil
}

// storedFrame returns frame i's stored samples (see decodeFrame) and the
// transform to physical units: the general path, without physical's
// shortcut.
func (d *decoder) storedFrame(i int) ([]int32, transform, error) {
	tr, err := d.im.frameTransform(i)
	if err != nil {
		return nil, tr, err
	}
	s, err := d.decodeFrame(i)
	return s, tr, err
}

// cellConverter returns a converter from native 16-bit cells to physical
// values, or nil when the general path must be taken: the vectorised C
// loop of package codec for little-endian cells whose stored bits are the
// low bits, else a table of all 65536 cells, kept between files with the
// same layout and used when the frame is large enough to repay building
// it. Both give exactly the values of the general path.
func (d *decoder) cellConverter(tr transform) func(src []byte, dst []float32) {
	if !d.im.direct16(tr) {
		return nil
	}
	spec := d.im.bitsSpec()
	if spec.shift == 0 && !d.big && codec.HasCells16() {
		return func(src []byte, dst []float32) {
			codec.Cells16(src, dst, spec.bits, spec.signed, tr.slope, tr.intercept)
		}
	}
	if d.im.samples < 1<<17 && !d.sc.t16.matches(d.im, d.big, tr) {
		return nil
	}
	if d.sc.t16 == nil {
		d.sc.t16 = new(table16)
	}
	t := d.sc.t16
	t.fill(spec, d.big, tr)
	return func(src []byte, dst []float32) { lookup16(src, dst, t) }
}

// frame wraps decoded values in a Frame with frame i's geometry.
func (d *decoder) frame(i int, px []float32) Frame {
	f := Frame{Index: i, Rows: d.im.m.Rows, Columns: d.im.m.Columns, Samples: d.im.out,
		Pixels: px}
	f.Position, f.HasPosition, f.Orientation, f.HasOrientation = d.im.geometry(i)
	return f
}

func growFloat32(b []float32, n int) []float32 {
	if cap(b) >= n {
		return b[:n]
	}
	return make([]float32, n)
}

// toPhysical applies a modality transform to stored samples.
func toPhysical(s []int32, tr transform, u32 bool, dst []float32) []float32 {
	dst = growFloat32(dst, len(s))
	switch {
	case tr.lut != nil || u32:
		for k, v := range s {
			dst[k] = float32(tr.apply(sampleInt(v, u32)))
		}
	case tr.slope == 1 && tr.intercept == 0:
		for k, v := range s {
			dst[k] = float32(v)
		}
	default:
		for k, v := range s {
			dst[k] = float32(float64(v)*tr.slope + tr.intercept)
		}
	}
	return dst
}

func sampleInt(v int32, u32 bool) int64 {
	if u32 {
		return int64(uint32(v))
	}
	return int64(v)
}

// decoder decodes the frames of one file, reusing its buffers.
type decoder struct {
	im     *image
	enc    *encoded
	big    bool
	raw    []int32
	rgb    []int32
	px     []float32
	planes []byte
	img    codec.Image
	sc     *scratch
}

// scratch is the reusable memory of one decode.
type scratch struct {
	br     *bufio.Reader
	enc    []byte
	raw    []int32
	rgb    []int32
	px     []float32
	planes []byte
	t16    *table16
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// keepLimit is the largest buffer returned to the pool.
const keepLimit = 64 << 20

func (s *scratch) release(d *decoder) {
	if d != nil {
		if d.enc != nil && cap(d.enc.native) > cap(d.enc.data) {
			s.enc = d.enc.native
		} else if d.enc != nil {
			s.enc = d.enc.data
		}
		s.raw, s.rgb, s.px, s.planes = d.raw, d.rgb, d.px, d.planes
	}
	s.br.Reset(nil)
	if cap(s.enc) > keepLimit || cap(s.raw) > keepLimit/4 || cap(s.rgb) > keepLimit/4 ||
		cap(s.px) > keepLimit/4 || cap(s.planes) > keepLimit {
		return
	}
	scratchPool.Put(s)
}

// decodeFile parses the file, reads its pixel data and calls fn for each
// frame in order; fn decodes the frame with d.decodeFrame or d.physical.
// mp receives the Meta as soon as the header is parsed, even on failure.
func decodeFile(ctx context.Context, path string, lim Limits, mp *Meta,
	fn func(d *decoder, i int) error) error {
	return withFile(ctx, path, func(r io.Reader, size int64) error {
		return decodeStream(ctx, r, size, lim, mp, fn)
	})
}

// decodeStream is decodeFile on a stream of size bytes (-1 if unknown),
// without the recover boundary.
func decodeStream(ctx context.Context, r io.Reader, size int64, lim Limits, mp *Meta,
	fn func(d *decoder, i int) error) error {
	lim = lim.orDefault()
	sc := scratchPool.Get().(*scratch)
	if sc.br == nil {
		sc.br = bufio.NewReaderSize(r, 64<<10)
	} else {
		sc.br.Reset(r)
	}
	var d *decoder
	defer func() { sc.release(d) }()
	h, err := parseHeader(sc.br, size, lim)
	if err != nil {
		return err
	}
	m, err := buildMeta(h)
	*mp = m
	if err != nil {
		return err
	}
	if d, err = newDecoder(h, m, lim, sc); err != nil {
		return err
	}
	for i := range m.Frames {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(d, i); err != nil {
			return err
		}
	}
	return nil
}

// newDecoder prepares the image and reads its pixel data.
func newDecoder(h *header, m Meta, lim Limits, sc *scratch) (*decoder, error) {
	im, err := prepare(h, m, lim)
	if err != nil {
		return nil, err
	}
	if !h.known || !decodable(h.syntax) {
		return nil, errSyntax(h.syntax)
	}
	enc, err := readPixels(h, im, lim, sc.enc[:0])
	if err != nil {
		return nil, err
	}
	d := &decoder{im: im, enc: enc, big: h.pix.big, raw: sc.raw, rgb: sc.rgb, px: sc.px,
		planes: sc.planes, sc: sc}
	if im.syn.encapsulated {
		err = mapFrames(enc, im)
	}
	return d, err
}

// decodeFrame returns frame i's stored samples, colour converted to RGB
// and palette indices expanded.
func (d *decoder) decodeFrame(i int) ([]int32, error) {
	im := d.im
	photometric := im.m.Photometric
	switch im.syn.codec {
	case codecNative:
		src, at, err := d.enc.nativeFrame(i)
		if err != nil {
			return nil, err
		}
		d.raw = im.nativeFrame(src, d.big, at, d.raw)
	case codecEncNative:
		src := d.enc.frameData(i)
		if int64(len(src))*8 < im.nativeFrameBits() {
			return nil, malformed("frame %d holds %d bytes, too few for %s", i, len(src), im)
		}
		d.raw = im.nativeFrame(src, false, 0, d.raw)
	case codecRLE:
		var err error
		d.raw, d.planes, err = im.rleFrame(d.enc.frameData(i), d.raw, d.planes)
		if err != nil {
			return nil, fmt.Errorf("frame %d: %w", i, err)
		}
	default:
		if err := d.codecFrame(i, d.enc.frameData(i)); err != nil {
			return nil, err
		}
		d.storedBits()
		photometric = d.codecColour()
	}
	if im.m.SamplesPerPixel == 3 {
		toRGB(d.raw, photometric, im.m.BitsStored)
	}
	if im.palette != nil {
		d.rgb = im.palette.apply(d.raw, d.rgb)
		return d.rgb, nil
	}
	return d.raw, nil
}

// storedBits reduces codec output to Bits Stored, two's complement when
// Pixel Representation is 1: a JPEG or JPEG-LS stream of signed data
// carries the bit patterns as unsigned values.
func (d *decoder) storedBits() {
	spec := bitsSpec{bits: uint(d.im.m.BitsStored), signed: d.im.m.PixelRepresentation == 1}
	if spec.bits >= 32 {
		return
	}
	for k, v := range d.raw {
		d.raw[k] = spec.value(uint32(v))
	}
}

// withFile opens path and runs fn behind a recover boundary; every error
// comes back as a *FileError naming the path.
func withFile(ctx context.Context, path string,
	fn func(r io.Reader, size int64) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &FileError{Path: path, Err: malformed("decoder fault: %v", r)}
		}
	}()
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return &FileError{Path: path, Err: err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return &FileError{Path: path, Err: err}
	}
	if err := fn(f, st.Size()); err != nil {
		if ctx.Err() != nil && err == ctx.Err() {
			return err
		}
		return &FileError{Path: path, Err: err}
	}
	return nil
}
