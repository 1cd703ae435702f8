package imaging

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/suyashkumar/dicom"
	"github.com/suyashkumar/dicom/pkg/frame"
	"github.com/suyashkumar/dicom/pkg/tag"
	"github.com/suyashkumar/dicom/pkg/uid"
)

// benchSlices is the number of distinct synthetic slices a benchmark cycles
// through, so that the page cache, not a single buffer, serves them.
const benchSlices = 16

// ctSlice writes a synthetic 512x512 16-bit CT slice with
// github.com/suyashkumar/dicom: a noisy water disc in air, stored values
// offset by 1024 (Rescale Intercept -1024), explicit VR little endian, with
// the header attributes a scanner writes for geometry and display.
func ctSlice(tb testing.TB, rng *rand.Rand, i int) []byte {
	tb.Helper()
	px := make([]uint16, 512*512)
	for y := range 512 {
		for x := range 512 {
			hu := -1000.0
			if math.Hypot(float64(x-256), float64(y-256)) < 200 {
				hu = 40 + 20*rng.NormFloat64()
			}
			px[y*512+x] = uint16(hu + 1024)
		}
	}
	nf := &frame.NativeFrame[uint16]{RawData: px, InternalSamplesPerPixel: 1,
		InternalRows: 512, InternalCols: 512, InternalBitsPerSample: 16}
	z := float64(i) * 2.5
	els := []*dicom.Element{
		el(tb, tag.MediaStorageSOPClassUID, []string{"1.2.840.10008.5.1.4.1.1.2"}),
		el(tb, tag.MediaStorageSOPInstanceUID, []string{"1.2.826.0.1.3680043.8.498.1"}),
		el(tb, tag.TransferSyntaxUID, []string{uid.ExplicitVRLittleEndian}),
		el(tb, tag.SOPClassUID, []string{"1.2.840.10008.5.1.4.1.1.2"}),
		el(tb, tag.SOPInstanceUID, []string{"1.2.826.0.1.3680043.8.498.1"}),
		el(tb, tag.StudyDate, []string{"20240101"}),
		el(tb, tag.Modality, []string{"CT"}),
		el(tb, tag.PatientName, []string{"Bench^Phantom"}),
		el(tb, tag.PatientID, []string{"BENCH"}),
		el(tb, tag.StudyInstanceUID, []string{"1.2.826.0.1.3680043.8.498.2"}),
		el(tb, tag.SeriesInstanceUID, []string{"1.2.826.0.1.3680043.8.498.3"}),
		el(tb, tag.SeriesNumber, []string{"1"}),
		el(tb, tag.InstanceNumber, []string{"1"}),
		el(tb, tag.ImagePositionPatient,
			[]string{"-250", "-250", strconv.FormatFloat(z, 'f', -1, 64)}),
		el(tb, tag.ImageOrientationPatient, []string{"1", "0", "0", "0", "1", "0"}),
		el(tb, tag.SliceThickness, []string{"2.5"}),
		el(tb, tag.SamplesPerPixel, []int{1}),
		el(tb, tag.PhotometricInterpretation, []string{"MONOCHROME2"}),
		el(tb, tag.Rows, []int{512}),
		el(tb, tag.Columns, []int{512}),
		el(tb, tag.PixelSpacing, []string{"0.9765625", "0.9765625"}),
		el(tb, tag.BitsAllocated, []int{16}),
		el(tb, tag.BitsStored, []int{16}),
		el(tb, tag.HighBit, []int{15}),
		el(tb, tag.PixelRepresentation, []int{0}),
		el(tb, tag.WindowCenter, []string{"40"}),
		el(tb, tag.WindowWidth, []string{"400"}),
		el(tb, tag.RescaleIntercept, []string{"-1024"}),
		el(tb, tag.RescaleSlope, []string{"1"}),
		el(tb, tag.PixelData, dicom.PixelDataInfo{Frames: []*frame.Frame{{NativeData: nf}}}),
	}
	var buf bytes.Buffer
	if err := dicom.Write(&buf, dicom.Dataset{Elements: els}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func el(tb testing.TB, t tag.Tag, v any) *dicom.Element {
	tb.Helper()
	e, err := dicom.NewElement(t, v)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// writeSlices writes the benchmark slices and returns their paths and
// total size.
func writeSlices(b *testing.B) ([]string, int64) {
	dir := b.TempDir()
	rng := rand.New(rand.NewPCG(3, 5))
	var paths []string
	var total int64
	for i := range benchSlices {
		data := ctSlice(b, rng, i)
		p := filepath.Join(dir, "ct"+string(rune('a'+i))+".dcm")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
		total += int64(len(data))
	}
	return paths, total
}

// BenchmarkDecodeCT512 decodes native 512x512 16-bit CT slices to
// Hounsfield units (float32), file by file, as the pipeline does; compare
// bench/imaging_pydicom.py for pydicom on the same kind of slices.
func BenchmarkDecodeCT512(b *testing.B) {
	paths, total := writeSlices(b)
	b.SetBytes(total / benchSlices)
	b.ReportAllocs()
	var sink float32
	n := 0
	for b.Loop() {
		p := paths[n%benchSlices]
		n++
		_, err := Decode(b.Context(), p, Limits{}, func(m Meta, f Frame) error {
			sink += f.Pixels[len(f.Pixels)/2]
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "files/s")
	if math.IsNaN(float64(sink)) {
		b.Fatal("NaN pixel")
	}
}
