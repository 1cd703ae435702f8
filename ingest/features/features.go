package features

import (
	"errors"
	"time"
)

// Error classes. Every error returned by this package wraps one of them
// (or schemas.ErrSchemaMismatch for a batch of the wrong schema).
var (
	// ErrOrder reports calls in an order the Builder cannot honour, such
	// as conditions after observations, or use after Finish.
	ErrOrder = errors.New("features: calls out of order")
	// ErrSpecMismatch reports a frozen Spec that does not fit the
	// configuration (other labs or targets) or this build (version).
	ErrSpecMismatch = errors.New("features: spec does not match")
)

// SpecVersion is the version of the Spec layout and of the feature
// definitions; a saved Spec of another version is refused.
const SpecVersion = 1

// Vocabulary limits used when a Spec is derived from the data.
const (
	// MaxConditions is the largest condition vocabulary.
	MaxConditions = 128
	// MinConditionPatients is the fewest patients a code must be seen in
	// to enter the vocabulary.
	MinConditionPatients = 2
	// TrendWindow is the number of latest values a lab trend uses.
	TrendWindow = 10
	// DefaultMaxGenes bounds a derived gene panel when max_genes is not
	// positive.
	DefaultMaxGenes = 64
)

// Patient is one patient with a patients row.
type Patient struct {
	ID, Sex, Site string
	// Age is in years at AsOf (at death when earlier); NaN if unknown.
	Age float64
}

// Matrix is a feature matrix: one row per patient of Set.Patients, one
// column per name. A nil row means the patient has no data of the modality.
type Matrix struct {
	Names []string
	Rows  [][]float64
}

// Label is one patient's status for one target.
type Label struct {
	Diagnosed bool
	// Onset is the earliest start of a matching condition; zero when not
	// diagnosed.
	Onset time.Time
}

// Dropped counts rows that name a patient without a patients row (rows
// dated after AsOf and variant calls of unlinked samples are not counted);
// they are not used.
type Dropped struct {
	Conditions, Observations, VariantCalls int64
}

// Set is the result of a Builder.
type Set struct {
	// AsOf is the reference day: the configured as_of, else the latest
	// date seen in the records.
	AsOf time.Time
	// Patients lists every patient with a patients row, sorted by ID.
	Patients []Patient
	// Targets are the configured target names in order.
	Targets []string
	// Records holds the records features per target name, for scoring:
	// each row stops at the patient's onset, else at AsOf.
	Records map[string]Matrix
	// Training holds the records features per target name for training:
	// as Records for diagnosed patients, but an undiagnosed patient's row
	// stops at its index date (a diagnosed patient's onset drawn by a
	// seeded hash of its id), so that both labels see windows of alike
	// length.
	Training map[string]Matrix
	// Variants holds gene-level burden; rows are nil for patients with no
	// linked variant call.
	Variants Matrix
	// Labels holds per target name one label per patient, aligned with
	// Patients.
	Labels map[string][]Label
	// Spec is the frozen vocabularies and feature names, to save with a
	// model.
	Spec    Spec
	Dropped Dropped
}

// Code is a condition code with its coding system (short name).
type Code struct {
	System string `json:"system"`
	Code   string `json:"code"`
}

// String is the code as used in feature names: SYSTEM|CODE.
func (c Code) String() string { return c.System + "|" + c.Code }

// Spec freezes what a model was trained on: the vocabularies and the
// resulting feature names. It is plain data, JSON-serialisable; a Builder
// given a Spec uses its vocabularies instead of deriving them, and Finish
// fails with ErrSpecMismatch when the configuration would give other
// feature names.
type Spec struct {
	Version     int      `json:"version"`
	Conditions  []Code   `json:"conditions"`
	Genes       []string `json:"genes"`
	Impacts     []string `json:"impacts"`
	TrendWindow int      `json:"trend_window"`
	// Records holds the records feature names per target name.
	Records map[string][]string `json:"records"`
	// Variants holds the variant feature names.
	Variants []string `json:"variants"`
}
