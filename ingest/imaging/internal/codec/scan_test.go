package codec

import (
	"errors"
	"testing"
)

func TestScanJPEG(t *testing.T) {
	sof := func(m byte) []byte {
		return []byte{0xFF, m, 0, 11, 12, 0, 3, 0, 4, 1, 1, 0x11, 0}
	}
	app0 := []byte{0xFF, 0xE0, 0, 4, 'J', 'F'}
	cases := []struct {
		name    string
		stream  []byte
		want    Frame
		wantErr bool
	}{
		{"baseline after APP0", cat([]byte{0xFF, 0xD8}, app0, sof(0xC0)),
			Frame{Marker: 0xC0, Precision: 12, Height: 3, Width: 4, Components: 1}, false},
		{"lossless", cat([]byte{0xFF, 0xD8}, sof(0xC3)),
			Frame{Marker: 0xC3, Precision: 12, Height: 3, Width: 4, Components: 1}, false},
		{"JPEG-LS", cat([]byte{0xFF, 0xD8}, sof(0xF7)),
			Frame{Marker: 0xF7, Precision: 12, Height: 3, Width: 4, Components: 1}, false},
		{"fill bytes before a marker", cat([]byte{0xFF, 0xD8, 0xFF}, sof(0xC1)),
			Frame{Marker: 0xC1, Precision: 12, Height: 3, Width: 4, Components: 1}, false},
		{"no SOI", sof(0xC0), Frame{}, true},
		{"scan before frame header", []byte{0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0, 0}, Frame{}, true},
		{"zeros after SOI", []byte{0xFF, 0xD8, 0, 0, 0, 0}, Frame{}, true},
		{"short frame header", []byte{0xFF, 0xD8, 0xFF, 0xC0, 0, 5, 8}, Frame{}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ScanJPEG(tc.stream)
			if tc.wantErr != (err != nil) || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v (error %v)", got, err, tc.want, tc.wantErr)
			}
			if err != nil && !errors.Is(err, ErrCorrupt) {
				t.Errorf("error %v is not ErrCorrupt", err)
			}
		})
	}
	if !(Frame{Marker: 0xC3}).Lossless() || (Frame{Marker: 0xF7}).Lossless() {
		t.Error("Lossless misclassifies SOF3 or JPEG-LS")
	}
}

func TestJ2KMCT(t *testing.T) {
	siz := []byte{0xFF, 0x4F, 0xFF, 0x51, 0, 4, 0, 0}
	cod := func(mct byte) []byte {
		return []byte{0xFF, 0x52, 0, 12, 0, 0, 0, 1, mct, 5, 4, 4, 0, 0}
	}
	cases := []struct {
		name   string
		stream []byte
		want   bool
	}{
		{"with transform", cat(siz, cod(1)), true},
		{"without transform", cat(siz, cod(0)), false},
		{"inside a JP2 box", cat([]byte{0, 0, 0, 12, 'j', 'P', ' ', ' '}, siz, cod(1)), true},
		{"no codestream", []byte{1, 2, 3}, false},
		{"truncated COD", cat(siz, cod(1)[:6]), false},
	}
	for _, tc := range cases {
		if got := j2kMCT(tc.stream); got != tc.want {
			t.Errorf("%s: got %v", tc.name, got)
		}
	}
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
