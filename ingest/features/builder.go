package features

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/clinfuse/clinfuse/schemas"
)

const (
	msPerDay = 24 * 60 * 60 * 1000
	never    = math.MaxInt64 // a cut-off or onset that is not set
)

// Builder accumulates per-patient summaries from Arrow batches. See the
// package documentation for the order of calls.
type Builder struct {
	cfg     schemas.Config
	spec    *Spec
	window  int
	impacts []string
	labs    map[string]int // LOINC code -> index in cfg.Labs

	asOfSet bool
	asOf    int64 // ms, start of the configured AsOf day
	limit   int64 // ms, exclusive: data at or after it is ignored
	latest  int64 // ms, the latest date seen

	pats   map[string]*patient
	codes  interner[Code]
	genes  interner[string]
	frozen bool // observations or variant calls have started
	done   bool
	err    error
}

// patient is one patient's running summary.
type patient struct {
	hasRow       bool
	sex, site    string
	birth, death int64           // ms; never when unknown
	conds        map[int32]int64 // code id -> earliest start
	onset        []int64         // per target; never when not diagnosed
	cut          []int64         // per target, exclusive cut-off, set when frozen
	labs         [][]labAcc      // per target, per lab, set when frozen
	genomic      bool
	burden       map[int32][]int32 // gene id -> counts per impact x {het, hom}
	total        []int32           // counts per impact x {het, hom} in any gene
	seen         Dropped           // rows seen, reported as dropped when hasRow stays false
}

// NewBuilder returns a Builder for cfg. With a nil spec the condition
// vocabulary and gene panel are derived from the data; otherwise they are
// the spec's.
func NewBuilder(cfg schemas.Config, spec *Spec) *Builder {
	b := &Builder{cfg: cfg, spec: spec, window: TrendWindow, limit: never,
		latest: math.MinInt64, pats: map[string]*patient{}}
	b.impacts = cfg.Genomics.Impacts
	if len(b.impacts) == 0 {
		b.impacts = []string{"HIGH", "MODERATE", "LOW", "MODIFIER"}
	}
	if spec != nil {
		b.frozenSpec(spec)
	}
	b.labs = map[string]int{}
	for i, l := range cfg.Labs {
		if _, dup := b.labs[l.Code]; !dup {
			b.labs[l.Code] = i
		}
	}
	if cfg.AsOf != "" {
		t, err := time.Parse(time.DateOnly, cfg.AsOf)
		if err != nil {
			b.err = fmt.Errorf("%w: as_of %q is not YYYY-MM-DD", schemas.ErrInvalidConfig, cfg.AsOf)
		}
		b.asOfSet, b.asOf = true, t.UnixMilli()
		b.limit = b.asOf + msPerDay
	}
	return b
}

// frozenSpec takes the vocabularies from a saved spec.
func (b *Builder) frozenSpec(spec *Spec) {
	if spec.Version != SpecVersion {
		b.err = fmt.Errorf("%w: version %d, this build has %d",
			ErrSpecMismatch, spec.Version, SpecVersion)
	}
	b.window = spec.TrendWindow
	if b.window < 2 {
		b.err = fmt.Errorf("%w: trend window %d", ErrSpecMismatch, spec.TrendWindow)
	}
	b.impacts = spec.Impacts
}

// get returns the patient with id, creating it.
func (b *Builder) get(id string) *patient {
	if p, ok := b.pats[id]; ok {
		return p
	}
	n := len(b.cfg.Targets)
	p := &patient{birth: never, death: never, onset: make([]int64, n)}
	for i := range p.onset {
		p.onset[i] = never
	}
	if b.frozen {
		b.freezePatient(p)
	}
	b.pats[strings.Clone(id)] = p
	return p
}

// check refuses batches after an error, after Finish, or of the wrong
// schema.
func (b *Builder) check(want *arrow.Schema, rec arrow.Record) error {
	if b.err != nil {
		return b.err
	}
	if b.done {
		return fmt.Errorf("%w: batch after Finish", ErrOrder)
	}
	if err := schemas.Check(want, rec.Schema()); err != nil {
		return fmt.Errorf("features: %w", err)
	}
	return nil
}

// seen moves the latest date seen forward.
func (b *Builder) seen(ms int64) {
	if ms > b.latest {
		b.latest = ms
	}
}

// AddPatients adds a batch of schemas.Patients rows. A patient given twice
// keeps, per field, the value present in either, and the smaller when both
// are present and differ, so that the result does not depend on order.
func (b *Builder) AddPatients(rec arrow.Record) error {
	if err := b.check(schemas.Patients, rec); err != nil {
		return err
	}
	ids := column[*array.String](rec, "patient_id")
	births := column[*array.Date32](rec, "birth_date")
	deaths := column[*array.Date32](rec, "death_date")
	sexes := column[*array.String](rec, "sex")
	sites := column[*array.String](rec, "site")
	for i := 0; i < int(rec.NumRows()); i++ {
		p := b.get(ids.Value(i))
		birth, death := dayMs(births, i), dayMs(deaths, i)
		for _, d := range []int64{birth, death} {
			if d != never {
				b.seen(d)
			}
		}
		mergePatient(p, birth, death, sexes.Value(i), optString(sites, i))
	}
	return nil
}

func mergePatient(p *patient, birth, death int64, sex, site string) {
	if !p.hasRow {
		p.hasRow, p.birth, p.death, p.sex, p.site = true, birth, death, sex, site
		return
	}
	p.birth = min(p.birth, birth)
	p.death = min(p.death, death)
	p.sex = smallerSet(p.sex, sex, "U")
	p.site = smallerSet(p.site, site, "")
}

// smallerSet returns the one of a and b that is not unset, or the smaller.
func smallerSet(a, b, unset string) string {
	switch {
	case a == unset:
		return strings.Clone(b)
	case b == unset:
		return a
	}
	return strings.Clone(min(a, b))
}

// AddConditions adds a batch of schemas.Conditions rows. It fails with
// ErrOrder once observations or variant calls have been added.
func (b *Builder) AddConditions(rec arrow.Record) error {
	if err := b.check(schemas.Conditions, rec); err != nil {
		return err
	}
	if b.frozen {
		return fmt.Errorf("%w: conditions after observations or variant calls", ErrOrder)
	}
	ids := column[*array.String](rec, "patient_id")
	starts := column[*array.Timestamp](rec, "start")
	systems := column[*array.String](rec, "system")
	codes := column[*array.String](rec, "code")
	for i := 0; i < int(rec.NumRows()); i++ {
		start := int64(starts.Value(i))
		if start >= b.limit {
			continue
		}
		b.seen(start)
		b.condition(b.get(ids.Value(i)), start, systems.Value(i), codes.Value(i))
	}
	return nil
}

// condition records one condition start for p.
func (b *Builder) condition(p *patient, start int64, system, code string) {
	p.seen.Conditions++
	id := b.codes.id(Code{System: shortSystem(system), Code: code})
	if p.conds == nil {
		p.conds = map[int32]int64{}
	}
	if old, ok := p.conds[id]; !ok || start < old {
		p.conds[id] = start
	}
	for t, tg := range b.cfg.Targets {
		if tg.Matches(code) && start < p.onset[t] {
			p.onset[t] = start
		}
	}
}

// freeze fixes every patient's cut-offs: called at the first observation
// or variant batch, or at Finish.
func (b *Builder) freeze() {
	if b.frozen {
		return
	}
	b.frozen = true
	for _, p := range b.pats {
		b.freezePatient(p)
	}
}

// freezePatient sets p's cut-off per target and its lab accumulators.
func (b *Builder) freezePatient(p *patient) {
	n := len(b.cfg.Targets)
	p.cut = make([]int64, n)
	p.labs = make([][]labAcc, n)
	for t := range n {
		p.cut[t] = min(p.onset[t], b.limit)
		p.labs[t] = make([]labAcc, len(b.cfg.Labs))
	}
}

// AddObservations adds a batch of schemas.Observations rows; only numeric
// values of configured labs (LOINC codes) are kept.
func (b *Builder) AddObservations(rec arrow.Record) error {
	if err := b.check(schemas.Observations, rec); err != nil {
		return err
	}
	b.freeze()
	ids := column[*array.String](rec, "patient_id")
	times := column[*array.Timestamp](rec, "time")
	systems := column[*array.String](rec, "system")
	codes := column[*array.String](rec, "code")
	values := column[*array.Float64](rec, "value")
	for i := 0; i < int(rec.NumRows()); i++ {
		at := int64(times.Value(i))
		if at >= b.limit {
			continue
		}
		b.seen(at)
		p := b.get(ids.Value(i))
		p.seen.Observations++
		lab, ok := b.labs[codes.Value(i)]
		if !ok || values.IsNull(i) || shortSystem(systems.Value(i)) != "LOINC" {
			continue
		}
		b.observe(p, lab, point{at, values.Value(i)})
	}
	return nil
}

// observe adds one lab value to every cut-off it precedes.
func (b *Builder) observe(p *patient, lab int, pt point) {
	if math.IsNaN(pt.v) || math.IsInf(pt.v, 0) {
		return
	}
	for t := range p.cut {
		if pt.t < p.cut[t] {
			p.labs[t][lab].add(pt, b.window)
		}
	}
}

// shortSystem names the common coding systems by a short name, so that a
// code reads the same from Synthea CSV and from FHIR.
func shortSystem(s string) string {
	switch s {
	case "http://snomed.info/sct", "SNOMED", "SNOMED-CT", "SNOMED CT", "SCT":
		return "SNOMED-CT"
	case "http://loinc.org", "LOINC":
		return "LOINC"
	case "http://hl7.org/fhir/sid/icd-10-cm", "ICD-10-CM", "ICD10CM":
		return "ICD-10-CM"
	case "http://hl7.org/fhir/sid/icd-10", "ICD-10", "ICD10":
		return "ICD-10"
	}
	return s
}

// column returns the named column of a batch whose schema was checked.
func column[A arrow.Array](rec arrow.Record, name string) A {
	return rec.Column(rec.Schema().FieldIndices(name)[0]).(A)
}

// dayMs returns a date32 cell as ms at midnight UTC, never when null.
func dayMs(a *array.Date32, i int) int64 {
	if a.IsNull(i) {
		return never
	}
	return int64(a.Value(i)) * msPerDay
}

// optString returns a string cell, "" when null.
func optString(a *array.String, i int) string {
	if a.IsNull(i) {
		return ""
	}
	return a.Value(i)
}

// interner gives dense ids to values, in order of first sight.
type interner[K comparable] struct {
	ids  map[K]int32
	keys []K
}

func (in *interner[K]) id(k K) int32 {
	if id, ok := in.ids[k]; ok {
		return id
	}
	if in.ids == nil {
		in.ids = map[K]int32{}
	}
	k = cloneKey(k)
	id := int32(len(in.keys))
	in.ids[k] = id
	in.keys = append(in.keys, k)
	return id
}

// cloneKey copies the strings of a key, which may point into an Arrow
// buffer that is about to be released.
func cloneKey[K comparable](k K) K {
	switch v := any(k).(type) {
	case string:
		return any(strings.Clone(v)).(K)
	case Code:
		return any(Code{System: strings.Clone(v.System), Code: strings.Clone(v.Code)}).(K)
	}
	return k
}
