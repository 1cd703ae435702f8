package imaging

import (
	"fmt"
	"slices"
)

// image is what decoding a file's frames needs beyond Meta.
type image struct {
	m        Meta
	syn      syntax
	pixTag   uint32
	planar   int
	shift    uint // bit position of the lowest stored bit (High Bit + 1 - Bits Stored)
	u32      bool // 32-bit unsigned samples, kept in int32 bit patterns
	ds       *dataset
	perFrame []*dataset
	shared   *dataset
	base     transform
	palette  *palette
	samples  int // rows*columns*samples of one stored frame
	out      int // samples per pixel after palette expansion
}

// photometric interpretations this package decodes (PS3.3 C.7.6.3.1.2),
// with their samples per pixel.
var photometrics = map[string]int{
	"MONOCHROME1": 1, "MONOCHROME2": 1, "PALETTE COLOR": 1,
	"RGB": 3, "YBR_FULL": 3, "YBR_FULL_422": 3, "YBR_PARTIAL_422": 3,
	"YBR_RCT": 3, "YBR_ICT": 3,
}

// prepare checks that h describes decodable pixels and gathers what the
// frame decoders need. The checks run from "is this an image at all" to
// "can this build decode it", so the reason is the most basic one.
func prepare(h *header, m Meta, lim Limits) (*image, error) {
	if err := checkIsImage(h, m); err != nil {
		return nil, err
	}
	if err := checkPixelModule(m, h.syntax, lim); err != nil {
		return nil, err
	}
	im := &image{m: m, syn: h.syntax, pixTag: h.pix.tag, ds: h.ds,
		u32: m.BitsStored == 32 && m.PixelRepresentation == 0}
	im.samples = m.Rows * m.Columns * m.SamplesPerPixel
	im.out = m.SamplesPerPixel
	planar, _ := h.ds.uint(tagPlanar)
	im.planar = int(planar)
	im.shift = highBitShift(h.ds, m)
	if err := im.readTransforms(); err != nil {
		return nil, err
	}
	if m.Photometric == "PALETTE COLOR" {
		p, err := readPalette(h.ds, m)
		if err != nil {
			return nil, err
		}
		im.palette, im.out = p, 3
	}
	return im, nil
}

func checkIsImage(h *header, m Meta) error {
	switch {
	case m.IsDICOMDIR:
		return notImage("DICOMDIR (a media directory), no pixel data")
	case !h.pix.found:
		return notImage("no pixel data element (a non-image object%s)", modalityNote(m))
	case h.pix.tag != tagPixelData:
		return unsupported("float pixel data (7FE0,%04X) is not decoded", h.pix.tag&0xFFFF)
	case h.pix.length == 0:
		return malformed("pixel data element is empty")
	case m.Rows <= 0 || m.Columns <= 0:
		return malformed("pixel data without Rows and Columns")
	}
	return nil
}

func modalityNote(m Meta) string {
	if m.Modality == "" {
		return ""
	}
	return ", modality " + m.Modality
}

// checkPixelModule validates the Image Pixel module against what the
// decoders accept and against the limits.
func checkPixelModule(m Meta, syn syntax, lim Limits) error {
	spp, ok := photometrics[m.Photometric]
	switch {
	case m.Frames < 1:
		return malformed("number of frames is %d", m.Frames)
	case m.Frames > lim.MaxFrames:
		return tooLarge("%d frames exceed the limit of %d", m.Frames, lim.MaxFrames)
	case !ok:
		return unsupported("photometric interpretation %q is not decoded", clip(m.Photometric))
	case spp != m.SamplesPerPixel:
		return malformed("photometric interpretation %s with %d samples per pixel",
			m.Photometric, m.SamplesPerPixel)
	}
	if err := checkBits(m, syn); err != nil {
		return err
	}
	n := int64(m.Rows) * int64(m.Columns) * int64(m.SamplesPerPixel)
	if n > lim.MaxFrameSamples {
		return tooLarge("a frame of %dx%dx%d samples exceeds the limit of %d",
			m.Rows, m.Columns, m.SamplesPerPixel, lim.MaxFrameSamples)
	}
	if total := n * int64(m.Frames) * 4; total > lim.MaxDecodedBytes {
		return tooLarge("%d frames decode to %d bytes, over the limit of %d",
			m.Frames, total, lim.MaxDecodedBytes)
	}
	return nil
}

// checkBits accepts 1, 8, 12 (packed, native only), 16 and 32 bits
// allocated, and Bits Stored within Bits Allocated.
func checkBits(m Meta, syn syntax) error {
	ba, bs := m.BitsAllocated, m.BitsStored
	switch {
	case !slices.Contains([]int{1, 8, 12, 16, 32}, ba):
		return unsupported("%d bits allocated", ba)
	case ba == 12 && syn.codec != codecNative:
		return malformed("12 bits allocated with compressed transfer syntax %s", syn.uid)
	case bs < 1 || bs > ba:
		return malformed("%d bits stored with %d bits allocated", bs, ba)
	case m.PixelRepresentation != 0 && m.PixelRepresentation != 1:
		return malformed("pixel representation %d", m.PixelRepresentation)
	case ba == 1 && m.SamplesPerPixel != 1:
		return malformed("1-bit pixels with %d samples", m.SamplesPerPixel)
	}
	return nil
}

// highBitShift returns where the stored bits start within a native cell:
// High Bit + 1 - Bits Stored (PS3.5 Section 8.1.1). A missing or
// impossible High Bit means the usual High Bit = Bits Stored - 1.
func highBitShift(ds *dataset, m Meta) uint {
	hb, ok := ds.uint(tagHighBit)
	if !ok || int(hb) < m.BitsStored-1 || int(hb) >= m.BitsAllocated {
		return 0
	}
	return uint(int(hb) + 1 - m.BitsStored)
}

// frameGroup returns the per-frame functional group item of frame i, or
// nil.
func (im *image) frameGroup(i int) *dataset {
	if i < len(im.perFrame) {
		return im.perFrame[i]
	}
	return nil
}

// geometry returns the position and orientation of frame i: the per-frame
// functional groups when present, else Meta's for frame 0 (and for every
// frame when the shared groups hold the orientation).
func (im *image) geometry(i int) (pos [3]float64, hasPos bool, ori [6]float64, hasOri bool) {
	if g := im.frameGroup(i); g != nil {
		pos, hasPos = positionOf(g)
		ori, hasOri = orientationOf(g)
	}
	if !hasOri && im.m.HasOrientation {
		ori, hasOri = im.m.Orientation, true
	}
	if !hasPos && i == 0 && im.m.HasPosition {
		pos, hasPos = im.m.Position, true
	}
	return pos, hasPos, ori, hasOri
}

// String describes the image layout for messages; it holds no patient data.
func (im *image) String() string {
	return fmt.Sprintf("%dx%dx%d %s %d-bit", im.m.Rows, im.m.Columns, im.m.Frames,
		im.m.Photometric, im.m.BitsAllocated)
}
