package reports

import (
	"archive/zip"
	"bytes"
	"cmp"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// zipEpoch is the modification time stamped on every workbook part: the
// earliest time the ZIP format can hold, so that no clock enters the file.
var zipEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// zipEpochDate is zipEpoch as an MS-DOS date (year-1980, month, day), which
// zip.Writer.CreateRaw does not derive from the time by itself.
const zipEpochDate = 0<<9 | 1<<5 | 1

// stableZip is an excelize.ZipWriter whose archive depends only on the
// parts written: excelize writes streamed sheets in map order, so the parts
// are compressed as they come and written at Close in a fixed order
// ([Content_Types].xml, then the rest by name), all with the same time.
type stableZip struct {
	w     io.Writer
	parts []*zipPart
}

type zipPart struct {
	name string
	crc  uint32
	size uint64
	data bytes.Buffer // deflated
	fw   *flate.Writer
}

func newStableZip(w io.Writer) excelize.ZipWriter { return &stableZip{w: w} }

// Create starts a part; its bytes are deflated into memory.
func (z *stableZip) Create(name string) (io.Writer, error) {
	z.closeLast()
	p := &zipPart{name: name}
	if rewritten(name) {
		// Buffered raw and rewritten at Close.
		z.parts = append(z.parts, p)
		return &p.data, nil
	}
	fw, err := flate.NewWriter(&p.data, flate.DefaultCompression)
	if err != nil {
		return nil, err
	}
	p.fw = fw
	z.parts = append(z.parts, p)
	return p, nil
}

func (p *zipPart) Write(b []byte) (int, error) {
	p.crc = crc32.Update(p.crc, crc32.IEEETable, b)
	p.size += uint64(len(b))
	return p.fw.Write(b)
}

func (z *stableZip) closeLast() error {
	if n := len(z.parts); n > 0 && z.parts[n-1].fw != nil {
		err := z.parts[n-1].fw.Close()
		z.parts[n-1].fw = nil
		return err
	}
	return nil
}

// AddFS is not used by excelize when writing a workbook.
func (z *stableZip) AddFS(fs.FS) error {
	return errors.New("reports: stable zip writer does not add file systems")
}

// Close writes every part in a fixed order and the central directory.
func (z *stableZip) Close() error {
	if err := z.closeLast(); err != nil {
		return err
	}
	if err := z.rewrite(); err != nil {
		return err
	}
	slices.SortFunc(z.parts, func(a, b *zipPart) int { return comparePartNames(a.name, b.name) })
	zw := zip.NewWriter(z.w)
	for _, p := range z.parts {
		if err := p.writeTo(zw); err != nil {
			return err
		}
	}
	return zw.Close()
}

func comparePartNames(a, b string) int {
	rank := func(name string) bool { return name != contentTypesName }
	return cmp.Or(compareBool(rank(a), rank(b)), strings.Compare(a, b))
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func (p *zipPart) writeTo(zw *zip.Writer) error {
	h := &zip.FileHeader{
		Name:               p.name,
		Method:             zip.Deflate,
		Modified:           zipEpoch,
		ModifiedDate:       zipEpochDate,
		CRC32:              p.crc,
		CompressedSize64:   uint64(p.data.Len()),
		UncompressedSize64: p.size,
	}
	w, err := zw.CreateRaw(h)
	if err != nil {
		return err
	}
	_, err = p.data.WriteTo(w)
	return err
}

const contentTypesName = "[Content_Types].xml"

// contentTypes is the package's content-type part. excelize lists the
// default extensions in map order; they are sorted here.
type contentTypes struct {
	XMLName xml.Name `xml:"http://schemas.openxmlformats.org/package/2006/content-types Types"`

	Defaults  []ctDefault  `xml:"Default"`
	Overrides []ctOverride `xml:"Override"`
}

type ctDefault struct {
	Extension   string `xml:"Extension,attr"`
	ContentType string `xml:"ContentType,attr"`
}

type ctOverride struct {
	PartName    string `xml:"PartName,attr"`
	ContentType string `xml:"ContentType,attr"`
}

// rewritten reports whether a part is buffered raw and rewritten at Close:
// the content types (put in a fixed order) and the charts (see fixChart).
func rewritten(name string) bool {
	return name == contentTypesName || strings.HasPrefix(name, "xl/charts/chart")
}

// rewrite fixes the raw parts and deflates them.
func (z *stableZip) rewrite() error {
	for _, p := range z.parts {
		if !rewritten(p.name) {
			continue
		}
		raw := p.data.Bytes()
		var err error
		if p.name == contentTypesName {
			raw, err = canonicalContentTypes(raw)
		} else {
			raw = fixChart(raw)
		}
		if err != nil {
			return err
		}
		if err := p.deflate(raw); err != nil {
			return err
		}
	}
	return nil
}

func (p *zipPart) deflate(raw []byte) error {
	raw = bytes.Clone(raw) // raw may alias p.data
	p.data.Reset()
	fw, err := flate.NewWriter(&p.data, flate.DefaultCompression)
	if err != nil {
		return err
	}
	if _, err := fw.Write(raw); err != nil {
		return err
	}
	p.crc, p.size = crc32.ChecksumIEEE(raw), uint64(len(raw))
	return fw.Close()
}

// canonicalContentTypes sorts the content-type part.
func canonicalContentTypes(raw []byte) ([]byte, error) {
	var ct contentTypes
	if err := xml.Unmarshal(raw, &ct); err != nil {
		return nil, fmt.Errorf("reports: workbook content types: %w", err)
	}
	slices.SortFunc(ct.Defaults, func(a, b ctDefault) int {
		return strings.Compare(a.Extension, b.Extension)
	})
	slices.SortFunc(ct.Overrides, func(a, b ctOverride) int {
		return strings.Compare(a.PartName, b.PartName)
	})
	out, err := xml.Marshal(ct)
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), out...), nil
}

// fixChart makes the x values of scatter charts numbers: excelize refers
// to them as text (strRef), which LibreOffice plots as categories 1, 2, 3
// instead of the values in the cells.
func fixChart(raw []byte) []byte {
	raw = bytes.ReplaceAll(raw, []byte("<xVal><strRef>"), []byte("<xVal><numRef>"))
	return bytes.ReplaceAll(raw, []byte("</strRef></xVal>"), []byte("</numRef></xVal>"))
}
