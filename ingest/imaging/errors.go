package imaging

import (
	"errors"
	"fmt"
)

// The sentinel errors classify every rejection; test them with errors.Is.
// The text of a rejection names the file and the precise reason; it never
// holds patient data (names, identifiers, dates, instance UIDs).
var (
	// ErrNotDICOM: the bytes are not a DICOM file or dataset at all.
	ErrNotDICOM = errors.New("imaging: not DICOM")
	// ErrMalformed: the file claims to be DICOM but breaks the standard in
	// a way that leaves its pixels undecidable (truncation, impossible
	// lengths, a corrupt compressed stream, inconsistent attributes).
	ErrMalformed = errors.New("imaging: malformed")
	// ErrUnsupported: a valid encoding this build cannot decode, such as a
	// transfer syntax whose codec is missing.
	ErrUnsupported = errors.New("imaging: unsupported")
	// ErrNotImage: a valid DICOM object without decodable pixels (SR, RT
	// plan, waveform, DICOMDIR, header-only files).
	ErrNotImage = errors.New("imaging: not an image")
	// ErrTooLarge: a declared size exceeds the configured Limits.
	ErrTooLarge = errors.New("imaging: too large")
)

// reason is a classified error whose text is the reason alone; Is matches
// its class.
type reason struct {
	class error
	msg   string
}

func (r *reason) Error() string        { return r.msg }
func (r *reason) Is(target error) bool { return target == r.class }

func newReason(class error, format string, args ...any) error {
	return &reason{class: class, msg: fmt.Sprintf(format, args...)}
}

func malformed(format string, args ...any) error {
	return newReason(ErrMalformed, format, args...)
}

func unsupported(format string, args ...any) error {
	return newReason(ErrUnsupported, format, args...)
}

func notImage(format string, args ...any) error {
	return newReason(ErrNotImage, format, args...)
}

func tooLarge(format string, args ...any) error {
	return newReason(ErrTooLarge, format, args...)
}

// truncated reports that the file ends inside something it declared.
func truncated(what string, off int64) error {
	return malformed("truncated: file ends inside %s at offset %d", what, off)
}

// FileError is the error every exported reader returns: the file's path and
// the classified reason. errors.Is(err, ErrMalformed) and the like see
// through it.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return "imaging: " + e.Path + ": " + e.Err.Error() }

// Unwrap returns the classified reason.
func (e *FileError) Unwrap() error { return e.Err }
