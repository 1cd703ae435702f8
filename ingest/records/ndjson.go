package records

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxLineBytes is the longest NDJSON line read; a longer line is rejected.
const MaxLineBytes = 64 << 20

// maxLineBytes is MaxLineBytes, lowered by tests.
var maxLineBytes = MaxLineBytes

var errLongLine = errors.New("line longer than the 64 MiB limit")

// fhirTable decodes one resource type. decode parses a line into the
// table's resource and returns a rejection reason ("" when good) and
// whether the resource is left out on purpose; rows writes the rows of the
// resource decoded last.
type fhirTable interface {
	decode(line []byte) (reason string, skip bool)
	rows(out *sink) error
}

// readNDJSON reads a FHIR Bulk Data NDJSON file. With a nil out, or a
// resource type that is not read, it only counts the lines holding a
// resource of the file's type.
func readNDJSON(ctx context.Context, in *input, st *Stats, out *sink) error {
	br := bufio.NewReaderSize(in.lines, 64<<10)
	want := resourceName(st.Table)
	tab := newFHIRTable(st.Table, want)
	var buf []byte
	for line := int64(1); ; line++ {
		if line%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("records: %s: %w", in.source, err)
			}
		}
		b, eof, err := readLine(br, &buf)
		switch {
		case errors.Is(err, errLongLine):
			st.reject(line, err.Error())
		case err != nil:
			return fmt.Errorf("%w: %s: %w", ErrMalformed, in.source, err)
		default:
			if err := ndjsonLine(b, line, want, tab, st, out); err != nil {
				return err
			}
		}
		if eof {
			return nil
		}
	}
}

// resourceName is the FHIR resource type a read table's file holds, ""
// for other tables.
func resourceName(t Table) string { return resourceTypes[t] }

// ndjsonLine handles one line: blank lines are ignored.
func ndjsonLine(b []byte, line int64, want string, tab fhirTable, st *Stats, out *sink) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	if tab == nil || out == nil {
		if reason := checkType(b, st.Table); reason != "" {
			st.reject(line, reason)
		} else {
			st.Rows++
		}
		return nil
	}
	reason, skip := tab.decode(b)
	switch {
	case reason != "":
		st.reject(line, reason)
	case skip:
		st.Skipped++
	default:
		return tab.rows(out)
	}
	return nil
}

// checkType decodes only the resource type of a line and checks that it
// belongs to table t.
func checkType(b []byte, t Table) string {
	var r struct{ ResourceType string }
	if err := json.Unmarshal(b, &r); err != nil {
		return jsonReason(err)
	}
	if got, ok := resourceTable(r.ResourceType); ok && got == t {
		return ""
	}
	return typeReason(r.ResourceType, string(t))
}

func typeReason(got, want string) string {
	switch {
	case got == "":
		return "resourceType: missing"
	case got != want:
		return fmt.Sprintf("resourceType: %s in a file of %s", got, want)
	}
	return ""
}

// jsonReason words a decoding error without quoting the input.
func jsonReason(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		// Value is the JSON kind, followed by the literal for numbers:
		// keep the kind only.
		kind, _, _ := strings.Cut(te.Value, " ")
		if te.Field == "" {
			return fmt.Sprintf("line holds a JSON %s, not a resource", kind)
		}
		field := strings.ReplaceAll(te.Field, "valueJSON.", "")
		return fmt.Sprintf("%s: JSON %s is not the FHIR type", field, kind)
	}
	return err.Error()
}

// readLine returns the next line without its LF or CRLF, using buf for
// lines longer than the reader's buffer. eof is true for the last line.
func readLine(br *bufio.Reader, buf *[]byte) (line []byte, eof bool, err error) {
	*buf = (*buf)[:0]
	for {
		chunk, err := br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			if len(*buf)+len(chunk) > maxLineBytes {
				return nil, false, skipLine(br)
			}
			*buf = append(*buf, chunk...)
			continue
		case errors.Is(err, io.EOF):
			eof = true
		case err != nil:
			return nil, true, err
		}
		if len(*buf) > 0 {
			chunk = append(*buf, chunk...)
			*buf = chunk
		}
		return bytes.TrimSuffix(bytes.TrimSuffix(chunk, []byte("\n")), []byte("\r")), eof, nil
	}
}

// skipLine discards the rest of an over-long line and reports it.
func skipLine(br *bufio.Reader) error {
	for {
		_, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		return errLongLine
	}
}
