package codec

import "fmt"

// Frame is what a JPEG stream's frame header (SOF marker) declares.
type Frame struct {
	Marker     byte // the SOF marker, 0xC0..0xCF (or 0xF7 for JPEG-LS)
	Precision  int
	Height     int
	Width      int
	Components int
}

// Lossless reports a lossless process (SOF3, SOF7, SOF11, SOF15).
func (f Frame) Lossless() bool { return f.Marker&3 == 3 && f.Marker != 0xF7 }

// ScanJPEG walks the markers of a JPEG or JPEG-LS stream up to its frame
// header and returns it. It fails on a stream without SOI or frame header.
func ScanJPEG(b []byte) (Frame, error) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return Frame{}, fmt.Errorf("%w: no SOI marker", ErrCorrupt)
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return Frame{}, fmt.Errorf("%w: expected a marker at byte %d", ErrCorrupt, i)
		}
		m := b[i+1]
		if m == 0xFF {
			i++
			continue
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if isSOF(m) {
			return frameHeader(m, b[i+4:], n)
		}
		if m == 0xD9 || m == 0xDA || n < 2 {
			break
		}
		i += 2 + n
	}
	return Frame{}, fmt.Errorf("%w: no frame header (SOF marker) before the scan", ErrCorrupt)
}

func isSOF(m byte) bool {
	return m == 0xF7 || (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC)
}

func frameHeader(m byte, b []byte, n int) (Frame, error) {
	if n < 8 || len(b) < 6 {
		return Frame{}, fmt.Errorf("%w: short frame header", ErrCorrupt)
	}
	return Frame{Marker: m, Precision: int(b[0]), Height: int(b[1])<<8 | int(b[2]),
		Width: int(b[3])<<8 | int(b[4]), Components: int(b[5])}, nil
}
