package records

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// sniffBytes is how much of a file Sniff looks at.
const sniffBytes = 4096

// input is an open records file: buffered, with any UTF-8 byte-order mark
// removed, and with lone CRs turned into LFs by lines.
type input struct {
	c      io.Closer
	br     *bufio.Reader
	source string
	lines  *lineEnds
}

func newInput(rc io.ReadCloser, source string) (*input, error) {
	br := bufio.NewReaderSize(rc, 64<<10)
	if err := skipBOM(br, source); err != nil {
		return nil, err
	}
	if _, err := br.Peek(1); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: %s: empty file", ErrMalformed, source)
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, source, err)
	}
	in := &input{c: rc, br: br, source: source}
	in.lines = &lineEnds{r: br}
	return in, nil
}

// head returns up to sniffBytes of the file after the byte-order mark,
// without consuming them.
func (in *input) head() []byte {
	b, _ := in.br.Peek(sniffBytes)
	return b
}

func (in *input) close() { in.c.Close() }

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// skipBOM discards a UTF-8 byte-order mark and refuses UTF-16 ones.
func skipBOM(br *bufio.Reader, source string) error {
	b, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(b, bomUTF8):
		_, err := br.Discard(3)
		return err
	case bytes.HasPrefix(b, bomUTF16LE), bytes.HasPrefix(b, bomUTF16BE):
		return fmt.Errorf("%w: %s: UTF-16 text is not read; convert the file to UTF-8",
			ErrUnsupported, source)
	}
	return nil
}

// trimBOM returns b without a leading UTF-8 byte-order mark.
func trimBOM(b []byte) []byte {
	return bytes.TrimPrefix(b, bomUTF8)
}

// lineEnds reads r with every CR that is not followed by LF replaced by LF,
// so that files with CR-only line endings read as lines. CRLF pairs pass
// unchanged (encoding/csv folds them; the NDJSON reader trims the CR). A
// CR at the end of a read is decided by peeking at the next byte.
type lineEnds struct {
	r *bufio.Reader
}

func (l *lineEnds) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		j := bytes.IndexByte(p[i:n], '\r')
		if j < 0 {
			break
		}
		i += j
		if i+1 < n {
			if p[i+1] != '\n' {
				p[i] = '\n'
			}
			continue
		}
		if next, perr := l.r.Peek(1); perr != nil || next[0] != '\n' {
			p[i] = '\n'
		}
	}
	return n, err
}
