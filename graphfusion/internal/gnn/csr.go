package gnn

import (
	"errors"
	"fmt"
	"slices"
)

// ErrShape reports operands whose sizes do not fit together.
var ErrShape = errors.New("gnn: shape mismatch")

// CSR is a sparse matrix in compressed sparse row form: the entries of row
// i are Idx[Ptr[i]:Ptr[i+1]] (column indices, increasing) with values
// Val[Ptr[i]:Ptr[i+1]].
type CSR struct {
	Rows, Cols int
	Ptr        []int
	Idx        []int
	Val        []float64
}

// Entry is one (row, column, value) triple used to build a CSR.
type Entry struct {
	Row, Col int
	Val      float64
}

// NewCSR builds a rows×cols matrix from entries in any order; entries
// sharing a position are summed in the order given.
func NewCSR(rows, cols int, entries []Entry) (*CSR, error) {
	for _, e := range entries {
		if e.Row < 0 || e.Row >= rows || e.Col < 0 || e.Col >= cols {
			return nil, fmt.Errorf("%w: entry (%d,%d) outside %dx%d",
				ErrShape, e.Row, e.Col, rows, cols)
		}
	}
	sorted := slices.Clone(entries)
	slices.SortStableFunc(sorted, func(a, b Entry) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return a.Col - b.Col
	})
	m := &CSR{Rows: rows, Cols: cols, Ptr: make([]int, rows+1)}
	for k, e := range sorted {
		last := len(m.Idx) - 1
		if k > 0 && last >= 0 && sorted[k-1].Row == e.Row && m.Idx[last] == e.Col {
			m.Val[last] += e.Val
			continue
		}
		m.Idx = append(m.Idx, e.Col)
		m.Val = append(m.Val, e.Val)
		m.Ptr[e.Row+1] = len(m.Idx)
	}
	for i := 1; i <= rows; i++ {
		m.Ptr[i] = max(m.Ptr[i], m.Ptr[i-1])
	}
	return m, nil
}

// NNZ is the number of stored entries.
func (m *CSR) NNZ() int { return len(m.Idx) }

// Transpose returns the transposed matrix and, for each entry k of m, the
// position of the same entry in the transpose, so that values changed in m
// can be copied across with RefreshTranspose.
func (m *CSR) Transpose() (*CSR, []int) {
	t := &CSR{Rows: m.Cols, Cols: m.Rows, Ptr: make([]int, m.Cols+1)}
	for _, c := range m.Idx {
		t.Ptr[c+1]++
	}
	for i := 1; i <= m.Cols; i++ {
		t.Ptr[i] += t.Ptr[i-1]
	}
	t.Idx = make([]int, len(m.Idx))
	t.Val = make([]float64, len(m.Val))
	next := slices.Clone(t.Ptr[:m.Cols])
	perm := make([]int, len(m.Idx))
	for r := range m.Rows {
		for k := m.Ptr[r]; k < m.Ptr[r+1]; k++ {
			c := m.Idx[k]
			pos := next[c]
			next[c]++
			t.Idx[pos] = r
			t.Val[pos] = m.Val[k]
			perm[k] = pos
		}
	}
	return t, perm
}

// RefreshTranspose copies m's values into t, its transpose built by
// Transpose with the permutation perm.
func RefreshTranspose(m, t *CSR, perm []int) {
	for k, p := range perm {
		t.Val[p] = m.Val[k]
	}
}

// MulDense computes out = m·b for a dense row-major b with m.Cols rows and
// width columns. Each output element sums its row's entries in column order.
func (m *CSR) MulDense(b []float64, width int, out []float64) {
	for r := range m.Rows {
		o := out[r*width : (r+1)*width]
		clear(o)
		for k := m.Ptr[r]; k < m.Ptr[r+1]; k++ {
			v := m.Val[k]
			row := b[m.Idx[k]*width : (m.Idx[k]+1)*width]
			for j, x := range row {
				o[j] += v * x
			}
		}
	}
}

// Dense returns m as a row-major dense matrix (for tests and small sizes).
func (m *CSR) Dense() []float64 {
	d := make([]float64, m.Rows*m.Cols)
	for r := range m.Rows {
		for k := m.Ptr[r]; k < m.Ptr[r+1]; k++ {
			d[r*m.Cols+m.Idx[k]] += m.Val[k]
		}
	}
	return d
}
