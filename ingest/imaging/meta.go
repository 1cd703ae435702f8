package imaging

// Meta holds the header attributes used downstream, strings trimmed of
// padding; PatientID is decoded to UTF-8 with the Specific Character Set.
// Geometry and window come from the top-level attributes or, in enhanced
// objects, from the shared or first per-frame functional groups.
type Meta struct {
	SOPClassUID, SOPInstanceUID, StudyInstanceUID, SeriesInstanceUID string

	TransferSyntaxUID, Modality, PatientID, PatientSex, PatientBirthDate string
	StudyDate                                                            string

	SeriesNumber, InstanceNumber int

	Rows, Columns, Frames, SamplesPerPixel         int
	BitsAllocated, BitsStored, PixelRepresentation int

	Photometric string
	// PixelSpacing is row spacing then column spacing in mm; 0 when absent.
	PixelSpacing [2]float64
	// Orientation is Image Orientation (Patient): row then column
	// direction cosines.
	Orientation    [6]float64
	HasOrientation bool
	// Position is Image Position (Patient) of frame 0, in mm.
	Position    [3]float64
	HasPosition bool

	WindowCenter, WindowWidth float64
	HasWindow                 bool

	IsDICOMDIR, HasPixels bool
}

const sopDICOMDIR = "1.2.840.10008.1.3.10"

// buildMeta extracts Meta from a parsed header. Only attributes that
// decide the pixels fail on bad values; a bad series or instance number
// reads as 0.
func buildMeta(h *header) (Meta, error) {
	ds := h.ds
	m := Meta{
		SOPClassUID:       firstNonEmpty(ds.str(tagSOPClass), h.meta.str(0x00020002)),
		SOPInstanceUID:    firstNonEmpty(ds.str(tagSOPInstance), h.meta.str(0x00020003)),
		StudyInstanceUID:  ds.str(tagStudyUID),
		SeriesInstanceUID: ds.str(tagSeriesUID),
		TransferSyntaxUID: h.syntax.uid,
		Modality:          ds.str(tagModality),
		PatientID:         ds.text(tagPatientID, ds.strs(tagCharset)),
		PatientSex:        ds.str(tagPatientSex),
		PatientBirthDate:  ds.str(tagBirthDate),
		StudyDate:         ds.str(tagStudyDate),
		Photometric:       ds.str(tagPhotometric),
		HasPixels:         h.pix.found,
	}
	m.SeriesNumber, _ = ds.integer(tagSeriesNumber, 0)
	m.InstanceNumber, _ = ds.integer(tagInstanceNum, 0)
	m.IsDICOMDIR = m.SOPClassUID == sopDICOMDIR || ds.has(tagDirRecordSeq)
	if err := readPixelModule(ds, &m); err != nil {
		return m, err
	}
	readGeometry(ds, &m)
	return m, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// readPixelModule reads the Image Pixel module (PS3.3 C.7.6.3) with the
// defaults old files rely on: one sample, MONOCHROME2 for one sample and
// RGB for three, Bits Stored equal to Bits Allocated.
func readPixelModule(ds *dataset, m *Meta) error {
	rows, _ := ds.uint(tagRows)
	cols, _ := ds.uint(tagColumns)
	m.Rows, m.Columns = int(rows), int(cols)
	spp, ok := ds.uint(tagSamples)
	if !ok {
		spp = 1
	}
	m.SamplesPerPixel = int(spp)
	ba, _ := ds.uint(tagBitsAlloc)
	m.BitsAllocated = int(ba)
	bs, ok := ds.uint(tagBitsStored)
	if !ok {
		bs = ba
	}
	m.BitsStored = int(bs)
	pr, _ := ds.uint(tagPixelRep)
	m.PixelRepresentation = int(pr)
	if m.Photometric == "" {
		m.Photometric = "MONOCHROME2"
		if m.SamplesPerPixel == 3 {
			m.Photometric = "RGB"
		}
	}
	frames, err := ds.integer(tagFrames, 1)
	if err != nil {
		return err
	}
	m.Frames = frames
	return nil
}

// readGeometry fills spacing, orientation, position and window from the
// top level, falling back to the functional groups of enhanced objects.
func readGeometry(ds *dataset, m *Meta) {
	groups := []*dataset{ds, ds.item(tagSharedFG), ds.item(tagPerFrameFG)}
	for _, g := range groups {
		if g == nil {
			continue
		}
		fillGeometry(g, m)
	}
	if m.PixelSpacing == [2]float64{} {
		if v, ok, err := ds.floats(0x00181164); ok && err == nil && len(v) == 2 {
			m.PixelSpacing = [2]float64{v[0], v[1]}
		}
	}
}

// fillGeometry sets, from one dataset or functional-group item, whatever
// m still lacks.
func fillGeometry(g *dataset, m *Meta) {
	pm := firstNonNil(g.item(tagPixelMeasures), g)
	if v, ok, err := pm.floats(tagPixelSpacing); ok && err == nil && len(v) == 2 &&
		m.PixelSpacing == [2]float64{} {
		m.PixelSpacing = [2]float64{v[0], v[1]}
	}
	if o, ok := orientationOf(g); ok && !m.HasOrientation {
		m.Orientation, m.HasOrientation = o, true
	}
	if p, ok := positionOf(g); ok && !m.HasPosition {
		m.Position, m.HasPosition = p, true
	}
	if c, w, ok := windowOf(g); ok && !m.HasWindow {
		m.WindowCenter, m.WindowWidth, m.HasWindow = c, w, true
	}
}

func firstNonNil(a, b *dataset) *dataset {
	if a != nil {
		return a
	}
	return b
}

// orientationOf reads Image Orientation (Patient) from g or from its Plane
// Orientation Sequence.
func orientationOf(g *dataset) ([6]float64, bool) {
	src := firstNonNil(g.item(tagPlaneOriSeq), g)
	v, ok, err := src.floats(tagOrientation)
	if !ok || err != nil || len(v) != 6 {
		return [6]float64{}, false
	}
	return [6]float64(v), true
}

// positionOf reads Image Position (Patient) from g or from its Plane
// Position Sequence.
func positionOf(g *dataset) ([3]float64, bool) {
	src := firstNonNil(g.item(tagPlanePosSeq), g)
	v, ok, err := src.floats(tagPosition)
	if !ok || err != nil || len(v) != 3 {
		return [3]float64{}, false
	}
	return [3]float64(v), true
}

// windowOf reads the first Window Center and Width from g or from its
// Frame VOI LUT Sequence; a width below 1 is no window.
func windowOf(g *dataset) (center, width float64, ok bool) {
	src := firstNonNil(g.item(tagFrameVOI), g)
	c, okc, errc := src.floats(tagWindowCenter)
	w, okw, errw := src.floats(tagWindowWidth)
	if !okc || !okw || errc != nil || errw != nil || len(c) == 0 || len(w) == 0 || w[0] < 1 {
		return 0, 0, false
	}
	return c[0], w[0], true
}
