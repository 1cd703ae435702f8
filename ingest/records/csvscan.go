package records

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// csvScanner splits CSV records (RFC 4180) exactly as encoding/csv.Reader
// does with a comma separator, FieldsPerRecord -1, strict quotes and no
// comment character: empty lines are skipped, CRLF is read as LF (inside
// quoted fields too), a quote inside an unquoted field is csv.ErrBareQuote,
// and a stray or missing closing quote is csv.ErrQuote, which ends that
// record only. FuzzCSVScanner holds it to that.
//
// Unlike csv.Reader it allocates nothing per record: the fields it returns
// share one internal buffer and are valid only until the next call to
// next. The callers copy what they keep (into Arrow builders). It also
// returns valid UTF-8 only (see views).
type csvScanner struct {
	r      *bufio.Reader
	raw    []byte   // a line longer than r's buffer
	buf    []byte   // the current record's fields, unescaped, each followed by a comma
	ends   []int    // the end of each field in buf
	fields []string // views of buf
	line   int      // lines read so far
	start  int      // the line the current record starts on
}

func newCSVScanner(r *bufio.Reader) *csvScanner {
	return &csvScanner{r: r}
}

// next returns the next record, io.EOF at the end, a *csv.ParseError for a
// record that breaks the quoting rules, or a read error.
func (s *csvScanner) next() ([]string, error) {
	line, err := s.firstLine()
	if err != nil {
		return nil, err
	}
	s.start = s.line
	s.buf, s.ends = s.buf[:0], s.ends[:0]
	for done := false; !done; {
		if len(line) > 0 && line[0] == '"' {
			line, done, err = s.quoted(line[1:])
		} else {
			line, done, err = s.plain(line)
		}
		if err != nil {
			return nil, err
		}
	}
	return s.views(), nil
}

// firstLine reads the first line of a record, skipping empty lines.
func (s *csvScanner) firstLine() ([]byte, error) {
	for {
		line, err := s.readLine()
		switch {
		case err != nil:
			return nil, err
		case len(line) > lenNL(line):
			return line, nil
		}
	}
}

// readLine returns the next line with its LF, CRLF turned into LF; the
// last line may lack the LF.
func (s *csvScanner) readLine() ([]byte, error) {
	line, err := s.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		s.raw = append(s.raw[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = s.r.ReadSlice('\n')
			s.raw = append(s.raw, line...)
		}
		line = s.raw
	}
	if n := len(line); n > 0 && errors.Is(err, io.EOF) {
		err = nil
		if line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	s.line++
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

// lenNL is the length of b's trailing LF, 0 or 1.
func lenNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// plain reads an unquoted field from line; done is true at the record's
// end.
func (s *csvScanner) plain(line []byte) (rest []byte, done bool, err error) {
	i := bytes.IndexByte(line, ',')
	field := line[:len(line)-lenNL(line)]
	if i >= 0 {
		field = line[:i]
	}
	if bytes.IndexByte(field, '"') >= 0 {
		return nil, true, s.syntax(csv.ErrBareQuote)
	}
	s.endField(field)
	if i < 0 {
		return nil, true, nil
	}
	return line[i+1:], false, nil
}

// quoted reads a quoted field whose opening quote has been consumed,
// reading more lines while the field goes on.
func (s *csvScanner) quoted(line []byte) (rest []byte, done bool, err error) {
	for {
		i := bytes.IndexByte(line, '"')
		switch {
		case i >= 0:
			s.buf = append(s.buf, line[:i]...)
			line = line[i+1:]
			switch {
			case len(line) > 0 && line[0] == '"':
				s.buf = append(s.buf, '"')
				line = line[1:]
			case len(line) > 0 && line[0] == ',':
				s.endField(nil)
				return line[1:], false, nil
			case lenNL(line) == len(line):
				s.endField(nil)
				return nil, true, nil
			default:
				return nil, true, s.syntax(csv.ErrQuote)
			}
		case len(line) > 0:
			s.buf = append(s.buf, line...)
			if line, err = s.readLine(); err != nil && !errors.Is(err, io.EOF) {
				return nil, true, err
			}
		default:
			// The file ended inside the quotes.
			return nil, true, s.syntax(csv.ErrQuote)
		}
	}
}

// endField appends tail to the current field and ends it. The comma after
// each field keeps a byte sequence from spanning two fields, so that buf is
// valid UTF-8 exactly when every field is.
func (s *csvScanner) endField(tail []byte) {
	s.buf = append(s.buf, tail...)
	s.ends = append(s.ends, len(s.buf))
	s.buf = append(s.buf, ',')
}

func (s *csvScanner) syntax(err error) error {
	return &csv.ParseError{StartLine: s.start, Line: s.line, Err: err}
}

// views returns the fields as strings sharing buf. A record that is not
// valid UTF-8 (a Latin-1 export, say) gets copies with each bad run of
// bytes replaced by U+FFFD, as encoding/json does for FHIR.
func (s *csvScanner) views() []string {
	valid := utf8.Valid(s.buf)
	s.fields = s.fields[:0]
	from := 0
	for _, to := range s.ends {
		var f string
		if to > from {
			f = unsafe.String(&s.buf[from], to-from)
		}
		if !valid {
			f = strings.ToValidUTF8(f, "\uFFFD")
		}
		s.fields = append(s.fields, f)
		from = to + 1
	}
	return s.fields
}
