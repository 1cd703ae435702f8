package encoders

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/small.set")

// smallFit fits a small cohort quickly (4 epochs) with the given workers.
func smallFit(t *testing.T, c cohort, workers int) *Set {
	t.Helper()
	opt := testOptions(true)
	opt.Model.PretrainEpochs = 4
	opt.Workers = workers
	sup := &Supervision{Y: c.y, Train: make([]bool, len(c.y))}
	for i := range 20 {
		sup.Train[i] = true
	}
	s, err := Fit(context.Background(), c.in, sup, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func marshal(t *testing.T, s *Set) []byte {
	t.Helper()
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFitDeterministic checks that training is bit-identical for the same
// seed whatever the worker count and GOMAXPROCS.
func TestFitDeterministic(t *testing.T) {
	c := synthCohort(5, 70, [3]int{2, 16, 16}, 0.2)
	want := marshal(t, smallFit(t, c, 1))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, run := range []struct {
		name             string
		workers, maxProc int
	}{
		{"2 workers", 2, 2},
		{"3 workers on 1 processor", 3, 1},
		{"1 worker on 1 processor", 1, 1},
	} {
		t.Run(run.name, func(t *testing.T) {
			runtime.GOMAXPROCS(run.maxProc)
			if got := marshal(t, smallFit(t, c, run.workers)); !bytes.Equal(got, want) {
				t.Fatal("the fitted set differs from the run with 1 worker")
			}
		})
	}
	opt := testOptions(true)
	opt.Model.PretrainEpochs = 4
	opt.Seed++
	other, err := Fit(context.Background(), c.in, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(marshal(t, other), want) {
		t.Fatal("another seed gave the same set")
	}
}

// subset returns the patients idx of in, in that order.
func subset(in Inputs, idx []int) Inputs {
	out := Inputs{ImageShape: in.ImageShape}
	for _, i := range idx {
		out.Image = append(out.Image, in.Image[i])
		out.Records = append(out.Records, in.Records[i])
		out.Variants = append(out.Variants, in.Variants[i])
	}
	return out
}

// TestEncodeIndependentOfBatch encodes every patient alone, and all of them
// in reverse order, and compares with encoding all at once.
func TestEncodeIndependentOfBatch(t *testing.T) {
	c := synthCohort(6, 45, [3]int{2, 16, 16}, 0.3)
	s := smallFit(t, c, 2)
	all, err := s.Encode(context.Background(), c.in)
	if err != nil {
		t.Fatal(err)
	}
	n := len(c.z)
	reversed := make([]int, n)
	for i := range n {
		reversed[i] = n - 1 - i
	}
	rev, err := s.Encode(context.Background(), subset(c.in, reversed))
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 17, n - 1} {
		one, err := s.Encode(context.Background(), subset(c.in, []int{i}))
		if err != nil {
			t.Fatal(err)
		}
		for k := range all.Names {
			want := all.X[k][i]
			if !slices.Equal(one.X[k][0], want) || !slices.Equal(rev.X[k][n-1-i], want) {
				t.Fatalf("%s embedding of patient %d depends on the batch", all.Names[k], i)
			}
			if one.Present[k][0] != (all.X[k][i] != nil && all.Present[k][i]) {
				t.Fatalf("%s presence of patient %d differs", all.Names[k], i)
			}
		}
	}
}

func TestEncodeMissingModalities(t *testing.T) {
	c := synthCohort(7, 40, [3]int{1, 8, 8}, 0.4)
	s := smallFit(t, c, 2)
	e, err := s.Encode(context.Background(), c.in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(e.Names, []string{Imaging, Records, Variants}) {
		t.Fatalf("views %v", e.Names)
	}
	raw := [][]bool{presentOf(c.in.Image), presentOf(c.in.Records), presentOf(c.in.Variants)}
	for k := range e.Names {
		for i, present := range e.Present[k] {
			zero := !slices.ContainsFunc(e.X[k][i], func(v float32) bool { return v != 0 })
			if present != raw[k][i] || (!present && !zero) || len(e.X[k][i]) != s.Width() {
				t.Fatalf("%s of patient %d: present %v (input %v), vector %v",
					e.Names[k], i, present, raw[k][i], e.X[k][i])
			}
		}
	}
}

func presentOf[T any](rows [][]T) []bool {
	out := make([]bool, len(rows))
	for i, r := range rows {
		out[i] = r != nil
	}
	return out
}

func TestMarshalRoundTrip(t *testing.T) {
	c := synthCohort(8, 40, [3]int{2, 8, 8}, 0.2)
	s := smallFit(t, c, 2)
	b := marshal(t, s)
	back, err := UnmarshalSet(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(marshal(t, back), b) {
		t.Fatal("a read set saves to different bytes")
	}
	e1, _ := s.Encode(context.Background(), c.in)
	e2, err := back.Encode(context.Background(), c.in)
	if err != nil {
		t.Fatal(err)
	}
	for k := range e1.X {
		for i := range e1.X[k] {
			if !slices.Equal(e1.X[k][i], e2.X[k][i]) {
				t.Fatalf("%s embedding of patient %d changed after saving", e1.Names[k], i)
			}
		}
	}
	path := filepath.Join("testdata", "small.set")
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%v (run go test -run MarshalRoundTrip -update)", err)
	}
}

// reframe rebuilds a saved set with a new header and version, fixing the
// checksum, so that the reader's later checks are reached.
func reframe(t *testing.T, b []byte, version uint32, edit func(h []byte) []byte) []byte {
	t.Helper()
	js, body, err := splitSaved(b)
	if err != nil {
		t.Fatal(err)
	}
	js = edit(bytes.Clone(js))
	var out bytes.Buffer
	out.WriteString(magic)
	binary.Write(&out, binary.LittleEndian, [2]uint32{version, uint32(len(js))})
	out.Write(js)
	out.Write(body)
	sum := sha256.Sum256(out.Bytes())
	out.Write(sum[:])
	return out.Bytes()
}

func TestUnmarshalRejects(t *testing.T) {
	c := synthCohort(9, 36, [3]int{1, 8, 8}, 0)
	good := marshal(t, smallFit(t, c, 1))
	same := func(h []byte) []byte { return h }
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 1
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrInvalidInput},
		{"other magic", append([]byte("NOTASET!"), good[8:]...), ErrInvalidInput},
		{"newer version", reframe(t, good, formatVersion+1, same), ErrUnsupported},
		{"damaged", flipped, ErrInvalidInput},
		{"truncated", good[:len(good)-40], ErrInvalidInput},
		{"weight shape", reframe(t, good, formatVersion, func(h []byte) []byte {
			return bytes.Replace(h, []byte(`"shape":[1,8]`), []byte(`"shape":[8,1]`), 1)
		}), ErrShapeMismatch},
		{"width", reframe(t, good, formatVersion, func(h []byte) []byte {
			return bytes.Replace(h, []byte(`{"width":8`), []byte(`{"width":7`), 1)
		}), ErrInvalidInput},
		{"unknown field", reframe(t, good, formatVersion, func(h []byte) []byte {
			return bytes.Replace(h, []byte(`{"width"`), []byte(`{"extra":1,"width"`), 1)
		}), ErrInvalidInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := UnmarshalSet(tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
}

func FuzzUnmarshalSet(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "small.set"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(seed[:100])
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := UnmarshalSet(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrUnsupported) &&
				!errors.Is(err, ErrShapeMismatch) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if again, err := s.MarshalBinary(); err != nil || len(again) == 0 {
			t.Fatalf("a read set does not save: %v", err)
		}
	})
}
