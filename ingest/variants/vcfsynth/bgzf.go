package vcfsynth

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
)

// blockInput is the most input one member holds, as in htslib, so that the
// compressed member always fits the 16-bit size field.
const blockInput = 0xff00

// eofMember is the empty member that ends every BGZF stream.
var eofMember = []byte{
	0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 'B', 'C', 0x02, 0,
	0x1b, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0,
}

// BGZFWriter writes BGZF. Close must be called to flush the last member and
// write the end-of-file member; it does not close the underlying writer.
type BGZFWriter struct {
	w    io.Writer
	buf  []byte
	comp bytes.Buffer
	fw   *flate.Writer
	err  error
}

// NewBGZFWriter returns a writer compressing at flate.DefaultCompression.
func NewBGZFWriter(w io.Writer) *BGZFWriter {
	fw, _ := flate.NewWriter(nil, flate.DefaultCompression)
	return &BGZFWriter{w: w, fw: fw, buf: make([]byte, 0, blockInput)}
}

// Write buffers p, writing a member each time 65280 bytes are gathered.
func (z *BGZFWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 && z.err == nil {
		k := min(len(p), blockInput-len(z.buf))
		z.buf = append(z.buf, p[:k]...)
		p, n = p[k:], n+k
		if len(z.buf) == blockInput {
			z.err = z.member()
		}
	}
	return n, z.err
}

// Close writes what is buffered and the end-of-file member.
func (z *BGZFWriter) Close() error {
	if z.err != nil {
		return z.err
	}
	if len(z.buf) > 0 {
		if z.err = z.member(); z.err != nil {
			return z.err
		}
	}
	_, z.err = z.w.Write(eofMember)
	if z.err == nil {
		z.err = errors.New("vcfsynth: BGZFWriter closed")
		return nil
	}
	return z.err
}

// member compresses the buffer into one member and writes it.
func (z *BGZFWriter) member() error {
	z.comp.Reset()
	z.fw.Reset(&z.comp)
	if _, err := z.fw.Write(z.buf); err != nil {
		return err
	}
	if err := z.fw.Close(); err != nil {
		return err
	}
	size := 18 + z.comp.Len() + 8
	if size > 1<<16 {
		return errors.New("vcfsynth: block does not compress into 64 KiB")
	}
	var h [18]byte
	copy(h[:], []byte{0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 'B', 'C', 0x02, 0})
	binary.LittleEndian.PutUint16(h[16:], uint16(size-1))
	var t [8]byte
	binary.LittleEndian.PutUint32(t[0:], crc32.ChecksumIEEE(z.buf))
	binary.LittleEndian.PutUint32(t[4:], uint32(len(z.buf)))
	z.buf = z.buf[:0]
	for _, part := range [][]byte{h[:], z.comp.Bytes(), t[:]} {
		if _, err := z.w.Write(part); err != nil {
			return err
		}
	}
	return nil
}
