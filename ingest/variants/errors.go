package variants

import (
	"errors"
	"fmt"
)

// ErrMalformed reports input that breaks the rules of its format badly enough
// that it cannot be read (a missing #CHROM line, a truncated BGZF block).
// Bad single lines are not errors: they are counted as rejections.
var ErrMalformed = errors.New("variants: malformed input")

// ErrUnsupported reports valid input that this package does not read (BCF,
// a copy-number segment table, a format it does not recognise).
var ErrUnsupported = errors.New("variants: unsupported input")

// malformedf builds an error wrapping ErrMalformed that names the file.
func malformedf(path, format string, a ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrMalformed, path, fmt.Sprintf(format, a...))
}

// unsupportedf builds an error wrapping ErrUnsupported that names the file.
func unsupportedf(path, format string, a ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrUnsupported, path, fmt.Sprintf(format, a...))
}

// lineError is a problem with one line of an otherwise readable file.
type lineError struct {
	reason string
}

func (e *lineError) Error() string { return e.reason }

// badLine returns a line-level problem; callers turn it into a Rejection.
func badLine(format string, a ...any) error {
	return &lineError{reason: fmt.Sprintf(format, a...)}
}
