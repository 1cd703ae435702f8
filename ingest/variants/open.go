package variants

import (
	"bufio"
	"bytes"
	stdgzip "compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// sniffLen is how much text Sniff and the readers look at to decide.
const sniffLen = 4096

// bcfMagic starts every BCF 2 file (after BGZF decompression if any).
var bcfMagic = []byte("BCF\x02")

// input is an open file whose content is read as text, decompressed when
// it is gzip or BGZF.
type input struct {
	path    string
	text    *bufio.Reader
	gzipped bool
	closers []io.Closer
}

// openInput opens path and sets up decompression from the first bytes.
func openInput(ctx context.Context, path string) (*input, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("variants: %w", err)
	}
	in, err := newInput(ctx, path, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	in.closers = append([]io.Closer{f}, in.closers...)
	return in, nil
}

// newInput reads r as text, inflating gzip or BGZF; path names r in errors.
func newInput(ctx context.Context, path string, r io.Reader) (*input, error) {
	in := &input{path: path}
	raw := bufio.NewReaderSize(r, 1<<16)
	head, _ := raw.Peek(18)
	var text io.Reader = raw
	switch {
	case isBGZF(head):
		z := newBGZFReader(ctx, raw)
		in.closers = append(in.closers, z)
		text, in.gzipped = z, true
	case isGzip(head):
		g, err := gzip.NewReader(raw)
		if err != nil {
			return nil, malformedf(path, "gzip header: %v", err)
		}
		in.closers = append(in.closers, g)
		text, in.gzipped = g, true
	}
	in.text = bufio.NewReaderSize(text, lineBufSize)
	return in, nil
}

// head returns up to sniffLen bytes of text without consuming them.
func (in *input) head() ([]byte, error) {
	h, err := in.text.Peek(sniffLen)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return h, in.wrapErr(0, err)
	}
	return h, nil
}

// wrapErr turns a read error into one naming the file (and line when known).
func (in *input) wrapErr(line int64, err error) error {
	where := in.path
	if line > 0 {
		where = fmt.Sprintf("%s: line %d", in.path, line)
	}
	switch {
	case errors.Is(err, errBGZF), errors.Is(err, gzip.ErrChecksum),
		errors.Is(err, gzip.ErrHeader), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, errLineTooLong):
		return fmt.Errorf("%w: %s: %v", ErrMalformed, where, err)
	}
	var ce flate.CorruptInputError
	if errors.As(err, &ce) {
		return fmt.Errorf("%w: %s: %v", ErrMalformed, where, err)
	}
	return fmt.Errorf("variants: %s: %w", where, err)
}

// Close releases the decompressors and the file.
func (in *input) Close() error {
	var first error
	for i := len(in.closers) - 1; i >= 0; i-- {
		if err := in.closers[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// isGzip reports whether b starts with the gzip magic number.
func isGzip(b []byte) bool {
	return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b
}

// inflateHead inflates as much of a gzip prefix as it can, up to sniffLen
// bytes; the prefix may end mid-stream. The standard library's inflater is
// used here because it hands out what it decoded before the input ran out.
func inflateHead(head []byte) []byte {
	g, err := stdgzip.NewReader(bytes.NewReader(head))
	if err != nil {
		return nil
	}
	out := make([]byte, 0, sniffLen)
	buf := make([]byte, sniffLen)
	for len(out) < sniffLen {
		n, err := g.Read(buf[:sniffLen-len(out)])
		out = append(out, buf[:n]...)
		if err != nil {
			break
		}
	}
	return out
}
