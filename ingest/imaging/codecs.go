package imaging

import (
	"errors"

	"github.com/clinfuse/clinfuse/ingest/imaging/internal/codec"
)

// needs lists the decoders a transfer syntax requires.
func needs(s syntax) []codec.Kind {
	switch s.codec {
	case codecJPEG:
		switch s.uid {
		case "1.2.840.10008.1.2.4.50":
			return []codec.Kind{codec.JPEG8}
		case "1.2.840.10008.1.2.4.51":
			return []codec.Kind{codec.JPEG8, codec.JPEG12}
		}
		return []codec.Kind{codec.JPEGLossless}
	case codecJPEGLS:
		return []codec.Kind{codec.JPEGLS}
	case codecJ2K:
		if len(s.uid) > 22 && s.uid[:22] == "1.2.840.10008.1.2.4.20" {
			return []codec.Kind{codec.HTJ2K}
		}
		return []codec.Kind{codec.J2K}
	}
	return nil
}

// decodable reports whether this build decodes syntax s.
func decodable(s syntax) bool {
	ok := s.codec != codecNone
	for _, k := range needs(s) {
		ok = ok && codec.Available(k)
	}
	return ok
}

// Codecs lists the transfer syntax UIDs this build decodes and those it
// lacks, in the order of the standard's table. Native, deflated,
// encapsulated uncompressed and RLE data are always decoded; the
// compressed syntaxes need the cgo codecs.
func Codecs() (have, missing []string) {
	for _, s := range syntaxes {
		if decodable(s) {
			have = append(have, s.uid)
		} else {
			missing = append(missing, s.uid)
		}
	}
	return have, missing
}

// codecFrame decodes one compressed frame with the C libraries and checks
// it against the header. Colour stays as the stream stores it.
func (d *decoder) codecFrame(i int, src []byte) error {
	var (
		img codec.Image
		err error
	)
	d.raw = growInt32(d.raw, d.im.samples)
	switch d.im.syn.codec {
	case codecJPEG:
		img, d.raw, err = codec.DecodeJPEG(src, d.raw)
	case codecJPEGLS:
		img, d.raw, err = codec.DecodeJPEGLS(src, d.raw)
	case codecJ2K:
		img, d.raw, err = codec.DecodeJ2K(src, d.raw)
	}
	switch {
	case errors.Is(err, codec.ErrUnavailable):
		return errSyntax(d.im.syn)
	case errors.Is(err, codec.ErrProcess):
		return unsupported("frame %d: %v", i, err)
	case err != nil:
		return malformed("frame %d: %v", i, err)
	}
	m := d.im.m
	if img.Width != m.Columns || img.Height != m.Rows || img.Components != m.SamplesPerPixel {
		return malformed("frame %d: stream is %dx%d with %d components, header says %dx%d "+
			"with %d", i, img.Height, img.Width, img.Components, m.Rows, m.Columns,
			m.SamplesPerPixel)
	}
	d.img = img
	return nil
}

// codecColour decides whether a decoded colour frame is YBR that needs
// converting: JPEG follows the stream's own declaration (JFIF or Adobe
// marker), else the photometric interpretation; JPEG 2000 is RGB once its
// component transform is inverted.
func (d *decoder) codecColour() string {
	pi := d.im.m.Photometric
	switch {
	case d.img.Transformed:
		return "RGB"
	case d.im.syn.codec == codecJPEG && !d.img.Lossless && d.img.Colour == codec.ColourYCbCr:
		return "YBR_FULL"
	case d.im.syn.codec == codecJPEG && d.img.Colour == codec.ColourRGB:
		return "RGB"
	}
	return pi
}
