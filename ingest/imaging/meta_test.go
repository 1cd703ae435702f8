package imaging

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSniff(t *testing.T) {
	part10 := newFile(uidExplicitLE).patient().bytes()
	cases := []struct {
		name string
		head []byte
		want bool
	}{
		{"part 10", part10, true},
		{"bare implicit", newBare(implicitLE).elem(0x00080000, "UL", u32le(4)).bytes(), true},
		{"bare explicit big endian", newBare(encoding{big: true}).str(0x00080005, "CS",
			"ISO_IR 100").bytes(), true},
		{"bare explicit little endian", newBare(encoding{}).patient().bytes(), true},
		{"VCF", []byte("##fileformat=VCFv4.2\n"), false},
		{"gzip", []byte{0x1f, 0x8b, 0x08, 0x08, 0x5f, 0x8c, 0xa3, 0x4b, 0x00, 0x03}, false},
		{"CSV", []byte("Id,BIRTHDATE,DEATHDATE\n"), false},
		{"short", []byte{0x08, 0x00}, false},
		{"zeros", make([]byte, 1024), false},
		{"empty", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff(tc.head[:min(len(tc.head), 1024)]); got != tc.want {
				t.Errorf("Sniff = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestReadMeta(t *testing.T) {
	b := newFile(uidExplicitLE).patient().image(2, 3, 1, 16, 12, 1, "MONOCHROME2")
	b.str(tagPatientSex, "CS", "F").str(tagStudyDate, "DA", "20240102")
	b.str(tagSeriesNumber, "IS", " 7 ").str(tagInstanceNum, "IS", "12")
	b.str(tagPixelSpacing, "DS", `0.7\ 0.8`).str(tagOrientation, "DS", `1\0\0\0\1\0`)
	b.str(tagPosition, "DS", `-1.5\2\3.25`)
	b.str(tagWindowCenter, "DS", `40\50`).str(tagWindowWidth, "DS", `400\500`)
	path := write(t, "m.dcm", b.pixels("OW", make([]byte, 12)).bytes())
	got, err := ReadMeta(t.Context(), path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := Meta{SOPClassUID: "1.2.840.10008.5.1.4.1.1.2",
		SOPInstanceUID: "1.2.3.4.5.6.7.8.9.SOPUID", StudyInstanceUID: "1.2.3.4.5.6.7.8.9.STUDYUID",
		SeriesInstanceUID: "1.2.3.4.5.6.7.8.9.SERIESUID", TransferSyntaxUID: uidExplicitLE,
		Modality: "CT", PatientID: "PID-SECRET-42", PatientSex: "F",
		PatientBirthDate: "19450317", StudyDate: "20240102", SeriesNumber: 7,
		InstanceNumber: 12, Rows: 2, Columns: 3, Frames: 1, SamplesPerPixel: 1,
		BitsAllocated: 16, BitsStored: 12, PixelRepresentation: 1,
		Photometric: "MONOCHROME2", PixelSpacing: [2]float64{0.7, 0.8},
		Orientation: axial, HasOrientation: true, Position: [3]float64{-1.5, 2, 3.25},
		HasPosition: true, WindowCenter: 40, WindowWidth: 400, HasWindow: true,
		HasPixels: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestReadMetaNonImage(t *testing.T) {
	b := newFile(uidExplicitLE)
	b.seq(tagDirRecordSeq, b.sub().str(0x00041430, "CS", "PATIENT").bytes())
	m, err := ReadMeta(t.Context(), write(t, "DICOMDIR", b.bytes()), Limits{})
	if err != nil || m.HasPixels || !m.IsDICOMDIR {
		t.Errorf("DICOMDIR: %+v, %v", m, err)
	}
}

// TestInfoJSON pins the field names `clinfuse inspect` prints.
func TestInfoJSON(t *testing.T) {
	info := Info{SOPClass: "1.2", Modality: "CT", TransferSyntax: "1.2.840.10008.1.2",
		Rows: 2, Columns: 3, Frames: 1, SamplesPerPixel: 1, Photometric: "MONOCHROME2",
		Pixel: &Stats{Min: -1, Max: 2, Mean: 0.5}}
	got, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"sop_class":"1.2","modality":"CT","transfer_syntax":"1.2.840.10008.1.2",` +
		`"rows":2,"columns":3,"frames":1,"samples_per_pixel":1,"photometric":"MONOCHROME2",` +
		`"pixel":{"min":-1,"max":2,"mean":0.5}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestPatientIDCharset(t *testing.T) {
	cases := []struct {
		name, charset, raw, want string
	}{
		{"ASCII without charset", "", "PID-7", "PID-7"},
		{"Latin-1", "ISO_IR 100", "M\xfcller-1", "Müller-1"},
		{"misspelt Latin-1", "ISO IR 100", "M\xfcller-1", "Müller-1"},
		{"UTF-8", "ISO_IR 192", "Wang-王", "Wang-王"},
		{"GB18030", "GB18030", "\xcd\xf5-1", "王-1"},
		{"unknown set keeps valid text", "NONE", "M\xfcller", "M\ufffdller"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newFile(uidExplicitLE)
			if tc.charset != "" {
				b.str(tagCharset, "CS", tc.charset)
			}
			b.str(tagPatientID, "LO", tc.raw)
			m, err := ReadMeta(t.Context(), write(t, "c.dcm", b.bytes()), Limits{})
			if err != nil || m.PatientID != tc.want {
				t.Errorf("PatientID %q, %v; want %q", m.PatientID, err, tc.want)
			}
		})
	}
}
