package features

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"
)

// Finish builds the Set. The Builder cannot be used afterwards.
func (b *Builder) Finish() (*Set, error) {
	if b.err != nil {
		return nil, b.err
	}
	if b.done {
		return nil, fmt.Errorf("%w: Finish called twice", ErrOrder)
	}
	b.done = true
	b.freeze()
	asOf := b.asOfDay()
	ids := b.patientIDs()
	set := &Set{
		AsOf:     time.UnixMilli(asOf).UTC(),
		Records:  map[string]Matrix{},
		Training: map[string]Matrix{},
		Labels:   map[string][]Label{},
		Patients: b.patients(ids, asOf),
		Dropped:  b.dropped(),
	}
	vocab := b.conditionVocab(ids)
	set.Spec = Spec{Version: SpecVersion, Conditions: b.codeKeys(vocab),
		Impacts: slices.Clone(b.impacts), TrendWindow: b.window,
		Records: map[string][]string{}}
	for t, tg := range b.cfg.Targets {
		set.Targets = append(set.Targets, tg.Name)
		m := b.recordMatrix(ids, t, vocab, asOf+msPerDay, false)
		set.Records[tg.Name] = m
		set.Training[tg.Name] = b.recordMatrix(ids, t, vocab, asOf+msPerDay, true)
		set.Spec.Records[tg.Name] = m.Names
		set.Labels[tg.Name] = b.labels(ids, t)
	}
	set.Spec.Genes = slices.Clone(b.genePanel(ids))
	set.Variants = b.variantMatrix(ids, set.Spec.Genes)
	set.Spec.Variants = set.Variants.Names
	if err := b.matchSpec(&set.Spec); err != nil {
		return nil, err
	}
	return set, nil
}

// asOfDay is the configured AsOf, else the UTC day of the latest date seen
// (the epoch when nothing carried a date).
func (b *Builder) asOfDay() int64 {
	switch {
	case b.asOfSet:
		return b.asOf
	case b.latest == math.MinInt64:
		return 0
	}
	return floorDiv(b.latest, msPerDay) * msPerDay
}

func floorDiv(a, n int64) int64 {
	q := a / n
	if a%n < 0 {
		q--
	}
	return q
}

// patientIDs lists the patients with a patients row, sorted.
func (b *Builder) patientIDs() []string {
	var ids []string
	for id, p := range b.pats {
		if p.hasRow {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

func (b *Builder) patients(ids []string, asOf int64) []Patient {
	out := make([]Patient, len(ids))
	for i, id := range ids {
		p := b.pats[id]
		out[i] = Patient{ID: id, Sex: p.sex, Site: p.site, Age: p.age(asOf)}
	}
	return out
}

// age is p's age in years at ms (at death when earlier); NaN when unknown
// or negative.
func (p *patient) age(ms int64) float64 {
	if p.birth == never {
		return math.NaN()
	}
	at := min(ms, p.death)
	if at < p.birth {
		return math.NaN()
	}
	return float64(at-p.birth) / msPerYear
}

// dropped sums the rows of patients without a patients row.
func (b *Builder) dropped() Dropped {
	var d Dropped
	for _, p := range b.pats {
		if !p.hasRow {
			d.Conditions += p.seen.Conditions
			d.Observations += p.seen.Observations
			d.VariantCalls += p.seen.VariantCalls
		}
	}
	return d
}

// conditionVocab returns the code ids of the condition vocabulary, in
// column order: the spec's codes, or the codes seen in the most patients.
func (b *Builder) conditionVocab(ids []string) []int32 {
	if b.spec != nil {
		vocab := make([]int32, len(b.spec.Conditions))
		for i, c := range b.spec.Conditions {
			vocab[i] = b.codes.id(c)
		}
		return vocab
	}
	count := make([]int, len(b.codes.keys))
	for _, id := range ids {
		for c := range b.pats[id].conds {
			count[c]++
		}
	}
	name := func(c int) string { return b.codes.keys[c].String() }
	var vocab []int32
	for _, c := range rank(count, name, MinConditionPatients, MaxConditions) {
		vocab = append(vocab, int32(c))
	}
	return vocab
}

// rank returns the indices whose count is at least least, by decreasing
// count and then increasing name, at most most of them.
func rank(count []int, name func(int) string, least, most int) []int {
	var out []int
	for i, n := range count {
		if n >= least {
			out = append(out, i)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, c := out[i], out[j]
		if count[a] != count[c] {
			return count[a] > count[c]
		}
		return name(a) < name(c)
	})
	return out[:min(len(out), most)]
}

func (b *Builder) codeKeys(vocab []int32) []Code {
	out := make([]Code, len(vocab))
	for i, c := range vocab {
		out[i] = b.codes.keys[c]
	}
	return out
}

func (b *Builder) labels(ids []string, t int) []Label {
	out := make([]Label, len(ids))
	for i, id := range ids {
		if on := b.pats[id].onset[t]; on != never {
			out[i] = Label{Diagnosed: true, Onset: time.UnixMilli(on).UTC()}
		}
	}
	return out
}

func (b *Builder) variantMatrix(ids []string, panel []string) Matrix {
	m := Matrix{Names: b.variantNames(panel), Rows: make([][]float64, len(ids))}
	for i, id := range ids {
		m.Rows[i] = b.variantRow(b.pats[id], panel, len(m.Names))
	}
	return m
}

// matchSpec checks the names built against a frozen spec.
func (b *Builder) matchSpec(got *Spec) error {
	if b.spec == nil {
		return nil
	}
	for _, tg := range b.cfg.Targets {
		if !slices.Equal(b.spec.Records[tg.Name], got.Records[tg.Name]) {
			return fmt.Errorf("%w: records features of target %q differ "+
				"(labs or targets changed since the spec was saved)", ErrSpecMismatch, tg.Name)
		}
	}
	if len(b.spec.Records) != len(got.Records) {
		return fmt.Errorf("%w: the spec has other targets", ErrSpecMismatch)
	}
	if !slices.Equal(b.spec.Variants, got.Variants) {
		return fmt.Errorf("%w: variant features differ", ErrSpecMismatch)
	}
	return nil
}
