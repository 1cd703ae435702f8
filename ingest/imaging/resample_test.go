package imaging

import (
	"math"
	"testing"

	"github.com/clinfuse/clinfuse/schemas"
)

func monoFrame(rows, cols int, f func(y, x int) float32) Frame {
	px := make([]float32, rows*cols)
	for y := range rows {
		for x := range cols {
			px[y*cols+x] = f(y, x)
		}
	}
	return Frame{Rows: rows, Columns: cols, Samples: 1, Pixels: px}
}

func TestResample(t *testing.T) {
	ct := Meta{Photometric: "MONOCHROME2", PixelSpacing: [2]float64{1, 1}}
	mono1 := ct
	mono1.Photometric = "MONOCHROME1"
	window := func(c, w float64) schemas.ImagingConfig {
		return schemas.ImagingConfig{Grid: 4, WindowCenter: c, WindowWidth: w}
	}
	ramp := monoFrame(8, 8, func(y, x int) float32 { return float32(100 * x) })
	cases := []struct {
		name string
		m    Meta
		f    Frame
		cfg  schemas.ImagingConfig
		want []float32 // first row of the grid
	}{
		{"window in physical units", ct, monoFrame(8, 8, func(y, x int) float32 { return 40 }),
			window(40, 400), []float32{0.5, 0.5, 0.5, 0.5}},
		{"clamped outside the window", ct, ramp, window(200, 200),
			[]float32{0, 0.75, 1, 1}},
		{"min..max without any window", ct, ramp, window(0, 0),
			[]float32{50.0 / 700, 250.0 / 700, 450.0 / 700, 650.0 / 700}},
		{"MONOCHROME1 inverted", mono1, ramp, window(350, 700),
			[]float32{1 - 0.5/7, 1 - 2.5/7, 1 - 4.5/7, 1 - 6.5/7}},
		{"aspect kept, margin reads 0", ct, monoFrame(4, 8, func(y, x int) float32 { return 1 }),
			window(0.5, 1), []float32{0, 0, 0, 0}},
		{"colour as luminance", ct, Frame{Rows: 1, Columns: 1, Samples: 3,
			Pixels: []float32{255, 255, 255}}, window(0, 0), []float32{1, 1, 1, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Resample(tc.m, tc.f, tc.cfg, nil)
			if len(got) != 16 {
				t.Fatalf("%d values, want 16", len(got))
			}
			for i, w := range tc.want {
				if math.Abs(float64(got[i]-w)) > 1e-6 {
					t.Errorf("row 0 = %v, want %v", got[:4], tc.want)
					break
				}
			}
		})
	}
}

// TestResampleAreaAverage checks that downsampling preserves the mean and
// that the rows of the margin stay empty in a wide image.
func TestResampleAreaAverage(t *testing.T) {
	m := Meta{Photometric: "MONOCHROME2"}
	f := monoFrame(4, 8, func(y, x int) float32 { return float32((x + y) % 2) })
	got := Resample(m, f, schemas.ImagingConfig{Grid: 4, WindowCenter: 0.5, WindowWidth: 1}, nil)
	for i, v := range got {
		row := i / 4
		want := float32(0.5)
		if row == 0 || row == 3 {
			want = 0
		}
		if math.Abs(float64(v-want)) > 1e-6 {
			t.Fatalf("grid %v: cell %d = %g, want %g", got, i, v, want)
		}
	}
}
