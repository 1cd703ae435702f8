package imaging

import (
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"io"
)

// encoding is how a dataset's elements are written.
type encoding struct {
	implicit bool
	big      bool
}

func (e encoding) order() binary.ByteOrder {
	if e.big {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

var implicitLE = encoding{implicit: true}

// elemHeader is a parsed element header.
type elemHeader struct {
	tag    uint32
	vr     vr
	length uint32
	at     int64 // stream offset of the tag
}

// pixelHead locates the top-level pixel data element, whose value the
// stream is positioned at after parsing.
type pixelHead struct {
	found  bool
	tag    uint32
	vr     vr
	length uint32
	big    bool
	offset int64
}

// header is a parsed file up to its pixel data.
type header struct {
	meta    *dataset
	ds      *dataset
	syntax  syntax
	known   bool // the transfer syntax UID is in the table
	hasMeta bool
	enc     encoding
	pix     pixelHead
	s       *stream
}

type parser struct {
	s     *stream
	lim   Limits
	count int
}

// parseHeader reads r (size bytes, or -1 if unknown) up to the top-level
// pixel data, or to the end when there is none.
func parseHeader(r io.Reader, size int64, lim Limits) (*header, error) {
	p := &parser{s: newStream(r, size), lim: lim}
	h := &header{meta: &dataset{}, ds: &dataset{}}
	if err := p.readPreambleAndMeta(h); err != nil {
		return nil, err
	}
	if err := p.chooseEncoding(h); err != nil {
		return nil, err
	}
	if _, err := p.readDataset(h.ds, h.enc, -1, 0, &h.pix); err != nil {
		return nil, err
	}
	h.s = p.s
	return h, nil
}

// readPreambleAndMeta skips a 128-byte preamble and "DICM" when present and
// reads the file meta group (group 0002, always explicit VR little endian,
// PS3.10 Section 7.1). The group length is not trusted: the group ends at
// the first element of another group.
func (p *parser) readPreambleAndMeta(h *header) error {
	b, _ := p.s.peek(132)
	if len(b) == 132 && string(b[128:]) == "DICM" {
		p.s.next(132) //nolint:errcheck // peeked
	} else if !looksLikeDataset(b) {
		return newReason(ErrNotDICOM, "no DICM prefix and no recognisable dataset start")
	}
	for {
		b, err := p.s.peek(4)
		if err != nil || binary.LittleEndian.Uint16(b) != 0x0002 {
			return nil
		}
		enc := encoding{}
		if v, _ := p.s.peek(6); len(v) == 6 && !vr(uint16(v[4])<<8|uint16(v[5])).valid() {
			enc = implicitLE
		}
		eh, err := p.readHeader(enc)
		if err != nil {
			return err
		}
		h.hasMeta = true
		if err := p.readValue(h.meta, eh, enc, 0); err != nil {
			return err
		}
	}
}

// chooseEncoding picks the dataset encoding from the transfer syntax, or
// from the first element when the file meta names none (ACR-NEMA files,
// bare datasets), and wraps a deflated dataset.
func (p *parser) chooseEncoding(h *header) error {
	uid := h.meta.str(tagTransferSyn)
	h.syntax, h.known = lookupSyntax(uid)
	switch {
	case uid == "":
		return p.inferEncoding(h)
	case h.syntax.deflated:
		if err := p.inflate(); err != nil {
			return err
		}
	}
	h.enc = encoding{implicit: h.syntax.implicit, big: h.syntax.bigEndian}
	// Some writers label implicit data explicit, or the reverse; the first
	// element decides, as the standard's readers commonly do.
	if b, err := p.s.peek(8); err == nil {
		h.enc.implicit = !looksExplicit(b, h.enc.order())
	}
	return nil
}

// inferEncoding decides the encoding of a dataset without a transfer
// syntax from its first element, then records the matching native syntax.
func (p *parser) inferEncoding(h *header) error {
	b, err := p.s.peek(8)
	if err != nil {
		return notImage("empty dataset")
	}
	h.enc = encoding{big: bigEndianStart(b)}
	h.enc.implicit = !looksExplicit(b, h.enc.order())
	uid := uidExplicitLE
	switch {
	case h.enc.big:
		uid = uidExplicitBE
	case h.enc.implicit:
		uid = uidImplicitLE
	}
	h.syntax, h.known = lookupSyntax(uid)
	return nil
}

// inflate replaces the stream by the inflated remainder (PS3.5 Section
// A.5: raw deflate; a zlib wrapper, which some writers add, is accepted).
func (p *parser) inflate() error {
	var r io.Reader
	b, err := p.s.peek(2)
	if err == nil && b[0]&0x0F == 8 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0 {
		zr, zerr := zlib.NewReader(p.s.r)
		if zerr != nil {
			return malformed("deflated dataset: %v", zerr)
		}
		r = zr
	} else {
		r = flate.NewReader(p.s.r)
	}
	capped := &capReader{r: r, max: p.lim.MaxEncodedBytes + p.lim.MaxValueBytes*16}
	p.s = newStream(capped, -1)
	p.s.inflated = true
	return nil
}

// readHeader reads one element header in enc.
func (p *parser) readHeader(enc encoding) (elemHeader, error) {
	at := p.s.pos
	b, err := p.s.peek(8)
	if err != nil {
		if err == io.EOF {
			return elemHeader{}, io.EOF
		}
		return elemHeader{}, truncated("an element header", at)
	}
	bo := enc.order()
	h := elemHeader{at: at, tag: uint32(bo.Uint16(b))<<16 | uint32(bo.Uint16(b[2:]))}
	if h.tag>>16 == 0xFFFE || enc.implicit {
		h.length = bo.Uint32(b[4:])
		h.vr = dictVR(h.tag)
		p.s.next(8) //nolint:errcheck // peeked
		return h, nil
	}
	h.vr = vr(uint16(b[4])<<8 | uint16(b[5]))
	if !h.vr.long() {
		// Unknown VRs are read with a 2-byte length, as DCMTK does.
		h.length = uint32(bo.Uint16(b[6:]))
		p.s.next(8) //nolint:errcheck // peeked
		return h, nil
	}
	b, err = p.s.next(12)
	if err != nil {
		return h, truncated("an element header", at)
	}
	h.length = bo.Uint32(b[8:])
	return h, nil
}

// readDataset reads elements into ds until end (a stream offset; -1 for an
// undefined length), a delimiter, or, at the top level, the pixel data.
// It returns the delimiter tag that closed an undefined-length item.
func (p *parser) readDataset(ds *dataset, enc encoding, end int64, depth int,
	pix *pixelHead) (uint32, error) {
	for end < 0 || p.s.pos < end {
		eh, err := p.readHeader(enc)
		if err == io.EOF && pix != nil {
			return 0, nil
		}
		if err == io.EOF {
			return 0, truncated("a sequence item", p.s.pos)
		}
		if err != nil {
			return 0, err
		}
		if eh.tag>>16 == 0xFFFE {
			if done, err := p.delimiter(eh, end, pix != nil); done || err != nil {
				return eh.tag, err
			}
			continue
		}
		if pix != nil && isPixelTag(eh.tag) {
			*pix = pixelHead{found: true, tag: eh.tag, vr: eh.vr, length: eh.length,
				big: enc.big, offset: p.s.pos}
			return 0, nil
		}
		if err := p.readValue(ds, eh, enc, depth); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

// delimiter handles an item-group tag met among elements: a delimiter
// closes an undefined-length item; anywhere else it is stray and skipped,
// as is a sequence delimiter after a defined-length sequence, and a
// defined-length item whose sequence header is missing.
func (p *parser) delimiter(eh elemHeader, end int64, top bool) (bool, error) {
	switch {
	case eh.tag == tagItemDelim || eh.tag == tagSeqDelim:
		return end < 0 && !top, nil
	case eh.tag == tagItem && eh.length != undefinedLength:
		if _, err := p.readBytes(elemHeader{tag: eh.tag, length: eh.length}); err != nil {
			return false, err
		}
		return false, nil
	}
	return false, malformed("item tag (FFFE,%04X) outside a sequence at offset %d",
		eh.tag&0xFFFF, eh.at)
}

func isPixelTag(t uint32) bool {
	return t == tagPixelData || t == tagFloatPixels || t == tagDoublePixels
}

// readValue reads the value of the element eh into ds.
func (p *parser) readValue(ds *dataset, eh elemHeader, enc encoding, depth int) error {
	p.count++
	if p.count > p.lim.MaxElements {
		return tooLarge("more than %d elements", p.lim.MaxElements)
	}
	el := element{tag: eh.tag, vr: eh.vr, big: enc.big, length: eh.length}
	if seq, senc := p.isSequence(eh, enc); seq {
		items, err := p.readSequence(eh, senc, depth+1)
		if err != nil {
			return err
		}
		el.vr, el.items = vrSQ, items
		ds.elems = append(ds.elems, el)
		return nil
	}
	if eh.length == undefinedLength {
		if eh.tag == tagPixelData || eh.vr == vrOB || eh.vr == vrOW {
			return p.skipFragments(eh, enc)
		}
		return malformed("element (%04X,%04X) with VR %s has undefined length at offset %d",
			eh.tag>>16, eh.tag&0xFFFF, eh.vr, eh.at)
	}
	v, err := p.readBytes(eh)
	if err != nil {
		return err
	}
	el.value = v
	ds.elems = append(ds.elems, el)
	return nil
}

// isSequence decides whether eh starts a sequence, and in which encoding
// its items are. An undefined-length UN element is a sequence in implicit
// VR little endian (PS3.5 Section 6.2.2, CP-246). In implicit VR, a
// defined-length element is a sequence only if its value starts with an
// item, whatever the dictionary says.
func (p *parser) isSequence(eh elemHeader, enc encoding) (bool, encoding) {
	if eh.tag == tagPixelData {
		return false, enc
	}
	undefined := eh.length == undefinedLength
	switch {
	case eh.vr == vrSQ && !enc.implicit:
		return true, enc
	case undefined && eh.vr == vrUN && !enc.implicit:
		return true, implicitLE
	case undefined && enc.implicit:
		return true, enc
	case enc.implicit && (eh.vr == vrSQ || eh.vr == vrUN) && eh.length >= 8:
		b, err := p.s.peek(8)
		if err != nil {
			return false, enc
		}
		bo := enc.order()
		t := uint32(bo.Uint16(b))<<16 | uint32(bo.Uint16(b[2:]))
		n := bo.Uint32(b[4:])
		return t == tagItem && (n == undefinedLength || n <= eh.length-8), enc
	case enc.implicit && eh.vr == vrSQ && eh.length == 0:
		return true, enc
	}
	return false, enc
}

// readBytes reads a defined-length value, or skips it when it is longer
// than Limits.MaxValueBytes.
func (p *parser) readBytes(eh elemHeader) ([]byte, error) {
	n := int64(eh.length)
	if n > p.lim.MaxElementLength {
		return nil, tooLarge("element (%04X,%04X) declares %d bytes", eh.tag>>16,
			eh.tag&0xFFFF, n)
	}
	if !p.s.fits(n) {
		return nil, malformed("truncated: element (%04X,%04X) declares %d bytes but %d remain",
			eh.tag>>16, eh.tag&0xFFFF, n, p.s.remaining())
	}
	if n > p.lim.MaxValueBytes {
		if err := p.s.skip(n); err != nil {
			return nil, truncated("an element value", p.s.pos)
		}
		return nil, nil
	}
	v := make([]byte, n)
	if err := p.s.full(v); err != nil {
		return nil, truncated("an element value", p.s.pos)
	}
	return v, nil
}

// readSequence reads the items of a sequence. Tolerated deviations: an
// item delimiter after a defined-length item, a sequence delimiter that
// closes the last undefined-length item, and defined-length content that
// is not items (skipped). An undefined-length sequence that meets a
// non-item tag ends there.
func (p *parser) readSequence(eh elemHeader, enc encoding, depth int) ([]*dataset, error) {
	if depth > p.lim.MaxDepth {
		return nil, tooLarge("sequences nested deeper than %d", p.lim.MaxDepth)
	}
	end := int64(-1)
	if eh.length != undefinedLength {
		end = p.s.pos + int64(eh.length)
		if !p.s.fits(int64(eh.length)) {
			return nil, truncated("a sequence", eh.at)
		}
	}
	var items []*dataset
	for end < 0 || p.s.pos < end {
		it, done, err := p.sequenceEntry(eh, enc, end, depth)
		if err != nil {
			return nil, err
		}
		if it != nil {
			items = append(items, it)
		}
		if done {
			break
		}
	}
	return items, nil
}

// sequenceEntry reads what follows in a sequence: an item (returned), a
// delimiter, or a non-item tag that ends it. done reports the end of the
// sequence.
func (p *parser) sequenceEntry(eh elemHeader, enc encoding, end int64,
	depth int) (*dataset, bool, error) {
	b, err := p.s.peek(4)
	if err != nil {
		return nil, false, truncated("a sequence", eh.at)
	}
	if enc.order().Uint16(b) != 0xFFFE {
		if end >= 0 {
			return nil, true, p.s.skip(end - p.s.pos)
		}
		return nil, true, nil
	}
	ih, err := p.readHeader(enc)
	if err != nil {
		return nil, false, err
	}
	switch ih.tag {
	case tagSeqDelim:
		return nil, end < 0, nil
	case tagItem:
		return p.readItem(ih, enc, depth)
	}
	return nil, false, nil
}

// readItem reads one item; closed reports a sequence delimiter that ended
// both the item and its sequence.
func (p *parser) readItem(ih elemHeader, enc encoding, depth int) (*dataset, bool, error) {
	it := &dataset{}
	end := int64(-1)
	if ih.length != undefinedLength {
		if !p.s.fits(int64(ih.length)) {
			return nil, false, truncated("a sequence item", ih.at)
		}
		end = p.s.pos + int64(ih.length)
	}
	if b, err := p.s.peek(8); err == nil {
		enc.implicit = !looksExplicit(b, enc.order())
	}
	delim, err := p.readDataset(it, enc, end, depth, nil)
	return it, delim == tagSeqDelim, err
}

// skipFragments skips an encapsulated pixel data value nested in a
// sequence (an icon image).
func (p *parser) skipFragments(eh elemHeader, enc encoding) error {
	for {
		ih, err := p.readHeader(enc)
		if err != nil {
			return truncated("encapsulated pixel data", eh.at)
		}
		if ih.tag == tagSeqDelim {
			return nil
		}
		if ih.tag != tagItem || ih.length == undefinedLength {
			return malformed("encapsulated pixel data holds tag (%04X,%04X) at offset %d",
				ih.tag>>16, ih.tag&0xFFFF, ih.at)
		}
		if _, err := p.readBytes(elemHeader{tag: eh.tag, length: ih.length}); err != nil {
			return err
		}
	}
}

// looksExplicit reports whether the element header in b carries an
// explicit VR: two letters forming a VR the dictionary allows for the tag
// (or any valid VR for private and unknown tags).
func looksExplicit(b []byte, bo binary.ByteOrder) bool {
	t := uint32(bo.Uint16(b))<<16 | uint32(bo.Uint16(b[2:]))
	if t>>16 == 0xFFFE {
		return true
	}
	v := vr(uint16(b[4])<<8 | uint16(b[5]))
	if !v.valid() {
		return false
	}
	vrs := dictVRs(t)
	return len(vrs) == 0 || dictHas(t, v) || v == vrUN
}

// bigEndianStart guesses the byte order of a dataset from its first tag:
// the order that gives the smaller group number.
func bigEndianStart(b []byte) bool {
	return binary.BigEndian.Uint16(b) < binary.LittleEndian.Uint16(b)
}

// looksLikeDataset reports whether b plausibly starts a dataset without a
// preamble: a first element of group 0000-0008 with either an explicit VR
// or an implicit length that fits, in either byte order. Zeros are not a
// dataset.
func looksLikeDataset(b []byte) bool {
	if len(b) < 8 || binary.LittleEndian.Uint64(b) == 0 {
		return false
	}
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		g, e := bo.Uint16(b), bo.Uint16(b[2:])
		if g > 0x0008 || g&1 == 1 {
			continue
		}
		if looksExplicit(b, bo) && dictVRs(uint32(g)<<16|uint32(e)) != nil {
			return true
		}
		n := bo.Uint32(b[4:])
		if dictVRs(uint32(g)<<16|uint32(e)) != nil && n < 1<<16 && bo == binary.LittleEndian {
			return true
		}
	}
	return false
}
