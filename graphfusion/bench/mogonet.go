package bench

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// MultiOmics is a data set in the MOGONET layout: per view, a training
// and a test matrix (samples × features), and the labels.
type MultiOmics struct {
	Train, Test   [][][]float64 // [view][sample][feature]
	YTrain, YTest []int
}

// ReadMultiOmics reads the MOGONET folder dir.
func ReadMultiOmics(dir string) (*MultiOmics, error) {
	d := &MultiOmics{}
	var err error
	if d.YTrain, err = readLabels(filepath.Join(dir, "labels_tr.csv")); err != nil {
		return nil, err
	}
	if d.YTest, err = readLabels(filepath.Join(dir, "labels_te.csv")); err != nil {
		return nil, err
	}
	for v := 1; ; v++ {
		tr := filepath.Join(dir, fmt.Sprintf("%d_tr.csv", v))
		if _, err := os.Stat(tr); errors.Is(err, fs.ErrNotExist) && v > 1 {
			break
		}
		a, err := readMatrix(tr, len(d.YTrain))
		if err != nil {
			return nil, err
		}
		b, err := readMatrix(filepath.Join(dir, fmt.Sprintf("%d_te.csv", v)), len(d.YTest))
		if err != nil {
			return nil, err
		}
		if len(a[0]) != len(b[0]) {
			return nil, fmt.Errorf("%w: view %d: %d training and %d test features",
				ErrMalformed, v, len(a[0]), len(b[0]))
		}
		d.Train, d.Test = append(d.Train, a), append(d.Test, b)
	}
	return d, nil
}

func readLabels(path string) ([]int, error) {
	var y []int
	err := readFile(path, func(r io.Reader, name string) error {
		return lines(r, name, func(line string, _ int) error {
			x, err := strconv.ParseFloat(line, 64)
			if err != nil || x != math.Trunc(x) || x < 0 || x > 1000 {
				return fmt.Errorf("label %q is not a class number", line)
			}
			y = append(y, int(x))
			return nil
		})
	})
	return y, err
}

// readMatrix reads a headerless CSV of rows samples with equal widths.
func readMatrix(path string, rows int) ([][]float64, error) {
	var m [][]float64
	err := readFile(path, func(r io.Reader, name string) error {
		return lines(r, name, func(line string, _ int) error {
			row, err := parseRow(line)
			if err != nil {
				return err
			}
			if len(m) > 0 && len(row) != len(m[0]) {
				return fmt.Errorf("%d values, earlier rows have %d", len(row), len(m[0]))
			}
			m = append(m, row)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if len(m) != rows {
		return nil, fmt.Errorf("%w: %s: %d rows for %d labels", ErrMalformed, path, len(m), rows)
	}
	return m, nil
}

func parseRow(line string) ([]float64, error) {
	f := strings.Split(line, ",")
	row := make([]float64, len(f))
	for j, s := range f {
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("value %d %q is not a finite number", j+1, s)
		}
		row[j] = x
	}
	return row, nil
}
