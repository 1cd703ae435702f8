// Package codec decodes the compressed pixel streams of DICOM transfer
// syntaxes through C libraries: libjpeg-turbo (8-bit JPEG), the IJG
// libraries bundled with GDCM (12-bit JPEG and lossless JPEG, processes 14
// and its predictors), CharLS (JPEG-LS) and OpenJPEG (JPEG 2000 and
// High-Throughput JPEG 2000). A build without cgo, or with the build tag
// clinfuse_nocodecs, has none of them: Available reports false and every
// Decode function returns ErrUnavailable.
//
// Every decoder writes the frame's samples, interleaved, into an int32
// slice, and leaves colour as the stream stores it, except that JPEG 2000
// inverts its own multiple-component transform. Precision and signedness
// come from the stream. Every call runs under a guard that turns a failed
// assertion inside the libraries into an error (guard.c).
//
// Cells16, also C, converts native 16-bit cells to float32 physical values
// with vector instructions; it is here because it needs cgo too.
package codec

import "errors"

// Kind identifies one decoder.
type Kind int

// The decoders.
const (
	JPEG8        Kind = iota // ISO 10918-1 lossy, 8-bit (libjpeg-turbo)
	JPEG12                   // ISO 10918-1 lossy, 12-bit (GDCM's IJG)
	JPEGLossless             // ISO 10918-1 lossless, up to 16-bit (GDCM's IJG)
	JPEGLS                   // ISO 14495-1 (CharLS)
	J2K                      // ISO 15444-1 (OpenJPEG)
	HTJ2K                    // ISO 15444-15 (OpenJPEG 2.5 or later)
)

// ErrUnavailable is returned by decoders missing from this build.
var ErrUnavailable = errors.New("codec: decoder not in this build")

// ErrCorrupt wraps every failure of a library to decode a stream.
var ErrCorrupt = errors.New("codec: corrupt stream")

// Colour is what a JPEG stream says about its colour space.
type Colour int

// The colour declarations of JPEG streams (JFIF APP0, Adobe APP14).
const (
	ColourUnstated Colour = iota
	ColourYCbCr
	ColourRGB
)

// Image describes a decoded frame.
type Image struct {
	Width, Height, Components int
	// Precision is the bit depth of the stream's samples.
	Precision int
	// Signed reports two's complement samples (JPEG 2000 only).
	Signed bool
	// Colour is the JPEG stream's colour declaration.
	Colour Colour
	// Transformed reports that the decoder inverted a component transform,
	// so that three components are RGB (JPEG 2000).
	Transformed bool
	// Lossless reports a lossless JPEG process.
	Lossless bool
	// Warnings counts problems the library recovered from (libjpeg's
	// corrupt-data warnings); Warning is the first one's text.
	Warnings int
	Warning  string
}

// ErrProcess reports a valid stream of a kind no decoder here handles
// (hierarchical or 16-bit lossy JPEG, arithmetic-coded 12-bit JPEG).
var ErrProcess = errors.New("codec: unsupported coding process")
