//go:build cgo && !clinfuse_nocodecs

package codec

/*
#cgo CFLAGS: -O2 -I/usr/include/openjpeg-2.5
#cgo LDFLAGS: -ljpeg -lgdcmjpeg8 -lgdcmjpeg12 -lgdcmjpeg16 -lcharls -lopenjp2
#include <stdlib.h>
#include "cf.h"
*/
import "C"

import (
	"fmt"
	"strconv"
	"strings"
	"unsafe"
)

// Available reports whether this build has decoder k. High-Throughput
// JPEG 2000 needs OpenJPEG 2.5 or later at run time.
func Available(k Kind) bool {
	if k == HTJ2K {
		return openJPEGAtLeast(2, 5)
	}
	return k >= JPEG8 && k <= J2K
}

func openJPEGAtLeast(major, minor int) bool {
	v := strings.Split(C.GoString(C.cf_openjpeg_version()), ".")
	if len(v) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(v[0])
	mi, err2 := strconv.Atoi(v[1])
	return err1 == nil && err2 == nil && (ma > major || ma == major && mi >= minor)
}

// cDecoder selects a C decoder (the CF_ constants of cf.h).
type cDecoder C.int

// run calls a C decoder with src and dst's full length as capacity.
func run(dec cDecoder, src []byte, dst []int32) (Image, []int32, error) {
	if len(src) == 0 || len(dst) == 0 {
		return Image{}, dst, fmt.Errorf("%w: empty stream or frame", ErrCorrupt)
	}
	var info C.cf_info
	rc := C.cf_decode(C.int(dec), (*C.uchar)(unsafe.Pointer(&src[0])), C.size_t(len(src)),
		(*C.int32_t)(unsafe.Pointer(&dst[0])), C.size_t(len(dst)), &info)
	img := Image{Width: int(info.width), Height: int(info.height),
		Components: int(info.components), Precision: int(info.precision),
		Signed: info.is_signed != 0, Colour: Colour(info.colour), Lossless: info.lossless != 0,
		Warnings: int(info.warnings)}
	if img.Warnings > 0 {
		img.Warning = C.GoString(&info.msg[0])
	}
	if rc != 0 {
		return img, dst, fmt.Errorf("%w: %s", ErrCorrupt, C.GoString(&info.msg[0]))
	}
	n := img.Width * img.Height * img.Components
	return img, dst[:n], nil
}

// DecodeJPEG decodes a JPEG stream into dst, whose length bounds the
// samples: 8-bit lossy processes with libjpeg-turbo, 12-bit lossy and all
// lossless processes with GDCM's IJG build of the matching precision.
// Hierarchical and 16-bit lossy streams are ErrProcess.
func DecodeJPEG(src []byte, dst []int32) (Image, []int32, error) {
	f, err := ScanJPEG(src)
	if err != nil {
		return Image{}, dst, err
	}
	dec, err := jpegDecoder(f)
	if err != nil {
		return Image{}, dst, err
	}
	return run(dec, src, dst)
}

func jpegDecoder(f Frame) (cDecoder, error) {
	switch {
	case f.Marker == 0xF7:
		return 0, fmt.Errorf("%w: a JPEG-LS stream", ErrProcess)
	case f.Marker >= 0xC5 && f.Marker <= 0xC7, f.Marker >= 0xCD:
		return 0, fmt.Errorf("%w: hierarchical JPEG (SOF%d)", ErrProcess, f.Marker&0x0F)
	case f.Lossless() && f.Precision <= 8:
		return cDecoder(C.CF_IJG8), nil
	case f.Lossless() && f.Precision <= 12:
		return cDecoder(C.CF_IJG12), nil
	case f.Lossless() && f.Precision <= 16:
		return cDecoder(C.CF_IJG16), nil
	case f.Precision == 8:
		return cDecoder(C.CF_TURBO), nil
	case f.Precision == 12 && f.Marker < 0xC9:
		return cDecoder(C.CF_IJG12), nil
	}
	return 0, fmt.Errorf("%w: SOF%d with %d-bit precision", ErrProcess, f.Marker&0x0F,
		f.Precision)
}

// DecodeJPEGLS decodes a JPEG-LS stream into dst.
func DecodeJPEGLS(src []byte, dst []int32) (Image, []int32, error) {
	return run(cDecoder(C.CF_JPEGLS), src, dst)
}

// DecodeJ2K decodes a JPEG 2000 codestream or JP2 file into dst, inverting
// the codestream's component transform (reported as Transformed).
func DecodeJ2K(src []byte, dst []int32) (Image, []int32, error) {
	img, out, err := run(cDecoder(C.CF_J2K), src, dst)
	img.Transformed = img.Components == 3 && j2kMCT(src)
	return img, out, err
}

// HasCells16 reports whether Cells16 is in this build.
func HasCells16() bool { return true }

// Cells16 converts len(dst) little-endian 16-bit cells of src, whose
// stored bits are the low bits, to float32(float64(v)*slope + icpt), v
// being the stored value (two's complement when signed), with vector
// instructions. It reports false, converting nothing, on arguments out of
// range.
func Cells16(src []byte, dst []float32, bits uint, signed bool, slope, icpt float64) bool {
	if len(dst) == 0 || len(src) < 2*len(dst) || bits < 1 || bits > 16 {
		return len(dst) == 0
	}
	sgn := C.int(0)
	if signed {
		sgn = 1
	}
	C.cf_cells16((*C.uint8_t)(unsafe.Pointer(&src[0])), (*C.float)(unsafe.Pointer(&dst[0])),
		C.size_t(len(dst)), C.unsigned(16-bits), sgn, C.double(slope), C.double(icpt))
	return true
}
