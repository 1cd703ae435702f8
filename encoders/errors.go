package encoders

import "errors"

// The error vocabulary of the package. Every error returned wraps exactly one
// of these, so callers classify with errors.Is.
var (
	// ErrInvalidInput reports inputs or options that cannot be used: ragged
	// patient lists, vectors of the wrong length, impossible settings, or bytes
	// that are not a saved encoder set.
	ErrInvalidInput = errors.New("encoders: invalid input")
	// ErrUnsupported reports a saved encoder set written in a format version
	// this build does not read.
	ErrUnsupported = errors.New("encoders: unsupported")
	// ErrShapeMismatch reports data whose shape differs from the one the
	// encoders were fitted on, or a saved set whose weights do not match its
	// declared architecture.
	ErrShapeMismatch = errors.New("encoders: shape mismatch")
)
