package graphfusion

import (
	"context"
	"os"
	"testing"

	"github.com/clinfuse/clinfuse/internal/shareddata"
)

func TestBenchCoraQuick(t *testing.T) {
	dir := shareddata.Path(t, "graph", "cora-planetoid")
	r, err := BenchCora(context.Background(), dir, 2, os.Stdout)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rows[0].Accuracy.Mean < 0.79 {
		t.Fatalf("mean test accuracy %.3f, want at least 0.79", r.Rows[0].Accuracy.Mean)
	}
}
