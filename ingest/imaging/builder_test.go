package imaging

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// builder writes small synthetic DICOM files for tests: any transfer
// syntax, deliberately broken structures included.
type builder struct {
	buf bytes.Buffer
	enc encoding
}

// newFile starts a Part 10 file: preamble, DICM, file meta with ts.
func newFile(ts string) *builder {
	b := &builder{}
	b.buf.Write(make([]byte, 128))
	b.buf.WriteString("DICM")
	meta := &builder{}
	meta.str(0x00020001, "OB", "\x00\x01")
	meta.str(0x00020002, "UI", "1.2.840.10008.5.1.4.1.1.2")
	meta.str(0x00020003, "UI", "1.2.3.4.5.6.7.8.9.SOPUID")
	meta.str(0x00020010, "UI", ts)
	b.elem(0x00020000, "UL", u32le(uint32(meta.buf.Len())))
	b.buf.Write(meta.buf.Bytes())
	s, _ := lookupSyntax(ts)
	b.enc = encoding{implicit: s.implicit, big: s.bigEndian}
	return b
}

// newBare starts a dataset without preamble or meta.
func newBare(enc encoding) *builder { return &builder{enc: enc} }

func (b *builder) order() binary.ByteOrder { return b.enc.order() }

func (b *builder) tag(t uint32) {
	var x [4]byte
	b.order().PutUint16(x[:], uint16(t>>16))
	b.order().PutUint16(x[2:], uint16(t))
	b.buf.Write(x[:])
}

// head writes an element header with length n.
func (b *builder) head(t uint32, v string, n uint32) {
	b.tag(t)
	var x [4]byte
	if b.enc.implicit || t>>16 == 0xFFFE {
		b.order().PutUint32(x[:], n)
		b.buf.Write(x[:])
		return
	}
	b.buf.WriteString(v)
	if mkVR(v).long() {
		b.buf.Write([]byte{0, 0})
		b.order().PutUint32(x[:], n)
		b.buf.Write(x[:])
		return
	}
	b.order().PutUint16(x[:], uint16(n))
	b.buf.Write(x[:2])
}

func (b *builder) elem(t uint32, v string, val []byte) *builder {
	b.head(t, v, uint32(len(val)))
	b.buf.Write(val)
	return b
}

// str writes a text value padded to even length.
func (b *builder) str(t uint32, v, s string) *builder {
	if len(s)%2 == 1 {
		pad := " "
		if v == "UI" || v == "OB" {
			pad = "\x00"
		}
		s += pad
	}
	return b.elem(t, v, []byte(s))
}

func (b *builder) us(t uint32, vals ...uint16) *builder {
	val := make([]byte, 2*len(vals))
	for i, v := range vals {
		b.order().PutUint16(val[2*i:], v)
	}
	return b.elem(t, "US", val)
}

// seq writes an undefined-length sequence of undefined-length items, each
// given as the bytes of its elements.
func (b *builder) seq(t uint32, items ...[]byte) *builder {
	b.head(t, "SQ", undefinedLength)
	for _, it := range items {
		b.head(tagItem, "", undefinedLength)
		b.buf.Write(it)
		b.head(tagItemDelim, "", 0)
	}
	b.head(tagSeqDelim, "", 0)
	return b
}

// sub returns a builder for item contents in the same encoding.
func (b *builder) sub() *builder { return &builder{enc: b.enc} }

// image writes the Image Pixel module.
func (b *builder) image(rows, cols, spp, alloc, stored, pixrep int, pi string) *builder {
	b.us(tagSamples, uint16(spp))
	b.str(tagPhotometric, "CS", pi)
	b.us(tagRows, uint16(rows)).us(tagColumns, uint16(cols))
	b.us(tagBitsAlloc, uint16(alloc)).us(tagBitsStored, uint16(stored))
	b.us(tagHighBit, uint16(stored-1)).us(tagPixelRep, uint16(pixrep))
	return b
}

// patient writes identifying attributes that must never reach an error.
func (b *builder) patient() *builder {
	b.str(tagSOPClass, "UI", "1.2.840.10008.5.1.4.1.1.2")
	b.str(tagSOPInstance, "UI", "1.2.3.4.5.6.7.8.9.SOPUID")
	b.str(tagModality, "CS", "CT")
	b.str(0x00100010, "PN", "Secret^Patient")
	b.str(tagPatientID, "LO", "PID-SECRET-42")
	b.str(tagBirthDate, "DA", "19450317")
	b.str(tagStudyUID, "UI", "1.2.3.4.5.6.7.8.9.STUDYUID")
	b.str(tagSeriesUID, "UI", "1.2.3.4.5.6.7.8.9.SERIESUID")
	return b
}

// secrets are the identifying strings patient writes.
var secrets = []string{"Secret", "PID-SECRET-42", "19450317", "SOPUID", "STUDYUID", "SERIESUID"}

func (b *builder) pixels(v string, data []byte) *builder {
	if len(data)%2 == 1 {
		data = append(data, 0)
	}
	return b.elem(tagPixelData, v, data)
}

// fragments writes encapsulated pixel data: the offset table, then one
// item per fragment.
func (b *builder) fragments(bot []uint32, frags ...[]byte) *builder {
	b.head(tagPixelData, "OB", undefinedLength)
	table := make([]byte, 4*len(bot))
	for i, o := range bot {
		binary.LittleEndian.PutUint32(table[4*i:], o)
	}
	b.head(tagItem, "", uint32(len(table)))
	b.buf.Write(table)
	for _, f := range frags {
		b.head(tagItem, "", uint32(len(f)))
		b.buf.Write(f)
	}
	b.head(tagSeqDelim, "", 0)
	return b
}

func (b *builder) bytes() []byte { return bytes.Clone(b.buf.Bytes()) }

// deflated returns the file with everything after the meta group
// deflated; dataStart is where the dataset begins.
func deflated(file []byte, dataStart int) []byte {
	var out bytes.Buffer
	out.Write(file[:dataStart])
	w, _ := flate.NewWriter(&out, flate.BestSpeed)
	w.Write(file[dataStart:])
	w.Close()
	return out.Bytes()
}

// write stores data in a temporary file and returns its path.
func write(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func u32le(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func le16(vals ...int) []byte {
	out := make([]byte, 0, 2*len(vals))
	for _, v := range vals {
		out = binary.LittleEndian.AppendUint16(out, uint16(v))
	}
	return out
}

func be16(vals ...int) []byte {
	out := make([]byte, 0, 2*len(vals))
	for _, v := range vals {
		out = binary.BigEndian.AppendUint16(out, uint16(v))
	}
	return out
}

// packBits encodes data as one RLE segment of literal runs (PS3.5 G.3.1).
func packBits(data []byte) []byte {
	var out []byte
	for len(data) > 0 {
		n := min(len(data), 128)
		out = append(out, byte(n-1))
		out = append(out, data[:n]...)
		data = data[n:]
	}
	return out
}

// rleFrameOf builds an RLE frame from byte planes (most significant byte
// of each sample first).
func rleFrameOf(planes ...[]byte) []byte {
	head := make([]byte, 64)
	binary.LittleEndian.PutUint32(head, uint32(len(planes)))
	var body []byte
	for i, p := range planes {
		binary.LittleEndian.PutUint32(head[4+4*i:], uint32(64+len(body)))
		body = append(body, packBits(p)...)
	}
	out := append(head, body...)
	if len(out)%2 == 1 {
		out = append(out, 0)
	}
	return out
}

// decodeAll decodes path and returns every frame's values, concatenated.
func decodeAll(t *testing.T, path string) (Meta, []float32, []Frame, error) {
	t.Helper()
	var all []float32
	var frames []Frame
	m, err := Decode(t.Context(), path, Limits{}, func(m Meta, f Frame) error {
		all = append(all, f.Pixels...)
		f.Pixels = nil
		frames = append(frames, f)
		return nil
	})
	return m, all, frames, err
}
