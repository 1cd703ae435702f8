package reports

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/clinfuse/clinfuse/schemas"
)

// normalize checks run and returns a copy whose unordered slices are
// sorted, so that every output depends only on the content of run.
func normalize(run *Run) (*Run, error) {
	if run == nil {
		return nil, fmt.Errorf("%w: nil run", ErrInvalidRun)
	}
	if err := run.Config.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRun, err)
	}
	n := *run
	if err := n.fillDigests(); err != nil {
		return nil, err
	}
	n.Inputs = sortedInputs(run.Inputs)
	if err := checkInputs(n.Inputs); err != nil {
		return nil, err
	}
	risks, err := n.normalRisks(run.Risks)
	if err != nil {
		return nil, err
	}
	n.Risks = risks
	n.Stages = slices.Clone(run.Stages)
	n.Rejections = sortedRejections(run.Rejections)
	n.Quality = sortedQuality(run.Quality)
	n.Calibration = sortedCalibration(run.Calibration)
	n.Completeness = sortedCompleteness(run.Completeness)
	n.Embeddings = sortedEmbeddings(run.Embeddings)
	n.Edges = sortedEdges(run.Edges)
	n.Contributions = sortedContributions(run.Contributions)
	n.Limits = slices.Sorted(slices.Values(run.Limits))
	if n.RunID == "" {
		n.RunID = DeriveRunID(&n)
	}
	return &n, nil
}

// fillDigests fills or checks the config digest.
func (r *Run) fillDigests() error {
	d := r.Config.Digest()
	if r.ConfigDigest != "" && r.ConfigDigest != d {
		return fmt.Errorf("%w: config digest %.12s does not match the config (%.12s)",
			ErrInvalidRun, r.ConfigDigest, d)
	}
	r.ConfigDigest = d
	return nil
}

// DeriveRunID returns a run id that depends only on what the run read and
// how: the inputs' paths and digests, the config digest, the seed and the
// model digest. Two runs with the same inputs, settings and model get the
// same id, so that verify can reproduce every output byte for byte. Inputs
// must already be sorted by path (Write sorts them).
func DeriveRunID(r *Run) string {
	h := sha256.New()
	for _, in := range r.Inputs {
		fmt.Fprintf(h, "input\x00%s\x00%s\n", in.Path, in.SHA256)
	}
	fmt.Fprintf(h, "config\x00%s\nseed\x00%d\nmodel\x00%s\n",
		r.ConfigDigest, r.Seed, r.ModelDigest)
	return "run-" + hex.EncodeToString(h.Sum(nil))[:16]
}

func sortedInputs(in []Input) []Input {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b Input) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// checkInputs rejects duplicate paths, bad digests and unknown fates.
func checkInputs(in []Input) error {
	for i, f := range in {
		if f.Path == "" || (i > 0 && in[i-1].Path == f.Path) {
			return fmt.Errorf("%w: input %d: empty or repeated path", ErrInvalidRun, i+1)
		}
		// A file that could not be read (a link, a special file, one
		// without read permission) has no digest and must be rejected.
		if f.SHA256 == "" && f.Fate == "rejected" {
			continue
		}
		if !isHexDigest(f.SHA256) {
			return fmt.Errorf("%w: input %s: sha256 is not 64 hex digits", ErrInvalidRun, f.Path)
		}
		switch f.Fate {
		case FateUsed, FateRejected, FateUnlinked, FateIgnored:
		default:
			return fmt.Errorf("%w: input %s: unknown fate %q", ErrInvalidRun, f.Path, f.Fate)
		}
	}
	return nil
}

func isHexDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// normalRisks checks every risk row, fills empty bands, sorts modalities
// and similar patients, and sorts the rows by patient and target. Rows that
// are already in that form are shared with the caller, not copied: the
// risks are the largest part of a run.
func (r *Run) normalRisks(in []Risk) ([]Risk, error) {
	out, copied := in, false
	for i := range in {
		k := in[i]
		if err := r.normalRisk(&k); err != nil {
			return nil, fmt.Errorf("%w: risk row %d: %w", ErrInvalidRun, i+1, err)
		}
		if !copied && !sameRisk(k, in[i]) {
			out, copied = slices.Clone(in), true
		}
		if copied {
			out[i] = k
		}
	}
	if !slices.IsSortedFunc(out, compareRiskKey) {
		out = slices.Clone(out)
		slices.SortFunc(out, compareRiskKey)
	}
	for i := 1; i < len(out); i++ {
		if compareRiskKey(out[i-1], out[i]) == 0 {
			return nil, fmt.Errorf("%w: two risk rows share a patient and target", ErrInvalidRun)
		}
	}
	return out, nil
}

// sameRisk reports whether normalizing left a row as it was.
func sameRisk(a, b Risk) bool {
	return a.Band == b.Band && sameSlice(a.Modalities, b.Modalities) &&
		sameSlice(a.Similar, b.Similar)
}

// sameSlice reports whether two slices are the same elements of the same
// array.
func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

func compareRiskKey(a, b Risk) int {
	return cmp.Or(strings.Compare(a.PatientID, b.PatientID), strings.Compare(a.Target, b.Target))
}

func (r *Run) normalRisk(k *Risk) error {
	if k.PatientID == "" {
		return fmt.Errorf("empty patient id")
	}
	if !r.hasTarget(k.Target) {
		return fmt.Errorf("target %q is not configured", k.Target)
	}
	if !inUnit(k.Risk) || !inUnit(k.Low) || !inUnit(k.High) || k.Low > k.High {
		return fmt.Errorf("risk %v or its interval [%v, %v] is outside [0,1] or reversed",
			k.Risk, k.Low, k.High)
	}
	if k.Status != StatusDiagnosed && k.Status != StatusUndiagnosed {
		return fmt.Errorf("unknown status %q", k.Status)
	}
	band := r.Config.BandOf(k.Risk)
	if k.Band != "" && k.Band != band {
		return fmt.Errorf("band %q disagrees with the configured band %q", k.Band, band)
	}
	k.Band = band
	k.Modalities = sortedUnique(k.Modalities)
	k.Similar = r.topSimilar(k.Similar)
	return nil
}

func (r *Run) hasTarget(name string) bool {
	return slices.ContainsFunc(r.Config.Targets, func(t schemas.Target) bool {
		return t.Name == name
	})
}

func inUnit(v float64) bool { return v >= 0 && v <= 1 }

// sortedUnique returns s sorted without repeats: s itself when it already
// is (the usual case, which then costs no memory), a sorted copy otherwise.
func sortedUnique(s []string) []string {
	for i := 1; i < len(s); i++ {
		if s[i-1] >= s[i] {
			return slices.Compact(slices.Sorted(slices.Values(s)))
		}
	}
	return s
}

// topSimilar keeps the configured number of similar patients, most similar
// first, ties by patient id; it copies only when the order must change.
func (r *Run) topSimilar(in []Similar) []Similar {
	bySimilarity := func(a, b Similar) int {
		return cmp.Or(cmp.Compare(b.Similarity, a.Similarity),
			strings.Compare(a.PatientID, b.PatientID))
	}
	out := in
	if !slices.IsSortedFunc(in, bySimilarity) {
		out = slices.Clone(in)
		slices.SortFunc(out, bySimilarity)
	}
	n := min(len(out), max(r.Config.Report.Similar, 0))
	return out[:n:n]
}

func sortedRejections(in []Rejection) []Rejection {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b Rejection) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			strings.Compare(a.Stage, b.Stage), strings.Compare(a.Reason, b.Reason))
	})
	return out
}

func sortedQuality(in []Quality) []Quality {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b Quality) int {
		return cmp.Or(strings.Compare(a.Target, b.Target), strings.Compare(a.Head, b.Head))
	})
	return out
}

func sortedCalibration(in []CalPoint) []CalPoint {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b CalPoint) int {
		return cmp.Or(strings.Compare(a.Target, b.Target), cmp.Compare(a.Predicted, b.Predicted),
			cmp.Compare(a.Observed, b.Observed), cmp.Compare(a.Count, b.Count))
	})
	return out
}

func sortedCompleteness(in []Completeness) []Completeness {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b Completeness) int {
		return cmp.Or(strings.Compare(a.Modality, b.Modality), cmp.Compare(a.Patients, b.Patients),
			cmp.Compare(a.Present, b.Present))
	})
	return out
}

func sortedEmbeddings(in []Embedding) []Embedding {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b Embedding) int {
		return cmp.Or(strings.Compare(a.PatientID, b.PatientID),
			strings.Compare(a.Modality, b.Modality), slices.Compare(a.Vector, b.Vector))
	})
	return out
}

func sortedEdges(in []Edge) []Edge {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b Edge) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.Target, b.Target),
			cmp.Compare(a.Weight, b.Weight))
	})
	return out
}

func sortedContributions(in []Contribution) []Contribution {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b Contribution) int {
		return cmp.Or(strings.Compare(a.PatientID, b.PatientID),
			strings.Compare(a.Target, b.Target), strings.Compare(a.Modality, b.Modality),
			cmp.Compare(a.Value, b.Value))
	})
	return out
}

// formatFloat formats v in the shortest form that reads back exactly,
// without an exponent, so that text outputs are byte-stable.
func formatFloat(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
