package imaging

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clinfuse/clinfuse/schemas"
)

var updateSeeds = flag.Bool("update", false, "rewrite testdata/seeds from the synthetic cases")

// TestSeeds keeps testdata/seeds, the fuzz corpus, in step with the
// synthetic cases (go test -run TestSeeds -update rewrites it).
func TestSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "seeds")
	want := map[string][]byte{}
	for _, c := range decodeCases {
		want[seedName(c.name)] = c.file()
	}
	for _, c := range rejectCases {
		want[seedName(c.name)] = c.file()
	}
	for name, data := range codecSeeds(t) {
		want[name] = data
	}
	for name, data := range want {
		p := filepath.Join(dir, name)
		if *updateSeeds {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := os.Stat(p); err != nil {
			t.Errorf("seed %s missing: run go test -run TestSeeds -update", name)
		}
	}
}

// codecSeeds wrap valid compressed streams, so that fuzzing reaches the C
// decoders with inputs close to valid ones.
func codecSeeds(t *testing.T) map[string][]byte {
	out := map[string][]byte{}
	for _, colour := range []bool{false, true} {
		_, stream := jpegImage(t, colour)
		spp, pi, name := 1, "MONOCHROME2", "jpeg_baseline_grey.dcm"
		if colour {
			spp, pi, name = 3, "YBR_FULL_422", "jpeg_baseline_ybr.dcm"
		}
		b := newFile("1.2.840.10008.1.2.4.50").patient().image(24, 32, spp, 8, 8, 0, pi)
		out[name] = b.fragments(nil, stream).bytes()
	}
	stream, err := os.ReadFile(filepath.Join("testdata", "htj2k", "rgb.j2c"))
	if err != nil {
		t.Fatal(err)
	}
	b := newFile("1.2.840.10008.1.2.4.201").patient().image(16, 24, 3, 8, 8, 0, "YBR_RCT")
	out["htj2k_rgb.dcm"] = b.fragments(nil, stream).bytes()
	return out
}

func seedName(s string) string {
	return strings.NewReplacer(" ", "_", "/", "_", "(", "", ")", "", ",", "").Replace(s) + ".dcm"
}

// fuzzLimits keep each input cheap.
var fuzzLimits = Limits{MaxElementLength: 1 << 20, MaxValueBytes: 1 << 16,
	MaxEncodedBytes: 1 << 20, MaxFrameSamples: 1 << 16, MaxDecodedBytes: 1 << 22,
	MaxFrames: 64, MaxDepth: 16, MaxElements: 1 << 14}

// FuzzDecode, seeded from testdata/seeds and testdata/codecs, runs the
// whole reading path (sniffing, header, pixel data,
// codecs, modality transform, resampling) without the recover boundary, so
// that any panic is found. Every failure must be classified.
func FuzzDecode(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "seeds", "*.dcm"))
	more, _ := filepath.Glob(filepath.Join("testdata", "codecs", "*.dcm"))
	seeds = append(seeds, more...)
	if len(seeds) == 0 {
		f.Fatal("no seeds in testdata/seeds")
	}
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	cfg := schemas.ImagingConfig{Grid: 8}
	f.Fuzz(func(t *testing.T, data []byte) {
		Sniff(data[:min(len(data), 1024)])
		var m Meta
		err := decodeStream(context.Background(), bytes.NewReader(data), int64(len(data)),
			fuzzLimits, &m, func(d *decoder, i int) error {
				px, err := d.physical(i)
				if err != nil {
					return err
				}
				Resample(m, d.frame(i, px), cfg, nil)
				return nil
			})
		if err != nil && !classified(err) {
			t.Fatalf("unclassified error: %v", err)
		}
	})
}

func classified(err error) bool {
	for _, c := range []error{ErrNotDICOM, ErrMalformed, ErrUnsupported, ErrNotImage,
		ErrTooLarge} {
		if errors.Is(err, c) {
			return true
		}
	}
	return false
}
