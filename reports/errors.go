package reports

import "errors"

// The error vocabulary of the package. Every error Write, ReadManifest,
// CheckInputs and CompareOutputs return wraps one of these (or an I/O error
// from the operating system) and names the file or row concerned; none
// carries patient data.
var (
	// ErrInvalidRun reports a Run that cannot be turned into trustworthy
	// outputs: a risk outside [0,1], an unknown target or status, two rows
	// for the same patient and target, a config digest that does not match.
	ErrInvalidRun = errors.New("reports: invalid run")
	// ErrMalformed reports a manifest that cannot be read.
	ErrMalformed = errors.New("reports: malformed manifest")
	// ErrUnsupported reports a manifest written by a newer format version.
	ErrUnsupported = errors.New("reports: unsupported manifest version")
	// ErrMismatch reports an input or output that differs from what the
	// manifest recorded.
	ErrMismatch = errors.New("reports: mismatch")
)
