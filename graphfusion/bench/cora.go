package bench

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrMalformed reports a data file that does not follow its format.
var ErrMalformed = errors.New("bench: malformed data file")

// Cora is a citation graph with binary bag-of-words features.
type Cora struct {
	Labels   []int
	Features [][]int // per node, the sorted indices of nonzero features
	Words    int     // feature count (largest index + 1)
	Edges    [][2]int
	Train    []int
	Val      []int
	Test     []int
}

// Classes is the number of classes (largest label + 1).
func (c *Cora) Classes() int {
	k := 0
	for _, l := range c.Labels {
		k = max(k, l+1)
	}
	return k
}

// ReadCora reads the Planetoid Cora folder dir.
func ReadCora(dir string) (*Cora, error) {
	c := &Cora{}
	if err := readFile(filepath.Join(dir, "nodes.tsv"), c.parseNodes); err != nil {
		return nil, err
	}
	if err := readFile(filepath.Join(dir, "edges.tsv"), c.parseEdges); err != nil {
		return nil, err
	}
	for _, s := range []struct {
		name string
		dst  *[]int
	}{{"train.txt", &c.Train}, {"val.txt", &c.Val}, {"test.txt", &c.Test}} {
		err := readFile(filepath.Join(dir, s.name), func(r io.Reader, name string) error {
			var err error
			*s.dst, err = parseIndexList(r, name, len(c.Labels))
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

func readFile(path string, parse func(io.Reader, string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer f.Close()
	return parse(f, path)
}

// lines calls fn with each non-comment, non-blank line and its number.
func lines(r io.Reader, name string, fn func(line string, no int) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	for no := 1; sc.Scan(); no++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := fn(line, no); err != nil {
			return fmt.Errorf("%w: %s:%d: %v", ErrMalformed, name, no, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrMalformed, name, err)
	}
	return nil
}

// ParseNodes reads a nodes.tsv stream into c.
func (c *Cora) parseNodes(r io.Reader, name string) error {
	return lines(r, name, func(line string, _ int) error {
		f := strings.Split(line, "\t")
		if len(f) < 2 || len(f) > 3 {
			return fmt.Errorf("want node, label and features, got %d fields", len(f))
		}
		node, err := strconv.Atoi(f[0])
		if err != nil || node != len(c.Labels) {
			return fmt.Errorf("node %q out of sequence", f[0])
		}
		label, err := strconv.Atoi(f[1])
		if err != nil || label < 0 || label > 1000 {
			return fmt.Errorf("bad label %q", f[1])
		}
		var feats []int
		if len(f) == 3 && f[2] != "" {
			if feats, err = parseFeatures(f[2]); err != nil {
				return err
			}
		}
		for _, j := range feats {
			c.Words = max(c.Words, j+1)
		}
		c.Labels = append(c.Labels, label)
		c.Features = append(c.Features, feats)
		return nil
	})
}

func parseFeatures(s string) ([]int, error) {
	var out []int
	for _, t := range strings.Split(s, ",") {
		j, err := strconv.Atoi(t)
		if err != nil || j < 0 || j >= 1<<20 || (len(out) > 0 && j <= out[len(out)-1]) {
			return nil, fmt.Errorf("feature index %q invalid or not increasing", t)
		}
		out = append(out, j)
	}
	return out, nil
}

func (c *Cora) parseEdges(r io.Reader, name string) error {
	n := len(c.Labels)
	return lines(r, name, func(line string, _ int) error {
		f := strings.Fields(line)
		if len(f) != 2 {
			return fmt.Errorf("want two node numbers, got %d fields", len(f))
		}
		a, err1 := strconv.Atoi(f[0])
		b, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil || a < 0 || b < 0 || a >= n || b >= n {
			return fmt.Errorf("edge %q names an unknown node", line)
		}
		c.Edges = append(c.Edges, [2]int{a, b})
		return nil
	})
}

func parseIndexList(r io.Reader, name string, n int) ([]int, error) {
	var out []int
	err := lines(r, name, func(line string, _ int) error {
		i, err := strconv.Atoi(line)
		if err != nil || i < 0 || i >= n {
			return fmt.Errorf("node %q is not one of the %d nodes", line, n)
		}
		out = append(out, i)
		return nil
	})
	return out, err
}
