package synth

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/suyashkumar/dicom"
	"github.com/suyashkumar/dicom/pkg/tag"
	"github.com/suyashkumar/dicom/pkg/uid"
)

const ctImageStorage = "1.2.840.10008.5.1.4.1.1.2"

// series is one CT series to write.
type series struct {
	uid         string
	number      int
	description string
	slices      int
	spacingZ    float64 // mm between slice centres
	orientation []string
	reverse     bool // instance numbers run against position
}

// fovMM is the field of view of every synthetic slice.
const fovMM = 400.0

func writeImaging(ctx context.Context, dir string, pats []*patient, opt Options,
	rng *rand.Rand) error {
	for i, p := range pats {
		if !p.imaging {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		study := filepath.Join(dir, fmt.Sprintf("study%04d", i+1))
		if err := writeStudy(study, p, opt, rng); err != nil {
			return err
		}
	}
	return nil
}

// writeStudy writes one CT study: an axial series and, for some patients, a
// one-slice coronal localizer that series selection must pass over.
func writeStudy(dir string, p *patient, opt Options, rng *rand.Rand) error {
	study := studyInfo{
		uid:  dicomUID(rng),
		date: day(studyStart.AddDate(0, 0, rng.IntN(540))),
	}
	all := []series{{
		uid: dicomUID(rng), number: 2, description: "ABDOMEN AXIAL", slices: opt.Slices,
		spacingZ: 5, orientation: []string{"1", "0", "0", "0", "1", "0"},
		reverse: rng.IntN(2) == 0,
	}}
	if rng.Float64() < 0.25 {
		all = append(all, series{
			uid: dicomUID(rng), number: 1, description: "LOCALIZER", slices: 1,
			spacingZ: 1, orientation: []string{"1", "0", "0", "0", "0", "-1"},
		})
	}
	for _, s := range all {
		sdir := filepath.Join(dir, fmt.Sprintf("series%d", s.number))
		if err := os.MkdirAll(sdir, 0o755); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		for k := range s.slices {
			if err := writeSlice(sdir, p, study, s, k, opt.SliceSize, rng); err != nil {
				return err
			}
		}
	}
	return nil
}

type studyInfo struct{ uid, date string }

func writeSlice(dir string, p *patient, st studyInfo, s series, k, size int,
	rng *rand.Rand) error {
	inst := k + 1
	if s.reverse {
		inst = s.slices - k
	}
	z := -100 + float64(k)*s.spacingZ
	pix := renderSlice(p, size, float64(k)/math.Max(1, float64(s.slices-1)), rng)
	sop := dicomUID(rng)
	spacing := num3(fovMM / float64(size))
	elems := []*dicom.Element{
		mustElem(tag.FileMetaInformationVersion, []byte{0, 1}),
		mustElem(tag.MediaStorageSOPClassUID, []string{ctImageStorage}),
		mustElem(tag.MediaStorageSOPInstanceUID, []string{sop}),
		mustElem(tag.TransferSyntaxUID, []string{uid.ExplicitVRLittleEndian}),
		mustElem(tag.ImageType, []string{"ORIGINAL", "PRIMARY", "AXIAL"}),
		mustElem(tag.SOPClassUID, []string{ctImageStorage}),
		mustElem(tag.SOPInstanceUID, []string{sop}),
		mustElem(tag.StudyDate, []string{compactDate(st.date)}),
		mustElem(tag.Modality, []string{"CT"}),
		mustElem(tag.SeriesDescription, []string{s.description}),
		mustElem(tag.PatientName, []string{p.last + "^" + p.first}),
		mustElem(tag.PatientID, []string{p.id}),
		mustElem(tag.PatientBirthDate, []string{compactDate(day(p.birth))}),
		mustElem(tag.PatientSex, []string{p.sex}),
		mustElem(tag.SliceThickness, []string{num3(s.spacingZ)}),
		mustElem(tag.StudyInstanceUID, []string{st.uid}),
		mustElem(tag.SeriesInstanceUID, []string{s.uid}),
		mustElem(tag.SeriesNumber, []string{strconv.Itoa(s.number)}),
		mustElem(tag.InstanceNumber, []string{strconv.Itoa(inst)}),
		mustElem(tag.ImagePositionPatient, []string{"-200", "-200", num3(z)}),
		mustElem(tag.ImageOrientationPatient, s.orientation),
		mustElem(tag.SamplesPerPixel, []int{1}),
		mustElem(tag.PhotometricInterpretation, []string{"MONOCHROME2"}),
		mustElem(tag.Rows, []int{size}),
		mustElem(tag.Columns, []int{size}),
		mustElem(tag.PixelSpacing, []string{spacing, spacing}),
		mustElem(tag.BitsAllocated, []int{16}),
		mustElem(tag.BitsStored, []int{12}),
		mustElem(tag.HighBit, []int{11}),
		mustElem(tag.PixelRepresentation, []int{0}),
		mustElem(tag.WindowCenter, []string{"40"}),
		mustElem(tag.WindowWidth, []string{"400"}),
		mustElem(tag.RescaleIntercept, []string{"-1024"}),
		mustElem(tag.RescaleSlope, []string{"1"}),
		mustElem(tag.PixelData, dicom.PixelDataInfo{
			IntentionallyUnprocessed: true, UnprocessedValueData: pix,
		}),
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("IM%04d.dcm", inst)))
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	if err := dicom.Write(f, dicom.Dataset{Elements: elems}); err != nil {
		f.Close()
		return fmt.Errorf("synth: writing DICOM: %w", err)
	}
	return f.Close()
}

// renderSlice draws one CT-like slice and returns its stored values (HU plus
// 1024) as little-endian 16-bit words. t in [0,1] is the slice's place along
// the series, which changes the organ's size a little.
func renderSlice(p *patient, size int, t float64, rng *rand.Rand) []byte {
	c := float64(size) / 2
	scale := float64(size) / 40
	bx, by := c+1.5*scale*rng.NormFloat64(), c+1.5*scale*rng.NormFloat64()
	ba := 14 * scale * (1 + 0.08*p.body)
	bb := 11 * scale * (1 + 0.08*p.body)
	ox, oy := bx-4*scale, by-2*scale
	grow := 1 + 0.25*math.Sin(math.Pi*t)
	oa, ob := 6*scale*grow, 5*scale*grow
	organHU := 95 - 15*p.zImg + 4*rng.NormFloat64()
	out := make([]byte, 2*size*size)
	for y := range size {
		for x := range size {
			hu := -1000.0
			fx, fy := float64(x)+0.5, float64(y)+0.5
			switch {
			case inside(fx, fy, ox, oy, oa, ob):
				hu = organHU
			case inside(fx, fy, bx, by+7*scale, 2*scale, 2*scale):
				hu = 400 // vertebra
			case inside(fx, fy, bx, by, ba-1.5*scale, bb-1.5*scale):
				hu = 30
			case inside(fx, fy, bx, by, ba, bb):
				hu = -90 // subcutaneous fat
			}
			hu += 12 * rng.NormFloat64()
			v := math.Round(math.Min(math.Max(hu+1024, 0), 4095))
			binary.LittleEndian.PutUint16(out[2*(y*size+x):], uint16(v))
		}
	}
	return out
}

func inside(x, y, cx, cy, a, b float64) bool {
	dx, dy := (x-cx)/a, (y-cy)/b
	return dx*dx+dy*dy <= 1
}

func mustElem(t tag.Tag, v any) *dicom.Element {
	e, err := dicom.NewElement(t, v)
	if err != nil {
		// Only fixed tags with values of their dictionary type are built.
		panic(fmt.Sprintf("synth: element %v: %v", t, err))
	}
	return e
}

// dicomUID draws a UID under the 2.25 root (a UUID as a decimal integer).
func dicomUID(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return "2.25." + new(big.Int).SetBytes(b[:]).String()
}

func compactDate(d string) string { return d[0:4] + d[5:7] + d[8:10] }

func num3(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
