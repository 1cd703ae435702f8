package imaging

import (
	"bufio"
	"errors"
	"io"
)

// stream reads a DICOM byte stream while tracking the offset for messages
// and truncation checks. size is the stream's length when known (a file),
// or -1 (an inflated dataset), in which case truncation is found on read.
type stream struct {
	r    *bufio.Reader
	pos  int64
	size int64
	// inflated marks offsets as positions in the inflated dataset.
	inflated bool
}

func newStream(r io.Reader, size int64) *stream {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 64<<10 {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &stream{r: br, size: size}
}

// remaining returns how many bytes are left, or -1 when unknown.
func (s *stream) remaining() int64 {
	if s.size < 0 {
		return -1
	}
	return s.size - s.pos
}

// fits reports whether n more bytes can exist in the stream.
func (s *stream) fits(n int64) bool {
	return s.size < 0 || n <= s.size-s.pos
}

// peek returns the next n bytes without consuming them; the slice is valid
// until the next read. A short stream gives io.ErrUnexpectedEOF, or io.EOF
// when the stream is exactly at its end.
func (s *stream) peek(n int) ([]byte, error) {
	b, err := s.r.Peek(n)
	if err == nil {
		return b, nil
	}
	if len(b) == 0 && errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	if errors.Is(err, io.EOF) {
		return b, io.ErrUnexpectedEOF
	}
	return b, err
}

// next consumes and returns the next n (small) bytes.
func (s *stream) next(n int) ([]byte, error) {
	b, err := s.peek(n)
	if err != nil {
		return b, err
	}
	s.r.Discard(n) //nolint:errcheck // n bytes are buffered
	s.pos += int64(n)
	return b, nil
}

// full fills dst from the stream.
func (s *stream) full(dst []byte) error {
	n, err := io.ReadFull(s.r, dst)
	s.pos += int64(n)
	return eofAsUnexpected(err)
}

// skip discards n bytes.
func (s *stream) skip(n int64) error {
	for n > 0 {
		step := n
		if step > 1<<30 {
			step = 1 << 30
		}
		d, err := s.r.Discard(int(step))
		s.pos += int64(d)
		if err != nil {
			return eofAsUnexpected(err)
		}
		n -= step
	}
	return nil
}

func eofAsUnexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// capReader fails with ErrTooLarge once more than max bytes were read; it
// bounds the work a deflated dataset can cause.
type capReader struct {
	r   io.Reader
	max int64
	n   int64
}

func (c *capReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, tooLarge("deflated dataset inflates beyond %d bytes", c.max)
	}
	return n, err
}
