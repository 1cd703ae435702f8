package imaging

import (
	"bytes"
	"context"
	"math"
)

// Sniff reports whether head, the first bytes of a file (up to 1024),
// looks like DICOM: a Part 10 file (128-byte preamble and "DICM") or a
// dataset without preamble or file meta (ACR-NEMA style), recognised by a
// first element of group 0000 to 0008 that the dictionary knows, with an
// explicit VR or a plausible implicit length.
func Sniff(head []byte) bool {
	if len(head) >= 132 && bytes.Equal(head[128:132], []byte("DICM")) {
		return true
	}
	return looksLikeDataset(head)
}

// Info is one `clinfuse inspect` line for a DICOM file. Pixel is present
// when every frame decoded; its statistics run over every sample of every
// frame after the Modality LUT or Rescale Slope/Intercept, colour as RGB.
type Info struct {
	SOPClass        string `json:"sop_class"`
	Modality        string `json:"modality"`
	TransferSyntax  string `json:"transfer_syntax"`
	Rows            int    `json:"rows"`
	Columns         int    `json:"columns"`
	Frames          int    `json:"frames"`
	SamplesPerPixel int    `json:"samples_per_pixel"`
	Photometric     string `json:"photometric"`
	Pixel           *Stats `json:"pixel,omitempty"`
}

// Stats summarises decoded samples.
type Stats struct {
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// Inspect decodes the file at path and describes it. A non-nil error is
// the rejection reason; Info then holds what the header gave.
func Inspect(ctx context.Context, path string, lim Limits) (Info, error) {
	var m Meta
	acc := accumulator{min: math.Inf(1), max: math.Inf(-1)}
	err := decodeFile(ctx, path, lim, &m, func(d *decoder, i int) error {
		s, tr, err := d.storedFrame(i)
		if err != nil {
			return err
		}
		acc.add(s, tr, d.im.u32)
		return nil
	})
	info := infoOf(m)
	if err == nil && acc.n > 0 {
		info.Pixel = &Stats{Min: acc.min, Max: acc.max, Mean: acc.sum / float64(acc.n)}
	}
	return info, err
}

func infoOf(m Meta) Info {
	return Info{SOPClass: m.SOPClassUID, Modality: m.Modality,
		TransferSyntax: m.TransferSyntaxUID, Rows: m.Rows, Columns: m.Columns,
		Frames: m.Frames, SamplesPerPixel: m.SamplesPerPixel, Photometric: m.Photometric}
}

// accumulator sums in float64 in sample order, so results do not depend
// on anything but the file.
type accumulator struct {
	min, max, sum float64
	n             int64
}

func (a *accumulator) add(s []int32, tr transform, u32 bool) {
	for _, v := range s {
		x := tr.apply(sampleInt(v, u32))
		a.min = min(a.min, x)
		a.max = max(a.max, x)
		a.sum += x
	}
	a.n += int64(len(s))
}
