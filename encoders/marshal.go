package encoders

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// The saved form of a Set (MarshalBinary) is, in order: the 8-byte magic
// "CFENCSET"; the format version and the header length as little-endian
// uint32; the header, JSON; every saved weight as little-endian float32, in
// header order; the SHA-256 of everything before it.
const (
	magic         = "CFENCSET"
	formatVersion = 2
	maxHeaderLen  = 1 << 26
)

// header describes a saved Set.
type header struct {
	Width      int          `json:"width"`
	ImageShape [3]int       `json:"image_shape"`
	Views      []viewHeader `json:"views"`
}

type viewHeader struct {
	Name   string        `json:"name"`
	Arch   arch          `json:"arch"`
	Norm   *normaliser   `json:"norm,omitempty"`
	Params []paramHeader `json:"params"`
}

type paramHeader struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

// MarshalBinary returns the saved form of s. The bytes are a function of
// the weights and statistics only: the same Set always gives the same bytes.
func (s *Set) MarshalBinary() ([]byte, error) {
	h := header{Width: s.width, ImageShape: s.imageShape}
	for _, v := range s.views {
		vh := viewHeader{Name: v.name, Arch: v.enc.arch(), Norm: v.norm}
		for _, p := range v.enc.params() {
			vh.Params = append(vh.Params, paramHeader{p.name, p.shape})
		}
		h.Views = append(h.Views, vh)
	}
	js, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encoders: saving: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(magic)
	binary.Write(&buf, binary.LittleEndian, [2]uint32{formatVersion, uint32(len(js))})
	buf.Write(js)
	for _, v := range s.views {
		for _, p := range v.enc.params() {
			binary.Write(&buf, binary.LittleEndian, p.data)
		}
	}
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	return buf.Bytes(), nil
}

// UnmarshalSet reads a Set saved by MarshalBinary. It refuses other format
// versions (ErrUnsupported), damaged bytes (ErrInvalidInput) and weights
// that do not match the declared architecture (ErrShapeMismatch).
func UnmarshalSet(b []byte) (*Set, error) {
	js, body, err := splitSaved(b)
	if err != nil {
		return nil, err
	}
	var h header
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("%w: saved encoder header: %v", ErrInvalidInput, err)
	}
	s, err := h.newSet(len(body))
	if err != nil {
		return nil, err
	}
	return s, s.readWeights(body)
}

// splitSaved checks framing, version and checksum, and returns the header
// and the weight bytes.
func splitSaved(b []byte) (js, body []byte, err error) {
	if len(b) < len(magic)+8+sha256.Size || string(b[:len(magic)]) != magic {
		return nil, nil, fmt.Errorf("%w: not a saved encoder set", ErrInvalidInput)
	}
	version := binary.LittleEndian.Uint32(b[len(magic):])
	if version != formatVersion {
		return nil, nil, fmt.Errorf("%w: encoder set format version %d, this build reads %d",
			ErrUnsupported, version, formatVersion)
	}
	end := len(b) - sha256.Size
	if sum := sha256.Sum256(b[:end]); !bytes.Equal(sum[:], b[end:]) {
		return nil, nil, fmt.Errorf("%w: saved encoder set is damaged (checksum)", ErrInvalidInput)
	}
	n := uint64(binary.LittleEndian.Uint32(b[len(magic)+4:]))
	start := uint64(len(magic) + 8)
	if n > maxHeaderLen || start+n > uint64(end) {
		return nil, nil, fmt.Errorf("%w: saved encoder header length %d", ErrInvalidInput, n)
	}
	return b[start : start+n], b[start+n : end], nil
}

// newSet rebuilds the Set a header describes, with zero weights, after
// checking that its weights take exactly bodyLen bytes.
func (h header) newSet(bodyLen int) (*Set, error) {
	if h.Width < 1 || h.Width > 4096 || len(h.Views) == 0 || len(h.Views) > 3 {
		return nil, fmt.Errorf("%w: saved encoder set has width %d and %d views",
			ErrInvalidInput, h.Width, len(h.Views))
	}
	total := 0
	for _, vh := range h.Views {
		for _, p := range vh.Params {
			n := p.size()
			if n < 0 || total > maxImageValues*64 {
				return nil, fmt.Errorf("%w: saved weight %q has shape %v",
					ErrInvalidInput, p.Name, p.Shape)
			}
			total += n
		}
	}
	if 4*total != bodyLen {
		return nil, fmt.Errorf("%w: saved weights take %d bytes, the header declares %d floats",
			ErrShapeMismatch, bodyLen, total)
	}
	s := &Set{width: h.Width, imageShape: h.ImageShape, workers: 1}
	for k, vh := range h.Views {
		if err := h.checkView(k); err != nil {
			return nil, err
		}
		enc, err := vh.Arch.build(vh.Name, h)
		if err != nil {
			return nil, err
		}
		if err := vh.checkParams(enc); err != nil {
			return nil, err
		}
		s.views = append(s.views, &view{name: vh.Name, norm: vh.Norm, enc: enc})
	}
	return s, nil
}

// checkView checks view k's name, order and statistics.
func (h header) checkView(k int) error {
	vh := h.Views[k]
	order := []string{Imaging, Records, Variants}
	pos := slices.Index(order, vh.Name)
	if pos < 0 || (k > 0 && pos <= slices.Index(order, h.Views[k-1].Name)) {
		return fmt.Errorf("%w: saved encoder view %q out of place", ErrInvalidInput, vh.Name)
	}
	if (vh.Name == Imaging) != (vh.Norm == nil) {
		return fmt.Errorf("%w: saved %s view has wrong statistics", ErrShapeMismatch, vh.Name)
	}
	if vh.Norm == nil {
		return nil
	}
	if !vh.Norm.valid(vh.Arch.In, vh.Name == Variants) {
		return fmt.Errorf("%w: saved %s statistics do not fit %d features",
			ErrShapeMismatch, vh.Name, vh.Arch.In)
	}
	return nil
}

// valid reports whether n standardises d features with usable numbers.
func (n *normaliser) valid(d int, log1p bool) bool {
	if n.Log1p != log1p || len(n.Mean) != d || len(n.Scale) != d || len(n.Indicator) != d {
		return false
	}
	for j := range d {
		if math.IsNaN(n.Mean[j]) || math.IsInf(n.Mean[j], 0) || !(n.Scale[j] > 0) ||
			math.IsInf(n.Scale[j], 0) {
			return false
		}
	}
	return true
}

// size is the number of floats of the declared weight, or -1 when its
// shape is not usable.
func (p paramHeader) size() int {
	n := 1
	for _, d := range p.Shape {
		if d < 1 || d > maxImageValues {
			return -1
		}
		n *= d
		if n > maxImageValues*64 {
			return -1
		}
	}
	return n
}

// checkParams compares the declared weights with the architecture's.
func (vh viewHeader) checkParams(enc encoder) error {
	ps := enc.params()
	if len(ps) != len(vh.Params) {
		return fmt.Errorf("%w: saved %s view has %d weight tensors, its architecture %d",
			ErrShapeMismatch, vh.Name, len(vh.Params), len(ps))
	}
	for i, p := range ps {
		if vh.Params[i].Name != p.name || !slices.Equal(vh.Params[i].Shape, p.shape) {
			return fmt.Errorf("%w: saved weight %q %v, the architecture needs %q %v",
				ErrShapeMismatch, vh.Params[i].Name, vh.Params[i].Shape, p.name, p.shape)
		}
	}
	return nil
}

// readWeights fills every weight from body, which must hold exactly them.
func (s *Set) readWeights(body []byte) error {
	for _, v := range s.views {
		for _, p := range v.enc.params() {
			n := 4 * len(p.data)
			if len(body) < n {
				return fmt.Errorf("%w: saved weights end early", ErrShapeMismatch)
			}
			for i := range p.data {
				p.data[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
			}
			body = body[n:]
		}
	}
	if len(body) != 0 {
		return fmt.Errorf("%w: %d bytes after the saved weights", ErrShapeMismatch, len(body))
	}
	return nil
}
