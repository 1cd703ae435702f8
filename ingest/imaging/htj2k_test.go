package imaging

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHTJ2K decodes the High-Throughput JPEG 2000 streams of
// testdata/htj2k (made by OpenJPH, an encoder independent of the OpenJPEG
// decoder used here) and requires the exact images they were made from.
func TestHTJ2K(t *testing.T) {
	const uid = "1.2.840.10008.1.2.4.201"
	if !decodable(mustSyntax(uid)) {
		t.Skip("this build has no HTJ2K decoder; TestMissingCodecs covers the rejection")
	}
	cases := []struct {
		name        string
		rows, cols  int
		spp, bits   int
		photometric string
		want        func(x, y int) []float32
	}{
		{"grey.j2c", 40, 48, 1, 12, "MONOCHROME2", func(x, y int) []float32 {
			return []float32{float32((x*97 + y*53 + (x*y)%31) % 4096)}
		}},
		{"rgb.j2c", 16, 24, 3, 8, "YBR_RCT", func(x, y int) []float32 {
			return []float32{float32((3*x + y) % 256), float32((x * y) % 256),
				float32((255 - 2*y) % 256)}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stream, err := os.ReadFile(filepath.Join("testdata", "htj2k", tc.name))
			if err != nil {
				t.Fatal(err)
			}
			alloc := 8 * ((tc.bits + 7) / 8)
			b := newFile(uid).patient().image(tc.rows, tc.cols, tc.spp, alloc, tc.bits, 0,
				tc.photometric)
			_, got, _, err := decodeAll(t, write(t, "h.dcm", b.fragments(nil, stream).bytes()))
			if err != nil {
				t.Fatal(err)
			}
			var want []float32
			for y := range tc.rows {
				for x := range tc.cols {
					want = append(want, tc.want(x, y)...)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
