package pipeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"os"
	"path/filepath"
)

// workVersion changes whenever a cached result's layout or meaning changes,
// so that an old work folder is never read as a new one.
const workVersion = "work-1"

// work is the work folder: finished per-item and per-stage results, keyed by
// a digest of everything that determines them (input bytes, the settings
// that matter, the tool version). A re-run after an interruption finds what
// was finished and does not redo it; since the keys cover all that decides a
// result, a cached result is exactly what recomputing would give. A nil
// *work caches nothing.
type work struct {
	dir string
}

func openWork(dir string) (*work, error) {
	if dir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("pipeline: work folder: %w", err)
	}
	return &work{dir: dir}, nil
}

// keyer builds a cache key.
type keyer struct{ h hash.Hash }

func newKey(kind string, parts ...string) *keyer {
	k := &keyer{h: sha256.New()}
	k.str(workVersion)
	k.str(kind)
	for _, p := range parts {
		k.str(p)
	}
	return k
}

func (k *keyer) str(s string) *keyer {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
	k.h.Write(n[:])
	k.h.Write([]byte(s))
	return k
}

func (k *keyer) floats64(rows [][]float64) *keyer {
	var b [8]byte
	for _, r := range rows {
		k.str(fmt.Sprint(len(r), r == nil))
		for _, v := range r {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			k.h.Write(b[:])
		}
	}
	return k
}

func (k *keyer) floats32(rows [][]float32) *keyer {
	var b [4]byte
	for _, r := range rows {
		k.str(fmt.Sprint(len(r), r == nil))
		for _, v := range r {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			k.h.Write(b[:])
		}
	}
	return k
}

func (k *keyer) sum() string { return hex.EncodeToString(k.h.Sum(nil)) }

func (w *work) path(kind, key string) string {
	return filepath.Join(w.dir, kind, key[:2], key+".gob")
}

// load decodes the cached value of key into v, reporting whether it was
// there. A damaged entry counts as missing and is recomputed.
func (w *work) load(kind, key string, v any) bool {
	if w == nil {
		return false
	}
	b, err := os.ReadFile(w.path(kind, key))
	if err != nil {
		return false
	}
	return gob.NewDecoder(bytes.NewReader(b)).Decode(v) == nil
}

// store saves v under key, atomically: an interrupted store leaves no entry.
func (w *work) store(kind, key string, v any) error {
	if w == nil {
		return nil
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		return fmt.Errorf("pipeline: work folder: %w", err)
	}
	p := w.path(kind, key)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("pipeline: work folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("pipeline: work folder: %w", err)
	}
	_, err = tmp.Write(b.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("pipeline: work folder: %w", err)
	}
	return nil
}
