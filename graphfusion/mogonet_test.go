package graphfusion

import (
	"context"
	"os"
	"testing"

	"github.com/clinfuse/clinfuse/internal/shareddata"
)

func TestBenchMOGONETQuick(t *testing.T) {
	dir := shareddata.Path(t, "multiomics", "ROSMAP")
	r, err := BenchMOGONET(context.Background(), dir, 1, os.Stdout)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rows[0].AUC.Mean < 0.88 {
		t.Fatalf("graph AUC %.3f", r.Rows[0].AUC.Mean)
	}
}
