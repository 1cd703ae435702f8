package imaging

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// Images of testdata/codecs/make_codecs.py.
func grey12(x, y int) []float32 { return []float32{float32((x*67 + y*41 + (x*y)%53) % 4096)} }

func signed16(x, y int) []float32 {
	v := (x*97 - y*89 + (x*y)%101) % 6001
	if v < 0 {
		v += 6001 // Python's modulo is floored
	}
	return []float32{float32(v - 3000)}
}

func rgb8(x, y int) []float32 {
	return []float32{float32((7*x + y) % 256), float32((x * y) % 256),
		float32((200 - 3*y) % 256)}
}

// TestCodecsAgainstDCMTK decodes files that dcmtk's own encoders made
// from known images: lossless ones must give the images back exactly,
// near-lossless ones within NEAR, lossy ones within a small error.
func TestCodecsAgainstDCMTK(t *testing.T) {
	type image func(x, y int) []float32
	cases := []struct {
		file    string
		w, h    int
		img     image
		maxErr  float64 // largest allowed difference
		meanErr float64 // mean absolute difference allowed
	}{
		{"jpegll_sv1.dcm", 64, 48, grey12, 0, 0},
		{"jpegll_sv2.dcm", 64, 48, grey12, 0, 0},
		{"jpegll_sv3.dcm", 64, 48, grey12, 0, 0},
		{"jpegll_sv4.dcm", 64, 48, grey12, 0, 0},
		{"jpegll_sv5.dcm", 64, 48, grey12, 0, 0},
		{"jpegll_sv6.dcm", 64, 48, grey12, 0, 0},
		{"jpegll_sv7.dcm", 64, 48, grey12, 0, 0},
		{"jpegll_signed.dcm", 64, 48, signed16, 0, 0},
		{"jpegll_rgb.dcm", 32, 24, rgb8, 0, 0},
		{"jls_grey12.dcm", 64, 48, grey12, 0, 0},
		{"jls_signed16.dcm", 64, 48, signed16, 0, 0},
		{"jls_rgb_line.dcm", 32, 24, rgb8, 0, 0},
		{"jls_rgb_none.dcm", 32, 24, rgb8, 0, 0},
		{"jls_rgb_sample.dcm", 32, 24, rgb8, 0, 0},
		{"jls_near2.dcm", 64, 48, grey12, 2, 2},
		// Lossy: dcmtk's own decoder is off from the source image by at
		// most 7 (mean 1.46) and 75 (mean 4.40, chroma subsampling of a
		// harsh pattern) on these two files.
		{"jpeg_ext12.dcm", 64, 48, grey12, 8, 1.5},
		{"jpeg_base_rgb.dcm", 32, 24, rgb8, 76, 4.5},
		{"rle_signed16.dcm", 64, 48, signed16, 0, 0},
		{"rle_rgb8.dcm", 32, 24, rgb8, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", "codecs", tc.file)
			m, err := ReadMeta(t.Context(), path, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if s, _ := lookupSyntax(m.TransferSyntaxUID); !decodable(s) {
				t.Skipf("%s: this build lacks the codec (TestMissingCodecs checks the reason)",
					s.name)
			}
			_, got, _, err := decodeAll(t, path)
			if err != nil {
				t.Fatal(err)
			}
			var want []float32
			for y := range tc.h {
				for x := range tc.w {
					want = append(want, tc.img(x, y)...)
				}
			}
			compareWithin(t, got, want, tc.maxErr, tc.meanErr)
		})
	}
}

func compareWithin(t *testing.T, got, want []float32, maxErr, meanErr float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d samples, want %d", len(got), len(want))
	}
	worst, sum := 0.0, 0.0
	for i := range want {
		d := math.Abs(float64(got[i] - want[i]))
		worst, sum = math.Max(worst, d), sum+d
	}
	if mean := sum / float64(len(want)); worst > maxErr || mean > meanErr {
		t.Errorf("largest difference %g (allowed %g), mean %g (allowed %g)", worst, maxErr,
			mean, meanErr)
	}
}

// TestLibraryAssertionIsRejection decodes a corrupt HTJ2K stream (found by
// FuzzDecode) on which OpenJPEG 2.5.0 fails an assertion; the guard turns
// what would abort the process into a malformed-file rejection.
func TestLibraryAssertionIsRejection(t *testing.T) {
	path := filepath.Join("testdata", "codecs", "htj2k_library_assert.dcm")
	_, err := Inspect(t.Context(), path, Limits{})
	if !decodable(mustSyntax("1.2.840.10008.1.2.4.201")) {
		if !errors.Is(err, ErrUnsupported) {
			t.Fatalf("got %v, want unsupported", err)
		}
		return
	}
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "failed its own check") {
		t.Fatalf("got %v, want a malformed rejection from the guard", err)
	}
}
