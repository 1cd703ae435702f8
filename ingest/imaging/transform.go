package imaging

// transform maps stored values to physical values: the Modality LUT
// (PS3.3 C.11.1): a LUT when lut is set, else Rescale Slope and Intercept.
type transform struct {
	slope, intercept float64
	lut              *lut
}

var identity = transform{slope: 1}

// lut is a lookup table: inputs below first map to data[0], inputs past
// the end to the last entry.
type lut struct {
	first int64
	data  []float64
}

func (l *lut) at(v int64) float64 {
	return l.data[min(max(v-l.first, 0), int64(len(l.data)-1))]
}

func (t *transform) apply(v int64) float64 {
	if t.lut != nil {
		return t.lut.at(v)
	}
	return float64(v)*t.slope + t.intercept
}

// readTransforms reads the modality transform: per frame from the Pixel
// Value Transformation Sequence of enhanced objects (per-frame, then
// shared groups), else the Modality LUT Sequence, else Rescale Slope and
// Intercept. Colour images have none.
func (im *image) readTransforms() error {
	im.base = identity
	if pf := im.ds.get(tagPerFrameFG); pf != nil {
		im.perFrame = pf.items
	}
	im.shared = im.ds.item(tagSharedFG)
	if im.m.SamplesPerPixel != 1 || im.m.Photometric == "PALETTE COLOR" {
		return nil
	}
	if t, ok, err := rescaleIn(im.shared); ok || err != nil {
		im.base = t
		return err
	}
	if seq := im.ds.item(tagModalityLUT); seq != nil {
		l, err := readLUT(seq, tagLUTDesc, tagLUTData, im.m.PixelRepresentation == 1)
		if err != nil {
			return err
		}
		im.base = transform{lut: l}
		return nil
	}
	t, _, err := rescaleOf(im.ds)
	im.base = t
	return err
}

// frameTransform is the transform of frame i.
func (im *image) frameTransform(i int) (transform, error) {
	if im.m.SamplesPerPixel != 1 || im.palette != nil {
		return identity, nil
	}
	if t, ok, err := rescaleIn(im.frameGroup(i)); ok || err != nil {
		return t, err
	}
	return im.base, nil
}

// rescaleIn reads the Pixel Value Transformation Sequence of a functional
// group item.
func rescaleIn(g *dataset) (transform, bool, error) {
	if it := g.item(tagPixelValueTr); it != nil {
		return rescaleOf(it)
	}
	return identity, false, nil
}

// rescaleOf reads Rescale Slope and Intercept (defaults 1 and 0).
func rescaleOf(ds *dataset) (transform, bool, error) {
	ok := ds.has(tagSlopeTag) || ds.has(tagInterceptTag)
	slope, err := ds.float(tagSlopeTag, 1)
	if err != nil {
		return identity, true, err
	}
	icpt, err := ds.float(tagInterceptTag, 0)
	if err != nil {
		return identity, true, err
	}
	if slope == 0 {
		return identity, true, malformed("rescale slope is 0")
	}
	return transform{slope: slope, intercept: icpt}, ok, nil
}

// readLUT reads a LUT Descriptor (entries, first mapped value, bits per
// entry; 0 entries means 65536) and its data, one entry per 16-bit word,
// or one per byte when 8-bit data holds exactly one byte per entry.
func readLUT(ds *dataset, descTag, dataTag uint32, signedFirst bool) (*lut, error) {
	desc, ok := ds.uints(descTag)
	if !ok || len(desc) != 3 {
		return nil, malformed("LUT descriptor (%04X,%04X) is missing or not 3 values",
			descTag>>16, descTag&0xFFFF)
	}
	n, first, bits := desc[0]&0xFFFF, desc[1], desc[2]
	if n == 0 {
		n = 65536
	}
	if signedFirst {
		first = int64(int16(first))
	} else {
		first &= 0xFFFF
	}
	data := ds.get(dataTag)
	if data == nil || data.value == nil || bits < 1 || bits > 16 {
		return nil, malformed("LUT data (%04X,%04X) is missing or has %d-bit entries",
			dataTag>>16, dataTag&0xFFFF, bits)
	}
	vals, err := lutEntries(data, int(n), int(bits))
	if err != nil {
		return nil, err
	}
	return &lut{first: first, data: vals}, nil
}

func lutEntries(e *element, n, bits int) ([]float64, error) {
	b := e.value
	vals := make([]float64, n)
	switch {
	case bits <= 8 && len(b) == n || bits <= 8 && len(b) == n+1:
		for i := range vals {
			vals[i] = float64(b[i])
		}
	case len(b) >= 2*n:
		bo := e.order()
		mask := uint16(1<<bits - 1)
		for i := range vals {
			vals[i] = float64(bo.Uint16(b[2*i:]) & mask)
		}
	default:
		return nil, malformed("LUT data holds %d bytes for %d entries", len(b), n)
	}
	return vals, nil
}

// palette is the Palette Color LUTs (PS3.3 C.7.6.3.1.5-6).
type palette struct {
	r, g, b *lut
}

// readPalette reads the three palette LUTs; segmented palettes are not
// decoded.
func readPalette(ds *dataset, m Meta) (*palette, error) {
	if ds.has(0x00281221) {
		return nil, unsupported("segmented palette colour LUTs are not decoded")
	}
	signed := m.PixelRepresentation == 1
	r, err := readLUT(ds, tagRedDesc, tagRedData, signed)
	if err != nil {
		return nil, err
	}
	g, err := readLUT(ds, tagGreenDesc, tagGreenData, signed)
	if err != nil {
		return nil, err
	}
	b, err := readLUT(ds, tagBlueDesc, tagBlueData, signed)
	if err != nil {
		return nil, err
	}
	return &palette{r: r, g: g, b: b}, nil
}
