package synth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Options controls the export written by Generate.
type Options struct {
	// Patients is the number of patients.
	Patients int
	// Seed is the only source of randomness.
	Seed uint64
	// Out is the export folder; it must not exist or be empty.
	Out string
	// Truth is the path of the hidden-truth TSV file; it must lie outside Out.
	Truth string
	// ImagingFraction and GenomicsFraction are the shares of patients with
	// a CT study and with a genomic sample.
	ImagingFraction, GenomicsFraction float64
	// DiagnosedFraction is the share of diseased patients whose diagnosis is
	// recorded.
	DiagnosedFraction float64
	// Prevalence is the share of diseased patients.
	Prevalence float64
	// SliceSize is the side of each CT slice in pixels; Slices the number of
	// slices of the main series.
	SliceSize, Slices int
}

// DefaultOptions returns the settings used for the bundled example export.
func DefaultOptions() Options {
	return Options{
		Patients: 300, Seed: 1,
		ImagingFraction: 0.6, GenomicsFraction: 0.8,
		DiagnosedFraction: 0.5, Prevalence: 0.3,
		SliceSize: 36, Slices: 4,
	}
}

// ErrInvalidOptions reports options that cannot produce an export.
var ErrInvalidOptions = errors.New("synth: invalid options")

// AsOf is the export's reference date: every generated event lies before it.
var AsOf = time.Date(2026, time.June, 30, 0, 0, 0, 0, time.UTC)

// TargetCode is the SNOMED-CT code of the planted diagnosis.
const TargetCode = "44054006"

// patient is one synthetic patient with its hidden truth.
type patient struct {
	id, first, last  string
	sex, county      string
	birth            time.Time
	age              float64 // years at AsOf
	zImg, zLab, zGen float64
	body             float64 // body size, a nuisance factor
	liability        float64
	diseased         bool
	diagnosed        bool
	onset            time.Time
	imaging          bool
	genomics         bool
	sample           string
}

// Generate writes the export and the truth file.
func Generate(ctx context.Context, opt Options) error {
	if err := opt.validate(); err != nil {
		return err
	}
	if err := prepareOut(opt.Out); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5ca1ab1e))
	pats := makePatients(rng, opt)
	writers := []func() error{
		func() error { return writeRecords(filepath.Join(opt.Out, "records"), pats, rng) },
		func() error {
			return writeImaging(ctx, filepath.Join(opt.Out, "imaging"), pats, opt, rng)
		},
		func() error { return writeGenomics(filepath.Join(opt.Out, "genomics"), pats, rng) },
		func() error { return writeTruth(opt.Truth, pats) },
	}
	for _, w := range writers {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w(); err != nil {
			return err
		}
	}
	return nil
}

func (o Options) validate() error {
	switch {
	case o.Patients < 10:
		return fmt.Errorf("%w: at least 10 patients are needed", ErrInvalidOptions)
	case o.Out == "" || o.Truth == "":
		return fmt.Errorf("%w: an export folder and a truth file are needed", ErrInvalidOptions)
	case o.SliceSize < 16 || o.Slices < 1:
		return fmt.Errorf("%w: slices must be at least 16 pixels, one per series",
			ErrInvalidOptions)
	case o.Prevalence <= 0 || o.Prevalence >= 1:
		return fmt.Errorf("%w: prevalence must lie in (0,1)", ErrInvalidOptions)
	}
	out, err1 := filepath.Abs(o.Out)
	truth, err2 := filepath.Abs(o.Truth)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidOptions, err)
	}
	if rel, err := filepath.Rel(out, truth); err == nil && filepath.IsLocal(rel) {
		return fmt.Errorf("%w: the truth file must lie outside the export", ErrInvalidOptions)
	}
	return nil
}

func prepareOut(dir string) error {
	entries, err := os.ReadDir(dir)
	if err == nil && len(entries) > 0 {
		return fmt.Errorf("%w: %s is not empty", ErrInvalidOptions, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

var (
	firstF   = []string{"Ada", "Bea", "Cleo", "Dora", "Eva", "Fay", "Gia", "Hana", "Iris", "June"}
	firstM   = []string{"Abe", "Ben", "Cal", "Dan", "Eli", "Finn", "Gus", "Hal", "Ivan", "Jude"}
	lasts    = []string{"Amberly", "Brookfield", "Calloway", "Dunmore", "Eastwick", "Fairhaven"}
	counties = []string{"Northfield County", "Southport County", "Westbrook County"}
)

// makePatients draws the patients and their hidden truth. The draw order is
// fixed so that a seed always gives the same export.
func makePatients(rng *rand.Rand, opt Options) []*patient {
	pats := make([]*patient, opt.Patients)
	for i := range pats {
		pats[i] = drawPatient(rng, i)
	}
	assignDisease(pats, opt.Prevalence)
	for i, p := range pats {
		p.imaging = rng.Float64() < opt.ImagingFraction
		p.genomics = rng.Float64() < opt.GenomicsFraction
		if p.diseased && rng.Float64() < opt.DiagnosedFraction {
			p.diagnosed = true
			// Diagnoses fall in the second half of follow-up, so that most
			// diagnosed patients have history before their onset.
			span := int(AsOf.Sub(onsetStart).Hours()/24) - 30
			p.onset = onsetStart.AddDate(0, 0, rng.IntN(span))
		}
		p.sample = fmt.Sprintf("SMP-%05d", 1+(i*7919)%100000)
	}
	return pats
}

// studyStart is the first date of the synthetic follow-up period, and
// onsetStart the first date a diagnosis may be recorded.
var (
	studyStart = time.Date(2023, time.January, 1, 0, 0, 0, 0, time.UTC)
	onsetStart = time.Date(2024, time.September, 1, 0, 0, 0, 0, time.UTC)
)

func drawPatient(rng *rand.Rand, i int) *patient {
	p := &patient{id: uuid(rng)}
	p.sex = "F"
	first := firstF
	if rng.IntN(2) == 0 {
		p.sex, first = "M", firstM
	}
	p.first = fmt.Sprintf("%s%d", first[rng.IntN(len(first))], 10+rng.IntN(990))
	p.last = fmt.Sprintf("%s%d", lasts[rng.IntN(len(lasts))], 100+rng.IntN(900))
	p.county = counties[rng.IntN(len(counties))]
	p.age = 30 + 50*rng.Float64()
	p.birth = AsOf.AddDate(0, 0, -int(p.age*365.25))
	// The factors share a metabolic component, as organs, blood and genes
	// do in a real patient, so that modalities of one patient agree more
	// than those of two patients.
	common := rng.NormFloat64()
	mix := func() float64 { return sharedLoad*common + ownLoad*rng.NormFloat64() }
	p.zImg, p.zLab, p.zGen = mix(), mix(), mix()
	p.body = rng.NormFloat64()
	p.liability = p.zImg + p.zLab + p.zGen + 0.02*(p.age-55) + 0.5*rng.NormFloat64()
	return p
}

// sharedLoad and ownLoad mix each factor from the common component and its
// own: every factor has unit variance and any two correlate by 0.2.
var (
	sharedLoad = math.Sqrt(0.2)
	ownLoad    = math.Sqrt(0.8)
)

// assignDisease marks the patients with the highest liability as diseased.
func assignDisease(pats []*patient, prevalence float64) {
	order := make([]*patient, len(pats))
	copy(order, pats)
	slices.SortStableFunc(order, func(a, b *patient) int {
		return -cmpFloat(a.liability, b.liability)
	})
	n := int(math.Round(prevalence * float64(len(pats))))
	for _, p := range order[:n] {
		p.diseased = true
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// uuid draws a random version-4 UUID string from rng.
func uuid(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
