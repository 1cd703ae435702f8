package encoders

import (
	"context"
	"testing"
	"time"

	"github.com/clinfuse/clinfuse/schemas"
)

func TestSmoke(t *testing.T) {
	rng := newRand(1, 2)
	n := 300
	in := Inputs{Records: make([][]float64, n), Variants: make([][]float64, n),
		ImageShape: [3]int{4, 32, 32}, Image: make([][]float32, n)}
	sup := &Supervision{Y: make([]float64, n), Train: make([]bool, n)}
	for i := range n {
		in.Records[i] = make([]float64, 50)
		for j := range in.Records[i] {
			in.Records[i][j] = rng.NormFloat64()*10 + 5
		}
		in.Variants[i] = make([]float64, 100)
		for j := range in.Variants[i] {
			in.Variants[i][j] = float64(rng.IntN(3))
		}
		in.Image[i] = make([]float32, 4*32*32)
		for j := range in.Image[i] {
			in.Image[i][j] = rng.Float32()
		}
		sup.Y[i] = float64(rng.IntN(2))
		sup.Train[i] = i%3 == 0
	}
	opt := Options{Model: schemas.Default().Model, Seed: 1, Workers: 2, Pretrain: true}
	start := time.Now()
	s, err := Fit(context.Background(), in, sup, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(time.Since(start))
	e, err := s.Encode(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(e.Names, e.X[0][0], e.X[1][0], e.X[2][0])
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	s2, err := UnmarshalSet(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := s2.MarshalBinary()
	t.Log(len(b), string(b2) == string(b))
}
