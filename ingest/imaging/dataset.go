package imaging

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
)

// Tags read by the package (PS3.6).
const (
	tagItem          = 0xFFFEE000
	tagItemDelim     = 0xFFFEE00D
	tagSeqDelim      = 0xFFFEE0DD
	tagTransferSyn   = 0x00020010
	tagCharset       = 0x00080005
	tagSOPClass      = 0x00080016
	tagSOPInstance   = 0x00080018
	tagStudyDate     = 0x00080020
	tagModality      = 0x00080060
	tagPatientID     = 0x00100020
	tagBirthDate     = 0x00100030
	tagPatientSex    = 0x00100040
	tagStudyUID      = 0x0020000D
	tagSeriesUID     = 0x0020000E
	tagSeriesNumber  = 0x00200011
	tagInstanceNum   = 0x00200013
	tagPosition      = 0x00200032
	tagOrientation   = 0x00200037
	tagSamples       = 0x00280002
	tagPhotometric   = 0x00280004
	tagPlanar        = 0x00280006
	tagFrames        = 0x00280008
	tagRows          = 0x00280010
	tagColumns       = 0x00280011
	tagPixelSpacing  = 0x00280030
	tagBitsAlloc     = 0x00280100
	tagBitsStored    = 0x00280101
	tagHighBit       = 0x00280102
	tagPixelRep      = 0x00280103
	tagWindowCenter  = 0x00281050
	tagWindowWidth   = 0x00281051
	tagInterceptTag  = 0x00281052
	tagSlopeTag      = 0x00281053
	tagRedDesc       = 0x00281101
	tagGreenDesc     = 0x00281102
	tagBlueDesc      = 0x00281103
	tagRedData       = 0x00281201
	tagGreenData     = 0x00281202
	tagBlueData      = 0x00281203
	tagModalityLUT   = 0x00283000
	tagLUTDesc       = 0x00283002
	tagLUTData       = 0x00283006
	tagPixelMeasures = 0x00289110
	tagFrameVOI      = 0x00289132
	tagPixelValueTr  = 0x00289145
	tagPlanePosSeq   = 0x00209113
	tagPlaneOriSeq   = 0x00209116
	tagDirRecordSeq  = 0x00041220
	tagSharedFG      = 0x52009229
	tagPerFrameFG    = 0x52009230
	tagExtOffsets    = 0x7FE00001
	tagExtLengths    = 0x7FE00002
	tagFloatPixels   = 0x7FE00008
	tagDoublePixels  = 0x7FE00009
	tagPixelData     = 0x7FE00010
)

const undefinedLength = 0xFFFFFFFF

// element is one parsed data element. Values are raw bytes in their own
// byte order; value is nil for sequences and for values too long to keep.
type element struct {
	tag    uint32
	vr     vr
	big    bool
	length uint32
	value  []byte
	items  []*dataset
}

// dataset is the ordered elements of a dataset or sequence item.
type dataset struct {
	elems []element
}

func (d *dataset) get(t uint32) *element {
	for i := 0; d != nil && i < len(d.elems); i++ {
		if d.elems[i].tag == t {
			return &d.elems[i]
		}
	}
	return nil
}

func (d *dataset) has(t uint32) bool { return d.get(t) != nil }

// str returns the first value of a text element without padding.
func (d *dataset) str(t uint32) string {
	v := d.strs(t)
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// strs splits a text element on backslashes and trims padding.
func (d *dataset) strs(t uint32) []string {
	e := d.get(t)
	if e == nil || len(e.value) == 0 {
		return nil
	}
	parts := strings.Split(string(e.value), `\`)
	for i, p := range parts {
		parts[i] = strings.Trim(p, " \x00")
	}
	return parts
}

// item returns the first item of a sequence element, or nil.
func (d *dataset) item(t uint32) *dataset {
	e := d.get(t)
	if e == nil || len(e.items) == 0 {
		return nil
	}
	return e.items[0]
}

// order is the byte order of e's value.
func (e *element) order() binary.ByteOrder {
	if e.big {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// uints returns the values of a US/UL/SS/SL element; signed VRs are
// sign-extended. A UN value is read as US unless the dictionary says
// otherwise. ok is false when the element is missing or its length does
// not fit the VR.
func (d *dataset) uints(t uint32) ([]int64, bool) {
	e := d.get(t)
	if e == nil || e.value == nil {
		return nil, false
	}
	v := e.vr
	if v == vrUN || !v.valid() {
		v = dictVR(t)
	}
	return binaryInts(e.value, v, e.order())
}

func binaryInts(b []byte, v vr, bo binary.ByteOrder) ([]int64, bool) {
	size := 2
	if v == vrUL || v == vrSL {
		size = 4
	}
	if len(b)%size != 0 {
		return nil, false
	}
	out := make([]int64, len(b)/size)
	for i := range out {
		switch v {
		case vrUL:
			out[i] = int64(bo.Uint32(b[4*i:]))
		case vrSL:
			out[i] = int64(int32(bo.Uint32(b[4*i:])))
		case vrSS:
			out[i] = int64(int16(bo.Uint16(b[2*i:])))
		default:
			out[i] = int64(bo.Uint16(b[2*i:]))
		}
	}
	return out, true
}

// uint returns the first value of a binary integer element.
func (d *dataset) uint(t uint32) (int64, bool) {
	v, ok := d.uints(t)
	if !ok || len(v) == 0 {
		return 0, false
	}
	return v[0], true
}

// floats returns the values of a DS, IS, FL or FD element. ok is false
// when the element is missing; err reports a value that is not a number.
func (d *dataset) floats(t uint32) (vals []float64, ok bool, err error) {
	e := d.get(t)
	if e == nil || len(e.value) == 0 {
		return nil, false, nil
	}
	switch e.vr {
	case vrFD, vrFL:
		return binaryFloats(e.value, e.vr, e.order()), true, nil
	}
	for _, s := range d.strs(t) {
		f, perr := parseDecimal(s)
		if perr != nil {
			return nil, true, malformed("element (%04X,%04X) holds %q, not a number",
				t>>16, t&0xFFFF, clip(s))
		}
		vals = append(vals, f)
	}
	return vals, true, nil
}

func binaryFloats(b []byte, v vr, bo binary.ByteOrder) []float64 {
	size := 8
	if v == vrFL {
		size = 4
	}
	out := make([]float64, len(b)/size)
	for i := range out {
		if size == 4 {
			out[i] = float64(math.Float32frombits(bo.Uint32(b[4*i:])))
		} else {
			out[i] = math.Float64frombits(bo.Uint64(b[8*i:]))
		}
	}
	return out
}

// parseDecimal reads a DS or IS value. Inner spaces, which some writers
// leave between sign and digits, are removed.
func parseDecimal(s string) (float64, error) {
	s = strings.ReplaceAll(s, " ", "")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, strconv.ErrSyntax
	}
	return f, nil
}

// float returns the first numeric value; def when absent.
func (d *dataset) float(t uint32, def float64) (float64, error) {
	v, ok, err := d.floats(t)
	if err != nil || !ok || len(v) == 0 {
		return def, err
	}
	return v[0], nil
}

// integer reads an IS element, or a binary integer element, as an int;
// def when absent.
func (d *dataset) integer(t uint32, def int) (int, error) {
	e := d.get(t)
	if e == nil || len(e.value) == 0 {
		return def, nil
	}
	switch e.vr {
	case vrUS, vrSS, vrUL, vrSL:
		v, _ := d.uint(t)
		return int(v), nil
	}
	s := d.str(t)
	n, err := strconv.Atoi(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		return def, malformed("element (%04X,%04X) holds %q, not an integer",
			t>>16, t&0xFFFF, clip(s))
	}
	return n, nil
}

// clip bounds a value quoted in an error; only attributes that never hold
// patient data are ever quoted.
func clip(s string) string {
	if len(s) > 16 {
		return s[:16] + "..."
	}
	return s
}
