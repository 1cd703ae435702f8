package features

import "sort"

// point is one lab value at a time (ms).
type point struct {
	t int64
	v float64
}

// less orders points by time, then value, so that the kept window does not
// depend on the order values arrive in.
func (p point) less(q point) bool {
	return p.t < q.t || p.t == q.t && p.v < q.v
}

// labAcc summarises one lab for one patient and cut-off: the number of
// values, and the latest window values in increasing order.
type labAcc struct {
	count  int32
	recent []point
}

// add counts pt and keeps it if it is among the latest window values.
func (a *labAcc) add(pt point, window int) {
	a.count++
	if len(a.recent) == window {
		if !a.recent[0].less(pt) {
			return
		}
		copy(a.recent, a.recent[1:])
		a.recent = a.recent[:window-1]
	}
	i := sort.Search(len(a.recent), func(i int) bool { return pt.less(a.recent[i]) })
	a.recent = append(a.recent, point{})
	copy(a.recent[i+1:], a.recent[i:])
	a.recent[i] = pt
}

// latest returns the latest value; ok is false when there is none.
func (a *labAcc) latest() (point, bool) {
	if len(a.recent) == 0 {
		return point{}, false
	}
	return a.recent[len(a.recent)-1], true
}

// msPerYear is the length of a mean Gregorian year.
const msPerYear = 365.2425 * msPerDay

// trend returns the least-squares slope of value against time in years
// over the kept window; ok is false with fewer than two distinct times.
func (a *labAcc) trend() (float64, bool) {
	n := float64(len(a.recent))
	if n < 2 || a.recent[0].t == a.recent[len(a.recent)-1].t {
		return 0, false
	}
	t0 := a.recent[0].t
	var st, sv float64
	for _, p := range a.recent {
		st += float64(p.t-t0) / msPerYear
		sv += p.v
	}
	mt, mv := st/n, sv/n
	var sxy, sxx float64
	for _, p := range a.recent {
		dt := float64(p.t-t0)/msPerYear - mt
		sxy += dt * (p.v - mv)
		sxx += dt * dt
	}
	return sxy / sxx, true
}
