package imaging

import (
	"math/rand/v2"
	"testing"

	"github.com/clinfuse/clinfuse/schemas"
	"github.com/google/go-cmp/cmp"
)

var axial = [6]float64{1, 0, 0, 0, 1, 0}

// slice makes a SliceRef at height z along the axial normal.
func slice(key int, patient, study, series, modality string, number, instance int,
	z float64) SliceRef {
	return SliceRef{Key: key, PatientID: patient, StudyUID: study, SeriesUID: series,
		Modality: modality, SeriesNumber: number, InstanceNumber: instance,
		Position: [3]float64{-100, -100, z}, HasPosition: true,
		Orientation: axial, HasOrientation: true}
}

func TestSelectSeries(t *testing.T) {
	cfg := schemas.ImagingConfig{Modalities: []string{"CT", "MR"}, SeriesRule: "most_slices"}
	first := cfg
	first.SeriesRule = "first_series_number"
	noGeo := func(r SliceRef) SliceRef { r.HasPosition = false; return r }
	tilted := func(r SliceRef) SliceRef { r.Orientation = [6]float64{1, 0, 0, 0, 0, -1}; return r }
	cases := []struct {
		name string
		refs []SliceRef
		cfg  schemas.ImagingConfig
		want []Study
	}{
		{"ordered along the normal, not by instance number", []SliceRef{
			slice(0, "P", "S", "A", "CT", 1, 1, 30), slice(1, "P", "S", "A", "CT", 1, 2, 10),
			slice(2, "P", "S", "A", "CT", 1, 3, 20),
		}, cfg, []Study{{"P", "S", "A", "CT", []int{1, 2, 0}}}},
		{"preferred modality wins over more slices", []SliceRef{
			slice(0, "P", "S", "M", "MR", 1, 1, 0), slice(1, "P", "S", "M", "MR", 1, 2, 1),
			slice(2, "P", "S", "C", "CT", 2, 1, 0),
		}, cfg, []Study{{"P", "S", "C", "CT", []int{2}}}},
		{"most slices, then series number", []SliceRef{
			slice(0, "P", "S", "A", "CT", 5, 1, 0), slice(1, "P", "S", "B", "CT", 2, 1, 0),
			slice(2, "P", "S", "B", "CT", 2, 2, 1), slice(3, "P", "S", "C", "CT", 1, 1, 0),
		}, cfg, []Study{{"P", "S", "B", "CT", []int{1, 2}}}},
		{"first series number rule", []SliceRef{
			slice(0, "P", "S", "A", "CT", 5, 1, 0), slice(1, "P", "S", "A", "CT", 5, 2, 1),
			slice(2, "P", "S", "C", "CT", 1, 1, 0),
		}, first, []Study{{"P", "S", "C", "CT", []int{2}}}},
		{"unlisted modality is left out", []SliceRef{
			slice(0, "P", "S", "A", "US", 1, 1, 0),
		}, cfg, nil},
		{"localiser dropped", []SliceRef{
			slice(0, "P", "S", "A", "CT", 1, 1, 5), tilted(slice(1, "P", "S", "A", "CT", 1, 2, 0)),
			slice(2, "P", "S", "A", "CT", 1, 3, 0),
		}, cfg, []Study{{"P", "S", "A", "CT", []int{2, 0}}}},
		{"no geometry falls back to instance number", []SliceRef{
			noGeo(slice(0, "P", "S", "A", "CT", 1, 3, 0)), slice(1, "P", "S", "A", "CT", 1, 1, 9),
			noGeo(slice(2, "P", "S", "A", "CT", 1, 2, 5)),
		}, cfg, []Study{{"P", "S", "A", "CT", []int{1, 2, 0}}}},
		{"studies sorted by patient then study", []SliceRef{
			slice(0, "Q", "S1", "A", "CT", 1, 1, 0), slice(1, "P", "S2", "B", "CT", 1, 1, 0),
			slice(2, "P", "S1", "C", "MR", 1, 1, 0),
		}, cfg, []Study{{"P", "S1", "C", "MR", []int{2}}, {"P", "S2", "B", "CT", []int{1}},
			{"Q", "S1", "A", "CT", []int{0}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, SelectSeries(tc.refs, tc.cfg)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestSelectSeriesOrderFree checks that the input order never matters.
func TestSelectSeriesOrderFree(t *testing.T) {
	var refs []SliceRef
	for k := range 60 {
		series := []string{"A", "B", "C"}[k%3]
		refs = append(refs, slice(k, "P"+string(rune('0'+k%4)), "S", series, "CT", k%3,
			k, float64((k*37)%11)))
	}
	cfg := schemas.ImagingConfig{Modalities: []string{"CT"}}
	want := SelectSeries(refs, cfg)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		rng.Shuffle(len(refs), func(i, j int) { refs[i], refs[j] = refs[j], refs[i] })
		if diff := cmp.Diff(want, SelectSeries(refs, cfg)); diff != "" {
			t.Fatalf("order changed the result (-first +now):\n%s", diff)
		}
	}
}
