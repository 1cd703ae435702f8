package imaging

import (
	"bytes"
	"encoding/binary"
	goimage "image"
	"image/color"
	gojpeg "image/jpeg"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// decodeCases are synthetic files with exactly known values.
var decodeCases = []struct {
	name string
	file func() []byte
	want []float32
}{
	{"explicit LE 16-bit signed with rescale", func() []byte {
		b := newFile(uidExplicitLE).patient().image(2, 2, 1, 16, 16, 1, "MONOCHROME2")
		b.str(tagInterceptTag, "DS", "-1024").str(tagSlopeTag, "DS", "2")
		return b.pixels("OW", le16(0, 1, -1, 1000)).bytes()
	}, []float32{-1024, -1022, -1026, 976}},
	{"implicit LE 12 of 16 bits stored, high bits masked", func() []byte {
		b := newFile(uidImplicitLE).patient().image(1, 3, 1, 16, 12, 0, "MONOCHROME2")
		return b.pixels("OW", le16(0xF001, 0x0FFF, 0x1234)).bytes()
	}, []float32{1, 4095, 0x234}},
	{"signed 12 of 16 bits sign-extended", func() []byte {
		b := newFile(uidExplicitLE).patient().image(1, 2, 1, 16, 12, 1, "MONOCHROME2")
		return b.pixels("OW", le16(0x0FFF, 0x0800)).bytes()
	}, []float32{-1, -2048}},
	{"high bit above bits stored shifts", func() []byte {
		b := newFile(uidExplicitLE).patient().us(tagSamples, 1)
		b.str(tagPhotometric, "CS", "MONOCHROME2").us(tagRows, 1).us(tagColumns, 2)
		b.us(tagBitsAlloc, 16).us(tagBitsStored, 12).us(tagHighBit, 15).us(tagPixelRep, 0)
		return b.pixels("OW", le16(0x0010, 0xFFF0)).bytes()
	}, []float32{1, 4095}},
	{"explicit big endian", func() []byte {
		b := newFile(uidExplicitBE).patient().image(1, 3, 1, 16, 16, 1, "MONOCHROME2")
		return b.pixels("OW", be16(1, -2, 300)).bytes()
	}, []float32{1, -2, 300}},
	{"8-bit in big endian OW", func() []byte {
		b := newFile(uidExplicitBE).patient().image(1, 4, 1, 8, 8, 0, "MONOCHROME2")
		return b.pixels("OW", []byte{2, 1, 4, 3}).bytes()
	}, []float32{1, 2, 3, 4}},
	{"32-bit unsigned beyond int32", func() []byte {
		b := newFile(uidExplicitLE).patient().image(1, 2, 1, 32, 32, 0, "MONOCHROME2")
		return b.pixels("OW", binary.LittleEndian.AppendUint32(u32le(7), 0xFFFFFFFF)).bytes()
	}, []float32{7, 4294967295}},
	{"1-bit least significant bit first", func() []byte {
		b := newFile(uidExplicitLE).patient().image(2, 5, 1, 1, 1, 0, "MONOCHROME2")
		return b.pixels("OB", []byte{0b10110001, 0b00000010}).bytes()
	}, []float32{1, 0, 0, 0, 1, 1, 0, 1, 0, 1}},
	{"12-bit packed", func() []byte {
		b := newFile(uidExplicitLE).patient().image(1, 3, 1, 12, 12, 0, "MONOCHROME2")
		return b.pixels("OB", []byte{0x01, 0x20, 0x00, 0xFF, 0x0F, 0x00}).bytes()
	}, []float32{1, 2, 4095}},
	{"MONOCHROME1 not inverted in physical values", func() []byte {
		b := newFile(uidExplicitLE).patient().image(1, 2, 1, 8, 8, 0, "MONOCHROME1")
		return b.pixels("OB", []byte{10, 200}).bytes()
	}, []float32{10, 200}},
	{"planar RGB interleaved", func() []byte {
		b := newFile(uidExplicitLE).patient().image(1, 2, 3, 8, 8, 0, "RGB")
		b.us(tagPlanar, 1)
		return b.pixels("OB", []byte{1, 2, 3, 4, 5, 6}).bytes()
	}, []float32{1, 3, 5, 2, 4, 6}},
	{"YBR_FULL to RGB", func() []byte {
		b := newFile(uidExplicitLE).patient().image(1, 2, 3, 8, 8, 0, "YBR_FULL")
		return b.pixels("OB", []byte{128, 128, 128, 76, 85, 255}).bytes()
	}, []float32{128, 128, 128, 254, 0, 0}},
	{"YBR_FULL_422 native subsampled", func() []byte {
		b := newFile(uidExplicitLE).patient().image(1, 2, 3, 8, 8, 0, "YBR_FULL_422")
		return b.pixels("OB", []byte{10, 250, 128, 128}).bytes()
	}, []float32{10, 10, 10, 250, 250, 250}},
	{"YBR_PARTIAL_422 limited range", func() []byte {
		b := newFile(uidExplicitLE).patient().image(1, 2, 3, 8, 8, 0, "YBR_PARTIAL_422")
		return b.pixels("OB", []byte{16, 235, 128, 128}).bytes()
	}, []float32{0, 0, 0, 255, 255, 255}},
	{"palette colour", func() []byte {
		b := newFile(uidExplicitLE).patient().image(1, 3, 1, 8, 8, 0, "PALETTE COLOR")
		for i, t := range []uint32{tagRedDesc, tagGreenDesc, tagBlueDesc} {
			b.us(t, 3, 5, 16)
			b.elem(tagRedData+uint32(i), "OW", le16(100*(i+1), 200*(i+1), 300*(i+1)))
		}
		return b.pixels("OB", []byte{4, 6, 9}).bytes()
	}, []float32{100, 200, 300, 200, 400, 600, 300, 600, 900}},
	{"modality LUT sequence", func() []byte {
		b := newFile(uidExplicitLE).patient().image(1, 3, 1, 16, 16, 0, "MONOCHROME2")
		it := b.sub().us(tagLUTDesc, 2, 10, 16).elem(tagLUTData, "OW", le16(500, 600))
		b.seq(tagModalityLUT, it.bytes())
		return b.pixels("OW", le16(9, 11, 50)).bytes()
	}, []float32{500, 600, 600}},
	{"two frames", func() []byte {
		b := newFile(uidExplicitLE).patient().image(1, 2, 1, 8, 8, 0, "MONOCHROME2")
		b.str(tagFrames, "IS", "2")
		return b.pixels("OB", []byte{1, 2, 3, 4}).bytes()
	}, []float32{1, 2, 3, 4}},
	{"padded pixel data", func() []byte {
		b := newFile(uidExplicitLE).patient().image(1, 3, 1, 8, 8, 0, "MONOCHROME2")
		return b.pixels("OB", []byte{7, 8, 9, 0, 0, 0}).bytes()
	}, []float32{7, 8, 9}},
	{"deflated", func() []byte {
		b := newFile("1.2.840.10008.1.2.1.99")
		start := b.buf.Len()
		b.patient().image(1, 2, 1, 8, 8, 0, "MONOCHROME2").pixels("OB", []byte{5, 6})
		return deflated(b.bytes(), start)
	}, []float32{5, 6}},
	{"bare implicit dataset (ACR-NEMA)", func() []byte {
		b := newBare(implicitLE).elem(0x00080000, "UL", u32le(0))
		b.patient().image(1, 2, 1, 16, 10, 0, "MONOCHROME2")
		return b.pixels("OW", le16(3, 1023)).bytes()
	}, []float32{3, 1023}},
	{"RLE 16-bit", func() []byte {
		b := newFile("1.2.840.10008.1.2.5").patient().image(1, 3, 1, 16, 16, 1, "MONOCHROME2")
		return b.fragments(nil, rleFrameOf([]byte{0, 1, 0xFF}, []byte{5, 0, 0xFE})).bytes()
	}, []float32{5, 256, -2}},
	{"RLE RGB two frames, no offset table", func() []byte {
		b := newFile("1.2.840.10008.1.2.5").patient().image(1, 1, 3, 8, 8, 0, "RGB")
		b.str(tagFrames, "IS", "2")
		f1 := rleFrameOf([]byte{1}, []byte{2}, []byte{3})
		f2 := rleFrameOf([]byte{4}, []byte{5}, []byte{6})
		return b.fragments(nil, f1, f2).bytes()
	}, []float32{1, 2, 3, 4, 5, 6}},
	{"one frame over three fragments", func() []byte {
		b := newFile("1.2.840.10008.1.2.5").patient().image(1, 2, 1, 8, 8, 0, "MONOCHROME2")
		f := rleFrameOf([]byte{9, 8})
		return b.fragments([]uint32{0}, f[:30], f[30:60], f[60:]).bytes()
	}, []float32{9, 8}},
	{"extended offset table over a wrong basic one", func() []byte {
		b := newFile("1.2.840.10008.1.2.1.98").patient().image(1, 2, 1, 8, 8, 0, "MONOCHROME2")
		b.str(tagFrames, "IS", "2")
		eot := binary.LittleEndian.AppendUint64(make([]byte, 8), 18)
		b.elem(tagExtOffsets, "OV", eot).elem(tagExtLengths, "OV", make([]byte, 16))
		return b.fragments([]uint32{0, 9}, []byte{1}, []byte{2}, []byte{3, 4}).bytes()
	}, []float32{1, 2, 3, 4}},
	{"encapsulated uncompressed with offset table", func() []byte {
		b := newFile("1.2.840.10008.1.2.1.98").patient().image(1, 2, 1, 8, 8, 0, "MONOCHROME2")
		b.str(tagFrames, "IS", "2")
		return b.fragments([]uint32{0, 18}, []byte{1}, []byte{2}, []byte{3, 4}).bytes()
	}, []float32{1, 2, 3, 4}},
}

func TestDecodeKnownValues(t *testing.T) {
	for _, tc := range decodeCases {
		t.Run(tc.name, func(t *testing.T) {
			_, got, _, err := decodeAll(t, write(t, "x.dcm", tc.file()))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("pixels (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEnhancedPerFrame checks per-frame rescale and geometry from the
// functional groups of an enhanced object.
func TestEnhancedPerFrame(t *testing.T) {
	b := newFile(uidExplicitLE).patient().image(1, 1, 1, 16, 16, 0, "MONOCHROME2")
	b.str(tagFrames, "IS", "2")
	ori := b.sub().str(tagOrientation, "DS", `1\0\0\0\1\0`).bytes()
	pm := b.sub().str(tagPixelSpacing, "DS", `0.5\0.25`).bytes()
	shared := b.sub().seq(tagPlaneOriSeq, ori).seq(tagPixelMeasures, pm).bytes()
	frame := func(z, slope string) []byte {
		pos := b.sub().str(tagPosition, "DS", `0\0\`+z).bytes()
		tr := b.sub().str(tagSlopeTag, "DS", slope).str(tagInterceptTag, "DS", "-10").bytes()
		return b.sub().seq(tagPlanePosSeq, pos).seq(tagPixelValueTr, tr).bytes()
	}
	b.seq(tagSharedFG, shared).seq(tagPerFrameFG, frame("5", "1"), frame("7.5", "3"))
	m, px, frames, err := decodeAll(t, write(t, "e.dcm", b.pixels("OW", le16(100, 100)).bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float32{90, 290}, px); diff != "" {
		t.Errorf("per-frame rescale (-want +got):\n%s", diff)
	}
	if m.PixelSpacing != [2]float64{0.5, 0.25} || !m.HasOrientation || m.Position[2] != 5 {
		t.Errorf("meta geometry %+v", m)
	}
	if !frames[1].HasPosition || frames[1].Position[2] != 7.5 || !frames[1].HasOrientation {
		t.Errorf("frame 1 geometry %+v", frames[1])
	}
}

// TestJPEGBaselineAgainstGo compares the cgo JPEG path with Go's own
// baseline decoder, an independent implementation, on a synthetic image:
// IDCT rounding may differ by a little, nothing more.
func TestJPEGBaselineAgainstGo(t *testing.T) {
	if !decodable(mustSyntax("1.2.840.10008.1.2.4.50")) {
		t.Skip("this build has no JPEG codec (CGO_ENABLED=0); TestMissingCodecs covers it")
	}
	for _, colour := range []bool{false, true} {
		img, stream := jpegImage(t, colour)
		spp, pi := 1, "MONOCHROME2"
		if colour {
			spp, pi = 3, "YBR_FULL_422"
		}
		b := newFile("1.2.840.10008.1.2.4.50").patient().image(24, 32, spp, 8, 8, 0, pi)
		_, got, _, err := decodeAll(t, write(t, "j.dcm", b.fragments(nil, stream).bytes()))
		if err != nil {
			t.Fatal(err)
		}
		ref := goPixels(img, spp)
		worst, sum := 0.0, 0.0
		for i := range ref {
			d := math.Abs(float64(got[i]) - ref[i])
			worst, sum = math.Max(worst, d), sum+d
		}
		// Chroma upsampling differs (libjpeg interpolates, image/jpeg
		// replicates), so colour gets a little more room than grey.
		if mean := sum / float64(len(ref)); worst > 4 || mean > 1 {
			t.Errorf("colour=%v: differs from image/jpeg by up to %g, %g on average",
				colour, worst, mean)
		}
	}
}

func mustSyntax(uid string) syntax {
	s, _ := lookupSyntax(uid)
	return s
}

// jpegImage encodes a smooth test pattern with image/jpeg.
func jpegImage(t *testing.T, colour bool) (goimage.Image, []byte) {
	t.Helper()
	var img goimage.Image
	if colour {
		c := goimage.NewRGBA(goimage.Rect(0, 0, 32, 24))
		for y := range 24 {
			for x := range 32 {
				c.Set(x, y, color.RGBA{uint8(60 + 2*x), uint8(40 + 3*y), uint8(90 + x + y), 255})
			}
		}
		img = c
	} else {
		g := goimage.NewGray(goimage.Rect(0, 0, 32, 24))
		for y := range 24 {
			for x := range 32 {
				g.SetGray(x, y, color.Gray{uint8(7*x + 3*y)})
			}
		}
		img = g
	}
	var buf bytes.Buffer
	if err := gojpeg.Encode(&buf, img, &gojpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	back, err := gojpeg.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return back, buf.Bytes()
}

func goPixels(img goimage.Image, spp int) []float64 {
	var out []float64
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if spp == 1 {
				out = append(out, float64(c.R))
			} else {
				out = append(out, float64(c.R), float64(c.G), float64(c.B))
			}
		}
	}
	return out
}

// TestFastPathsMatchGeneric checks that native 16-bit frames, which
// Decode converts with the vectorised C loop (little endian, low bits) or
// a table of all cells (big endian or shifted bits, and every case in a
// build without cgo), give exactly the values of the general path that
// Inspect uses.
func TestFastPathsMatchGeneric(t *testing.T) {
	cases := []struct {
		name           string
		ts             string
		stored, pixrep int
		highBit        int
		slope, icpt    string
	}{
		{"LE signed 16", uidExplicitLE, 16, 1, 15, "1", "-1024"},
		{"LE unsigned 12 with fractional slope", uidExplicitLE, 12, 0, 11, "0.37", "2.5"},
		{"LE signed 13 with fractional slope", uidExplicitLE, 13, 1, 12, "2.5", "-7.25"},
		{"BE signed 12 at high bit 15", uidExplicitBE, 12, 1, 15, "2", "0"},
		{"LE unsigned 10 at high bit 13", uidExplicitLE, 10, 0, 13, "1", "-3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newFile(tc.ts).patient().us(tagSamples, 1)
			b.str(tagPhotometric, "CS", "MONOCHROME2").us(tagRows, 256).us(tagColumns, 512)
			b.us(tagBitsAlloc, 16).us(tagBitsStored, uint16(tc.stored))
			b.us(tagHighBit, uint16(tc.highBit)).us(tagPixelRep, uint16(tc.pixrep))
			b.str(tagSlopeTag, "DS", tc.slope).str(tagInterceptTag, "DS", tc.icpt)
			cells := make([]int, 256*512)
			for i := range cells {
				cells[i] = (i * 2654435761) & 0xFFFF
			}
			data := le16(cells...)
			if tc.ts == uidExplicitBE {
				data = be16(cells...)
			}
			path := write(t, "t.dcm", b.pixels("OW", data).bytes())
			_, got, _, err := decodeAll(t, path)
			if err != nil {
				t.Fatal(err)
			}
			want := genericValues(t, path)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("fast path differs (-generic +fast):\n%s", diff)
			}
		})
	}
}

// genericValues decodes path through decodeFrame and toPhysical.
func genericValues(t *testing.T, path string) []float32 {
	var out []float32
	var m Meta
	err := decodeFile(t.Context(), path, Limits{}, &m, func(d *decoder, i int) error {
		s, tr, err := d.storedFrame(i)
		if err != nil {
			return err
		}
		out = append(out, toPhysical(s, tr, d.im.u32, nil)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
