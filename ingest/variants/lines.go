package variants

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

const (
	lineBufSize  = 128 << 10
	maxLineBytes = 64 << 20
)

// errLineTooLong reports a line longer than maxLineBytes.
var errLineTooLong = errors.New("line longer than 64 MiB")

// lineReader splits text into lines ended by LF, CRLF or, when the start of
// the text holds a CR and no LF, by CR alone (old Mac files). A UTF-8
// byte-order mark at the start is dropped.
type lineReader struct {
	r     *bufio.Reader
	delim byte
	n     int64 // number of the line last returned, 1-based
	long  []byte
}

func newLineReader(r io.Reader) *lineReader {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < lineBufSize {
		br = bufio.NewReaderSize(r, lineBufSize)
	}
	lr := &lineReader{r: br, delim: '\n'}
	head, _ := br.Peek(64 << 10)
	if bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		head = head[3:]
	}
	if bytes.IndexByte(head, '\n') < 0 && bytes.IndexByte(head, '\r') >= 0 {
		lr.delim = '\r'
	}
	return lr
}

// next returns the next line without its terminator. The slice is valid
// until the following call. It returns io.EOF after the last line.
func (l *lineReader) next() ([]byte, error) {
	line, err := l.r.ReadSlice(l.delim)
	if err == bufio.ErrBufferFull {
		line, err = l.readLong(line)
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	if err == io.EOF && len(line) == 0 {
		return nil, io.EOF
	}
	l.n++
	if n := len(line); n > 0 && line[n-1] == l.delim {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// readLong gathers a line that does not fit in the buffer.
func (l *lineReader) readLong(first []byte) ([]byte, error) {
	l.long = append(l.long[:0], first...)
	for {
		part, err := l.r.ReadSlice(l.delim)
		l.long = append(l.long, part...)
		if len(l.long) > maxLineBytes {
			return nil, errLineTooLong
		}
		if err != bufio.ErrBufferFull {
			return l.long, err
		}
	}
}
