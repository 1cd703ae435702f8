package codec

import "bytes"

// j2kMCT reports whether a JPEG 2000 codestream (possibly inside a JP2
// file) declares the multiple component transform in its COD marker
// (ISO 15444-1 A.6.1), which the decoder inverts.
func j2kMCT(b []byte) bool {
	if i := bytes.Index(b, []byte{0xFF, 0x4F, 0xFF, 0x51}); i >= 0 {
		b = b[i+2:]
	} else {
		return false
	}
	for len(b) >= 4 && b[0] == 0xFF {
		m := b[1]
		n := int(b[2])<<8 | int(b[3])
		if m == 0x52 {
			return n >= 12 && len(b) >= 9 && b[8] != 0
		}
		if m == 0x90 || n < 2 || len(b) < 2+n {
			return false
		}
		b = b[2+n:]
	}
	return false
}
