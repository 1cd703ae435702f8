package imaging

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"testing"
)

func TestScratchDump(t *testing.T) {
	root := "/work/shared/data"
	for _, sub := range []string{"dicom", "bugs"} {
		filepath.WalkDir(filepath.Join(root, sub), func(p string, d fs.DirEntry, err error) error {
			if d.IsDir() {
				return nil
			}
			info, err := Inspect(context.Background(), p, Limits{})
			rel, _ := filepath.Rel(root, p)
			px := ""
			if info.Pixel != nil {
				px = fmt.Sprintf("%.4f %.4f %.6f", info.Pixel.Min, info.Pixel.Max, info.Pixel.Mean)
			}
			fmt.Printf("%-70s %dx%dx%d %s | %s | %v\n", rel, info.Rows, info.Columns, info.Frames, info.Photometric, px, err)
			return nil
		})
	}
}
