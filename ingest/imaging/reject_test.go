package imaging

import (
	"bytes"
	"errors"
	goimage "image"
	gojpeg "image/jpeg"
	"slices"
	"strings"
	"testing"
)

// native2x2 is a valid 2x2 8-bit file body after the pixel module.
func native2x2(ts string) *builder {
	return newFile(ts).patient().image(2, 2, 1, 8, 8, 0, "MONOCHROME2")
}

var rejectCases = []struct {
	name  string
	file  func() []byte
	lim   Limits
	class error
	text  string
}{
	{"not DICOM", func() []byte { return []byte("##fileformat=VCFv4.2\n#CHROM\tPOS\n") },
		Limits{}, ErrNotDICOM, "no DICM prefix"},
	{"pixel data cut short", func() []byte {
		f := native2x2(uidExplicitLE).pixels("OB", []byte{1, 2, 3, 4}).bytes()
		return f[:len(f)-2]
	}, Limits{}, ErrMalformed, "truncated: pixel data declares 4 bytes but 2 remain"},
	{"header cut inside an element", func() []byte {
		f := native2x2(uidExplicitLE).pixels("OB", []byte{1, 2, 3, 4}).bytes()
		return f[:200]
	}, Limits{}, ErrMalformed, "truncated"},
	{"header cut inside a sequence", func() []byte {
		b := native2x2(uidExplicitLE)
		b.seq(0x00081140, b.sub().str(0x00081150, "UI", "1.2.3").bytes())
		f := b.bytes()
		return f[:len(f)-12]
	}, Limits{}, ErrMalformed, "truncated"},
	{"too few pixel bytes", func() []byte {
		return native2x2(uidExplicitLE).pixels("OB", []byte{1, 2}).bytes()
	}, Limits{}, ErrMalformed, "pixel data holds 2 bytes but 2x2x1 MONOCHROME2 8-bit needs 4"},
	{"empty pixel data", func() []byte {
		return native2x2(uidExplicitLE).pixels("OB", nil).bytes()
	}, Limits{}, ErrMalformed, "pixel data element is empty"},
	{"no pixel data", func() []byte {
		return newFile(uidExplicitLE).patient().bytes()
	}, Limits{}, ErrNotImage, "no pixel data element"},
	{"DICOMDIR", func() []byte {
		b := newFile(uidExplicitLE)
		return b.seq(tagDirRecordSeq, b.sub().str(0x00041430, "CS", "PATIENT").bytes()).bytes()
	}, Limits{}, ErrNotImage, "DICOMDIR"},
	{"invalid number of frames", func() []byte {
		return native2x2(uidExplicitLE).str(tagFrames, "IS", "1A").
			pixels("OB", []byte{1, 2, 3, 4}).bytes()
	}, Limits{}, ErrMalformed, `(0028,0008) holds "1A", not an integer`},
	{"video transfer syntax", func() []byte {
		return native2x2("1.2.840.10008.1.2.4.100").fragments(nil, []byte{0, 0, 1, 0xB3}).bytes()
	}, Limits{}, ErrUnsupported,
		"unsupported transfer syntax 1.2.840.10008.1.2.4.100 (MPEG2 Main Profile / Main Level)"},
	{"unknown transfer syntax", func() []byte {
		return native2x2("1.2.3.4.99").fragments(nil, []byte{1, 2}).bytes()
	}, Limits{}, ErrUnsupported, "unsupported transfer syntax 1.2.3.4.99 (unknown)"},
	{"float pixel data", func() []byte {
		return native2x2(uidExplicitLE).elem(tagFloatPixels, "OF", make([]byte, 16)).bytes()
	}, Limits{}, ErrUnsupported, "float pixel data"},
	{"fewer fragments than frames", func() []byte {
		b := newFile("1.2.840.10008.1.2.5").patient().image(1, 1, 1, 8, 8, 0, "MONOCHROME2")
		return b.str(tagFrames, "IS", "3").fragments(nil, rleFrameOf([]byte{1})).bytes()
	}, Limits{}, ErrMalformed, "1 fragments cannot hold 3 frames"},
	{"RLE segment too short", func() []byte {
		b := newFile("1.2.840.10008.1.2.5").patient().image(1, 4, 1, 8, 8, 0, "MONOCHROME2")
		return b.fragments(nil, rleFrameOf([]byte{1, 2})).bytes()
	}, Limits{}, ErrMalformed, "RLE segment 0"},
	{"frame larger than limit", func() []byte {
		return native2x2(uidExplicitLE).pixels("OB", []byte{1, 2, 3, 4}).bytes()
	}, Limits{MaxFrameSamples: 3}, ErrTooLarge, "exceeds the limit of 3"},
	{"element longer than limit", func() []byte {
		return native2x2(uidExplicitLE).elem(0x00091010, "OB", make([]byte, 64)).
			pixels("OB", []byte{1, 2, 3, 4}).bytes()
	}, Limits{MaxElementLength: 32}, ErrTooLarge, "declares 64 bytes"},
	{"sequences too deep", func() []byte {
		b := native2x2(uidExplicitLE)
		item := b.sub().str(0x00081150, "UI", "1.2").bytes()
		for range 5 {
			item = b.sub().seq(0x00081140, item).bytes()
		}
		return b.seq(0x00081140, item).pixels("OB", []byte{1, 2, 3, 4}).bytes()
	}, Limits{MaxDepth: 3}, ErrTooLarge, "nested deeper than 3"},
	{"bits stored above bits allocated", func() []byte {
		return newFile(uidExplicitLE).patient().image(1, 2, 1, 8, 12, 0, "MONOCHROME2").
			pixels("OB", []byte{1, 2}).bytes()
	}, Limits{}, ErrMalformed, "12 bits stored with 8 bits allocated"},
	{"unknown photometric", func() []byte {
		return newFile(uidExplicitLE).patient().image(1, 1, 4, 8, 8, 0, "CMYK").
			pixels("OB", []byte{1, 2, 3, 4}).bytes()
	}, Limits{}, ErrUnsupported, `photometric interpretation "CMYK"`},
	{"JPEG stream without frame header", func() []byte {
		stream := []byte{0xFF, 0xD8, 0xFF, 0xD9}
		return native2x2("1.2.840.10008.1.2.4.50").fragments(nil, stream).bytes()
	}, Limits{}, ErrMalformed, "frame 0"},
	{"JPEG stream cut short", func() []byte {
		var buf bytes.Buffer
		gojpeg.Encode(&buf, goimage.NewGray(goimage.Rect(0, 0, 64, 64)), nil)
		stream := buf.Bytes()[:buf.Len()*2/3]
		b := newFile("1.2.840.10008.1.2.4.50").patient().image(64, 64, 1, 8, 8, 0, "MONOCHROME2")
		return b.fragments(nil, stream).bytes()
	}, Limits{}, ErrMalformed, "frame 0"},
}

// TestRejections checks the class and text of each rejection, and that no
// rejection text holds the patient's data.
func TestRejections(t *testing.T) {
	for _, tc := range rejectCases {
		t.Run(tc.name, func(t *testing.T) {
			path := write(t, "r.dcm", tc.file())
			_, err := Inspect(t.Context(), path, tc.lim)
			if err == nil {
				t.Fatal("accepted")
			}
			if tc.class == ErrMalformed && !decodable(mustSyntax(
				"1.2.840.10008.1.2.4.50")) && strings.Contains(tc.name, "JPEG") {
				tc.class, tc.text = ErrUnsupported, "unsupported transfer syntax"
			}
			if !errors.Is(err, tc.class) || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("got %v; want class %v with %q", err, tc.class, tc.text)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file: %v", err)
			}
			for _, s := range secrets {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error leaks %q: %v", s, err)
				}
			}
		})
	}
}

// TestMissingCodecs checks that every syntax Codecs lists as missing is
// rejected with the standard's name, never guessed.
func TestMissingCodecs(t *testing.T) {
	have, missing := Codecs()
	for _, uid := range []string{uidExplicitLE, uidImplicitLE, uidExplicitBE,
		"1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.5"} {
		if !slices.Contains(have, uid) {
			t.Errorf("%s must always be decodable", uid)
		}
	}
	if len(have)+len(missing) != len(syntaxes) {
		t.Fatalf("Codecs lists %d+%d of %d syntaxes", len(have), len(missing), len(syntaxes))
	}
	for _, uid := range missing {
		path := write(t, "m.dcm", native2x2(uid).fragments(nil, []byte{0xFF, 0xD8}).bytes())
		_, err := Inspect(t.Context(), path, Limits{})
		want := "unsupported transfer syntax " + uid + " (" + TransferSyntaxName(uid) + ")"
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", uid, err, want)
		}
	}
}

// TestPanicBecomesError checks the recover boundary: a fault inside the
// visit callback still comes back as a classified error naming the file.
func TestPanicBecomesError(t *testing.T) {
	path := write(t, "p.dcm", native2x2(uidExplicitLE).pixels("OB", []byte{1, 2, 3, 4}).bytes())
	_, err := Decode(t.Context(), path, Limits{}, func(Meta, Frame) error {
		var m map[string]int
		m["x"]++
		return nil
	})
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "decoder fault") {
		t.Fatalf("got %v", err)
	}
}
