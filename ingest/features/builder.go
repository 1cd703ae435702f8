package features

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
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
	onsets [][]int64 // per target, the diagnosed patients' onsets, sorted; set when frozen
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
	cuts         []int64         // distinct exclusive cut-offs, set when frozen
	group        []int32         // per target, its index in cuts and labs
	tgroup       []int32         // per target, the training cut-off's index
	labs         [][]labAcc      // per cut-off, per lab; nil until a value arrives
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
			b.err = fmt.Errorf("%w: as_of %q is not YYYY-MM-DD",
				schemas.ErrInvalidConfig, cfg.AsOf)
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
	id = strings.Clone(id)
	if b.frozen {
		b.freezePatient(id, p)
	}
	b.pats[id] = p
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

// mergePatient sets p's fields from one patients row. The strings may point
// into an Arrow buffer: they are copied.
func mergePatient(p *patient, birth, death int64, sex, site string) {
	if !p.hasRow {
		p.hasRow, p.birth, p.death = true, birth, death
		p.sex, p.site = strings.Clone(sex), strings.Clone(site)
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
	b.onsets = make([][]int64, len(b.cfg.Targets))
	for _, p := range b.pats {
		for t, on := range p.onset {
			if on != never {
				b.onsets[t] = append(b.onsets[t], on)
			}
		}
	}
	for t := range b.onsets {
		slices.Sort(b.onsets[t])
	}
	for id, p := range b.pats {
		b.freezePatient(id, p)
	}
}

// freezePatient sets p's cut-offs per target: for scoring, the onset, else
// the as-of limit; for training, the onset, else the patient's index date
// (see indexDate). Targets with the same cut-off share one set of lab
// summaries, so an undiagnosed patient keeps few sets whatever the number
// of targets.
func (b *Builder) freezePatient(id string, p *patient) {
	p.group = make([]int32, len(b.cfg.Targets))
	p.tgroup = make([]int32, len(b.cfg.Targets))
	for t := range p.group {
		p.group[t] = p.cutIndex(min(p.onset[t], b.limit))
		p.tgroup[t] = p.group[t]
		if p.onset[t] == never {
			p.tgroup[t] = p.cutIndex(min(b.indexDate(id, t), b.limit))
		}
	}
	p.labs = make([][]labAcc, len(p.cuts))
}

// cutIndex returns the index of cut in p.cuts, adding it when new.
func (p *patient) cutIndex(cut int64) int32 {
	g := slices.Index(p.cuts, cut)
	if g < 0 {
		g = len(p.cuts)
		p.cuts = append(p.cuts, cut)
	}
	return int32(g)
}

// indexDate is an undiagnosed patient's training cut-off for target t: the
// onset of a diagnosed patient drawn by a seeded hash of the patient id, so
// that undiagnosed patients' training windows end at dates distributed as
// the diagnosed patients' onsets do (index-date matching). Without it a
// model learns how much history each label has (features of diagnosed
// patients stop at onset) instead of the disease. With no diagnosed patient
// it is the as-of limit.
func (b *Builder) indexDate(id string, t int) int64 {
	on := b.onsets[t]
	if len(on) == 0 {
		return b.limit
	}
	h := fnv.New64a()
	var seed [8]byte
	binary.LittleEndian.PutUint64(seed[:], b.cfg.Seed)
	h.Write(seed[:])
	h.Write([]byte(b.cfg.Targets[t].Name + "\x00" + id))
	return on[h.Sum64()%uint64(len(on))]
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
	for g, cut := range p.cuts {
		if pt.t >= cut {
			continue
		}
		if p.labs[g] == nil {
			p.labs[g] = make([]labAcc, len(b.cfg.Labs))
		}
		p.labs[g][lab].add(pt, b.window)
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
