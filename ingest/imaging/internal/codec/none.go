//go:build !cgo || clinfuse_nocodecs

package codec

// Available reports whether this build has decoder k.
func Available(k Kind) bool { return false }

// DecodeJPEG decodes a JPEG stream (any ISO 10918-1 process the libraries
// support) into dst.
func DecodeJPEG(src []byte, dst []int32) (Image, []int32, error) {
	return Image{}, dst, ErrUnavailable
}

// DecodeJPEGLS decodes a JPEG-LS stream into dst.
func DecodeJPEGLS(src []byte, dst []int32) (Image, []int32, error) {
	return Image{}, dst, ErrUnavailable
}

// DecodeJ2K decodes a JPEG 2000 codestream or JP2 file into dst.
func DecodeJ2K(src []byte, dst []int32) (Image, []int32, error) {
	return Image{}, dst, ErrUnavailable
}

// HasCells16 reports whether Cells16 is in this build.
func HasCells16() bool { return false }

// Cells16 reports false: this build has no vector conversion.
func Cells16(src []byte, dst []float32, bits uint, signed bool, slope, icpt float64) bool {
	return false
}
