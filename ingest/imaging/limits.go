package imaging

// Limits bound what one file may make the reader allocate or compute, so
// that a hostile or corrupt file fails with ErrTooLarge instead of
// exhausting memory. A zero field means the DefaultLimits value.
type Limits struct {
	// MaxElementLength is the largest declared length accepted for any
	// element other than Pixel Data; longer ones are rejected.
	MaxElementLength int64
	// MaxValueBytes is the largest value kept in memory while parsing the
	// header; longer values (private blobs, waveforms, overlays) are
	// skipped, not read.
	MaxValueBytes int64
	// MaxEncodedBytes bounds the Pixel Data held in memory (the encoded
	// pixels of the whole file, or the decompressed dataset of a deflated
	// file).
	MaxEncodedBytes int64
	// MaxFrameSamples bounds rows*columns*samples of one decoded frame.
	MaxFrameSamples int64
	// MaxDecodedBytes bounds the decoded size of all frames of a file, in
	// bytes of float32 samples.
	MaxDecodedBytes int64
	// MaxFrames bounds Number of Frames.
	MaxFrames int
	// MaxDepth bounds the nesting of sequences.
	MaxDepth int
	// MaxElements bounds the number of elements of the header, counted
	// over all nesting levels.
	MaxElements int
}

// DefaultLimits suits clinical exports: frames up to 64 M samples (an 8k x
// 8k colour tile), 1 GiB of encoded pixels, 8 GiB decoded per file.
func DefaultLimits() Limits {
	return Limits{
		MaxElementLength: 1 << 30,
		MaxValueBytes:    8 << 20,
		MaxEncodedBytes:  1 << 30,
		MaxFrameSamples:  1 << 26,
		MaxDecodedBytes:  8 << 30,
		MaxFrames:        1 << 16,
		MaxDepth:         32,
		MaxElements:      1 << 20,
	}
}

// orDefault fills zero fields from DefaultLimits.
func (l Limits) orDefault() Limits {
	d := DefaultLimits()
	pick64 := func(v *int64, def int64) {
		if *v <= 0 {
			*v = def
		}
	}
	pick := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	pick64(&l.MaxElementLength, d.MaxElementLength)
	pick64(&l.MaxValueBytes, d.MaxValueBytes)
	pick64(&l.MaxEncodedBytes, d.MaxEncodedBytes)
	pick64(&l.MaxFrameSamples, d.MaxFrameSamples)
	pick64(&l.MaxDecodedBytes, d.MaxDecodedBytes)
	pick(&l.MaxFrames, d.MaxFrames)
	pick(&l.MaxDepth, d.MaxDepth)
	pick(&l.MaxElements, d.MaxElements)
	return l
}
