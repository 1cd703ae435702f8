package imaging

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/clinfuse/clinfuse/schemas"
)

// SliceRef describes one decoded frame for series selection; Key is the
// caller's index.
type SliceRef struct {
	Key                            int
	PatientID, StudyUID, SeriesUID string
	Modality                       string
	SeriesNumber, InstanceNumber   int
	Position                       [3]float64
	HasPosition                    bool
	Orientation                    [6]float64
	HasOrientation                 bool
}

// Study is the series chosen for one study, with its slice keys ordered
// along the slice normal.
type Study struct {
	PatientID, StudyUID, SeriesUID, Modality string
	Keys                                     []int
}

// SelectSeries chooses one series per study and orders its slices.
//
// Rules, applied in order:
//  1. Only series whose modality is in cfg.Modalities take part (all, when
//     the list is empty); the modality listed first wins.
//  2. Among series of that modality, cfg.SeriesRule decides:
//     "first_series_number" takes the lowest Series Number, then the most
//     slices; "most_slices" (the default, also for an unknown rule) takes
//     the most slices, then the lowest Series Number. The Series Instance
//     UID breaks remaining ties.
//  3. Within the series, slices whose orientation differs from the most
//     common one (localisers) are dropped, and the rest are ordered by
//     position along the slice normal (the cross product of the row and
//     column directions); when any slice lacks a position, by Instance
//     Number. Instance Number, then Key, breaks ties.
//
// Studies come sorted by PatientID then StudyUID; the result depends only
// on the set of slices, not on their order.
func SelectSeries(refs []SliceRef, cfg schemas.ImagingConfig) []Study {
	refs = slices.Clone(refs)
	slices.SortFunc(refs, func(a, b SliceRef) int { return cmp.Compare(a.Key, b.Key) })
	var out []Study
	for _, study := range groupBy(refs, func(r SliceRef) string {
		return r.PatientID + "\x00" + r.StudyUID
	}) {
		if s, ok := chooseSeries(study, cfg); ok {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b Study) int {
		return cmp.Or(cmp.Compare(a.PatientID, b.PatientID), cmp.Compare(a.StudyUID, b.StudyUID))
	})
	return out
}

// groupBy splits refs by key, keeping each group in refs' order; groups
// come in order of first appearance.
func groupBy(refs []SliceRef, key func(SliceRef) string) [][]SliceRef {
	idx := map[string]int{}
	var groups [][]SliceRef
	for _, r := range refs {
		k := key(r)
		i, ok := idx[k]
		if !ok {
			i = len(groups)
			idx[k] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], r)
	}
	return groups
}

// candidate is one series of a study.
type candidate struct {
	refs   []SliceRef
	rank   int
	number int
	uid    string
}

func chooseSeries(study []SliceRef, cfg schemas.ImagingConfig) (Study, bool) {
	var cands []candidate
	for _, s := range groupBy(study, func(r SliceRef) string { return r.SeriesUID }) {
		rank := modalityRank(s[0].Modality, cfg.Modalities)
		if rank < 0 {
			continue
		}
		cands = append(cands, candidate{refs: s, rank: rank, number: s[0].SeriesNumber,
			uid: s[0].SeriesUID})
	}
	if len(cands) == 0 {
		return Study{}, false
	}
	best := slices.MinFunc(cands, func(a, b candidate) int { return compareSeries(a, b, cfg) })
	r := best.refs[0]
	return Study{PatientID: r.PatientID, StudyUID: r.StudyUID, SeriesUID: r.SeriesUID,
		Modality: r.Modality, Keys: orderSlices(best.refs)}, true
}

// modalityRank is the position of m in the preference list; -1 when not
// accepted.
func modalityRank(m string, prefs []string) int {
	if len(prefs) == 0 {
		return 0
	}
	return slices.IndexFunc(prefs, func(p string) bool { return strings.EqualFold(p, m) })
}

func compareSeries(a, b candidate, cfg schemas.ImagingConfig) int {
	bySlices := cmp.Compare(len(b.refs), len(a.refs))
	byNumber := cmp.Compare(a.number, b.number)
	if cfg.SeriesRule == "first_series_number" {
		return cmp.Or(cmp.Compare(a.rank, b.rank), byNumber, bySlices, cmp.Compare(a.uid, b.uid))
	}
	return cmp.Or(cmp.Compare(a.rank, b.rank), bySlices, byNumber, cmp.Compare(a.uid, b.uid))
}

// orderSlices keeps the slices of the dominant orientation and orders them
// along the slice normal.
func orderSlices(refs []SliceRef) []int {
	refs = dominantOrientation(refs)
	geo := len(refs) > 0
	for _, r := range refs {
		geo = geo && r.HasPosition && r.HasOrientation
	}
	along := func(r SliceRef) float64 { return 0 }
	if geo {
		n := normal(refs[0].Orientation)
		along = func(r SliceRef) float64 {
			return r.Position[0]*n[0] + r.Position[1]*n[1] + r.Position[2]*n[2]
		}
	}
	slices.SortStableFunc(refs, func(a, b SliceRef) int {
		return cmp.Or(cmp.Compare(along(a), along(b)),
			cmp.Compare(a.InstanceNumber, b.InstanceNumber), cmp.Compare(a.Key, b.Key))
	})
	keys := make([]int, len(refs))
	for i, r := range refs {
		keys[i] = r.Key
	}
	return keys
}

// dominantOrientation returns the slices sharing the most common
// orientation (to 1e-3), or all slices when none has one.
func dominantOrientation(refs []SliceRef) []SliceRef {
	groups := groupBy(refs, func(r SliceRef) string {
		if !r.HasOrientation {
			return "none"
		}
		var b strings.Builder
		for _, v := range r.Orientation {
			r := math.Round(v*1000) / 1000
			if r == 0 {
				r = 0 // no "-0.000"
			}
			b.WriteString(strconv.FormatFloat(r, 'f', 3, 64))
			b.WriteByte(',')
		}
		return b.String()
	})
	best := groups[0]
	for _, g := range groups[1:] {
		if len(g) > len(best) {
			best = g
		}
	}
	return slices.Clone(best)
}

// normal is the cross product of the row and column direction cosines.
func normal(o [6]float64) [3]float64 {
	return [3]float64{
		o[1]*o[5] - o[2]*o[4],
		o[2]*o[3] - o[0]*o[5],
		o[0]*o[4] - o[1]*o[3],
	}
}
