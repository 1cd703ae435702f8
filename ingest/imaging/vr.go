package imaging

import (
	"github.com/suyashkumar/dicom/pkg/tag"
)

// vr is a value representation as its two ASCII letters, first letter high.
type vr uint16

func mkVR(s string) vr { return vr(s[0])<<8 | vr(s[1]) }

var (
	vrOB = mkVR("OB")
	vrOW = mkVR("OW")
	vrSQ = mkVR("SQ")
	vrUN = mkVR("UN")
	vrUS = mkVR("US")
	vrSS = mkVR("SS")
	vrUL = mkVR("UL")
	vrSL = mkVR("SL")
	vrFL = mkVR("FL")
	vrFD = mkVR("FD")
	vrOF = mkVR("OF")
	vrOD = mkVR("OD")
	vrOL = mkVR("OL")
	vrOV = mkVR("OV")
	vrSV = mkVR("SV")
	vrUV = mkVR("UV")
)

// vrInfo: bit 0 = a valid VR, bit 1 = explicit VR with a 4-byte length
// (PS3.5 Section 7.1.2).
var vrInfo = func() map[vr]uint8 {
	m := map[vr]uint8{}
	for _, s := range []string{"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD",
		"IS", "LO", "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US"} {
		m[mkVR(s)] = 1
	}
	for _, s := range []string{"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC",
		"UN", "UR", "UT", "UV"} {
		m[mkVR(s)] = 3
	}
	return m
}()

func (v vr) valid() bool { return vrInfo[v]&1 != 0 }
func (v vr) long() bool  { return vrInfo[v]&2 != 0 }

func (v vr) String() string {
	if v == 0 {
		return "--"
	}
	return string([]byte{byte(v >> 8), byte(v)})
}

// dictVRs returns the VRs the DICOM dictionary gives a tag (PS3.6), taken
// from github.com/suyashkumar/dicom's dictionary; nil for private and
// unknown tags. Group lengths are UL.
func dictVRs(t uint32) []string {
	g, e := uint16(t>>16), uint16(t)
	if g&1 == 1 {
		return nil
	}
	if e == 0 {
		return []string{"UL"}
	}
	info, err := tag.Find(tag.Tag{Group: g, Element: e})
	if err != nil {
		return nil
	}
	return info.VRs
}

// dictVR is the VR implicit-VR data implies for a tag: the dictionary's
// first choice, or UN.
func dictVR(t uint32) vr {
	vrs := dictVRs(t)
	if len(vrs) == 0 || len(vrs[0]) != 2 {
		return vrUN
	}
	return mkVR(vrs[0])
}

// dictHas reports whether the dictionary allows v for tag t.
func dictHas(t uint32, v vr) bool {
	for _, s := range dictVRs(t) {
		if len(s) == 2 && mkVR(s) == v {
			return true
		}
	}
	return false
}
