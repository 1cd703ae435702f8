package schemas

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ErrInvalidConfig reports a configuration that cannot be used.
var ErrInvalidConfig = errors.New("schemas: invalid config")

// Config is the whole effective configuration of a run. The zero value is
// not useful; start from Default.
type Config struct {
	// Seed is the only source of randomness in a run.
	Seed uint64 `yaml:"seed"`
	// Workers is the number of workers per parallel stage; outputs never
	// depend on it.
	Workers int `yaml:"workers"`
	// AsOf is the reference date (YYYY-MM-DD) for ages and for ignoring
	// later data. Empty means the latest date found in the records.
	AsOf string `yaml:"as_of"`

	Targets  []Target       `yaml:"targets"`
	Labs     []Lab          `yaml:"labs"`
	Imaging  ImagingConfig  `yaml:"imaging"`
	Genomics GenomicsConfig `yaml:"genomics"`
	Model    ModelConfig    `yaml:"model"`
	Graph    GraphConfig    `yaml:"graph"`
	Report   ReportConfig   `yaml:"report"`
}

// Target is one diagnosis to predict.
type Target struct {
	Name string `yaml:"name"`
	// Codes match condition codes of any system; a code ending in "*"
	// matches every code starting with what precedes the star.
	Codes []string `yaml:"codes"`
}

// Matches reports whether code is one of the target's codes.
func (t Target) Matches(code string) bool {
	for _, c := range t.Codes {
		if p, ok := strings.CutSuffix(c, "*"); ok {
			if strings.HasPrefix(code, p) {
				return true
			}
		} else if code == c {
			return true
		}
	}
	return false
}

// Lab is one observation code turned into features (latest value, trend,
// count, missing indicator).
type Lab struct {
	Name string `yaml:"name"`
	Code string `yaml:"code"` // LOINC
}

// ImagingConfig controls series choice and the model's image grid.
type ImagingConfig struct {
	// Grid is the side of the square grid each slice is resampled to.
	Grid int `yaml:"grid"`
	// Slices is the number of slices per study given to the encoder,
	// taken evenly along the slice normal.
	Slices int `yaml:"slices"`
	// WindowCenter and WindowWidth are the window for modalities that
	// Windows does not list, in the modality's physical unit. Width 0 means
	// the file's own window, or the min..max of the image when it has none.
	WindowCenter float64 `yaml:"window_center"`
	WindowWidth  float64 `yaml:"window_width"`
	// Windows sets the window per modality (Hounsfield units for CT); a
	// window in one modality's unit means nothing in another's.
	Windows []Window `yaml:"windows"`
	// Modalities lists the accepted modalities in order of preference
	// when a study holds several series.
	Modalities []string `yaml:"modalities"`
	// SeriesRule breaks ties among series of a preferred modality:
	// "most_slices" (default) or "first_series_number".
	SeriesRule string `yaml:"series_rule"`
}

// Window is a display window for one modality.
type Window struct {
	Modality string  `yaml:"modality"`
	Center   float64 `yaml:"center"`
	Width    float64 `yaml:"width"`
}

// ForModality returns the imaging settings with the window for modality:
// its entry in Windows, else WindowCenter and WindowWidth.
func (c ImagingConfig) ForModality(modality string) ImagingConfig {
	for _, w := range c.Windows {
		if w.Modality == modality {
			c.WindowCenter, c.WindowWidth = w.Center, w.Width
			break
		}
	}
	return c
}

// GenomicsConfig controls gene-level variant features.
type GenomicsConfig struct {
	// Genes is the panel of genes turned into features; empty means the
	// genes carrying variants in the training population, most frequent
	// first, up to MaxGenes.
	Genes    []string `yaml:"genes"`
	MaxGenes int      `yaml:"max_genes"`
	// Impacts lists the impacts counted (HIGH, MODERATE, LOW, MODIFIER).
	Impacts []string `yaml:"impacts"`
	// PassOnly drops calls whose FILTER is not PASS.
	PassOnly bool `yaml:"pass_only"`
}

// ModelConfig holds encoder and fusion hyper-parameters.
type ModelConfig struct {
	EmbeddingWidth int     `yaml:"embedding_width"`
	Hidden         int     `yaml:"hidden"`
	Dropout        float64 `yaml:"dropout"`
	LearningRate   float64 `yaml:"learning_rate"`
	WeightDecay    float64 `yaml:"weight_decay"`
	Epochs         int     `yaml:"epochs"`
	Patience       int     `yaml:"patience"`
	PretrainEpochs int     `yaml:"pretrain_epochs"`
	// Folds is the number of cross-fitting folds: every risk comes from a
	// model that did not see that patient's label.
	Folds int `yaml:"folds"`
	// ValidationFraction of each fold model's training patients is held
	// out to stop its training early (validation loss, Patience); 0 trains
	// every fold model on all its training patients for Epochs epochs.
	// Calibration uses the held-out folds' risks in either case.
	ValidationFraction float64 `yaml:"validation_fraction"`
	// Head is the fusion head used for the report: graph, early, late,
	// attention, or a single modality name.
	Head string `yaml:"head"`
	// ModalityDropout is the probability of hiding a modality of a
	// training patient during training.
	ModalityDropout float64 `yaml:"modality_dropout"`
	// EncoderHidden is the hidden width of each encoder's projector, the
	// network from a modality's descriptor to its embedding; 0 makes the
	// projector linear.
	EncoderHidden int `yaml:"encoder_hidden"`
	// ContrastiveWeight weighs each cross-modal InfoNCE term of the
	// encoders' pretraining; 0 leaves them out.
	ContrastiveWeight float64 `yaml:"contrastive_weight"`
	// SliceContrastWeight weighs the InfoNCE term between the two halves
	// of each study's slices in the encoders' pretraining; 0 leaves it out.
	SliceContrastWeight float64 `yaml:"slice_contrast_weight"`
	// FusionWeightDecay is the L2 penalty on the fusion heads' weights
	// (WeightDecay is the encoders').
	FusionWeightDecay float64 `yaml:"fusion_weight_decay"`
	// FusionDropout is the dropout of the fusion heads (Dropout is the
	// encoders').
	FusionDropout float64 `yaml:"fusion_dropout"`
}

// GraphConfig controls the patient graph.
type GraphConfig struct {
	// K is the number of nearest reference patients each patient links to.
	K int `yaml:"k"`
	// SexWeight multiplies an edge's weight when the two patients' sex
	// differs (1 ignores sex, 0 forbids such edges).
	SexWeight float64 `yaml:"sex_weight"`
	// AgeBand is the width in years of an age band; AgeWeight multiplies
	// the weight of edges across bands. AgeBand 0 ignores age.
	AgeBand   float64 `yaml:"age_band"`
	AgeWeight float64 `yaml:"age_weight"`
	// SiteWeight multiplies the weight of edges across sites.
	SiteWeight float64 `yaml:"site_weight"`
}

// ReportConfig controls the reports.
type ReportConfig struct {
	// Bands are the risk bands, in increasing order of Below; a risk falls
	// in the first band whose Below exceeds it. The last band should have
	// Below 1.01 or more.
	Bands []Band `yaml:"bands"`
	// Similar is the number of similar reference patients listed.
	Similar int `yaml:"similar"`
}

// Band is one named risk band.
type Band struct {
	Name  string  `yaml:"name"`
	Below float64 `yaml:"below"`
}

// Default returns the built-in configuration: type 2 diabetes, seed 1.
func Default() Config {
	return Config{
		Seed:    1,
		Workers: 2,
		Targets: []Target{{
			Name:  "type 2 diabetes",
			Codes: []string{"44054006", "E11*"},
		}},
		Labs: []Lab{
			{Name: "HbA1c", Code: "4548-4"},
			{Name: "glucose", Code: "2339-0"},
			{Name: "BMI", Code: "39156-5"},
			{Name: "systolic BP", Code: "8480-6"},
			{Name: "diastolic BP", Code: "8462-4"},
			{Name: "total cholesterol", Code: "2093-3"},
			{Name: "triglycerides", Code: "2571-8"},
			{Name: "HDL", Code: "2085-9"},
			{Name: "LDL", Code: "18262-6"},
			{Name: "creatinine", Code: "38483-4"},
			{Name: "body weight", Code: "29463-7"},
		},
		Imaging: ImagingConfig{
			Grid: 32, Slices: 4,
			Windows:    []Window{{Modality: "CT", Center: 40, Width: 400}},
			Modalities: []string{"CT", "MR", "PT", "CR", "DX"},
			SeriesRule: "most_slices",
		},
		Genomics: GenomicsConfig{
			MaxGenes: 64,
			Impacts:  []string{"HIGH", "MODERATE"},
		},
		Model: ModelConfig{
			EmbeddingWidth: 8, Hidden: 64, Dropout: 0.3,
			LearningRate: 0.01, WeightDecay: 5e-4,
			Epochs: 200, Patience: 30, PretrainEpochs: 30,
			Folds: 5, ValidationFraction: 0,
			Head: "graph", ModalityDropout: 0.15,
			EncoderHidden: 0, ContrastiveWeight: 0, SliceContrastWeight: 1,
			FusionWeightDecay: 0.3, FusionDropout: 0,
		},
		Graph: GraphConfig{
			K: 10, SexWeight: 0.5, AgeBand: 10, AgeWeight: 0.5, SiteWeight: 1,
		},
		Report: ReportConfig{
			Bands: []Band{
				{Name: "low", Below: 0.2},
				{Name: "medium", Below: 0.5},
				{Name: "high", Below: 1.01},
			},
			Similar: 3,
		},
	}
}

// Load reads a YAML configuration on top of Default. Unknown keys are an
// error, so that a misspelt setting is never silently ignored.
func Load(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("schemas: config: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads a YAML configuration from r on top of Default; name is used in
// error messages.
func Parse(r io.Reader, name string) (Config, error) {
	c := Default()
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("%w: %s: %s", ErrInvalidConfig, name, yamlMessage(err))
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// goTypeSuffix matches the Go type that the YAML decoder names in its
// messages (" in type schemas.ModelConfig"), which means nothing to the
// reader of a configuration file.
var goTypeSuffix = regexp.MustCompile(` (in type|into) [\[\]*]*\w+\.\w+`)

// yamlMessage is the YAML decoder's message for err without Go type names:
// "line 3: field workrs not found" rather than "... in type schemas.Config".
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err.Error()
	}
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		msgs[i] = goTypeSuffix.ReplaceAllString(m, "")
	}
	return strings.Join(msgs, "; ")
}

// Validate checks the settings that would otherwise fail deep inside a run.
func (c Config) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, a...)...)
	}
	if len(c.Targets) == 0 {
		return bad("no targets")
	}
	seen := map[string]bool{}
	for i, t := range c.Targets {
		if t.Name == "" || len(t.Codes) == 0 {
			return bad("target %d needs a name and at least one code", i+1)
		}
		if seen[t.Name] {
			return bad("target %q listed twice", t.Name)
		}
		seen[t.Name] = true
	}
	if c.Workers < 1 {
		return bad("workers must be at least 1")
	}
	if c.AsOf != "" {
		if _, err := time.Parse(time.DateOnly, c.AsOf); err != nil {
			return bad("as_of %q is not YYYY-MM-DD", c.AsOf)
		}
	}
	if c.Imaging.Grid < 8 || c.Imaging.Grid > 512 || c.Imaging.Slices < 1 {
		return bad("imaging grid must be 8..512 and slices at least 1")
	}
	switch c.Model.Head {
	case "graph", "early", "late", "attention", "imaging", "records", "variants":
	default:
		return bad("model head %q is not one of graph, early, late, attention, imaging, "+
			"records, variants", c.Model.Head)
	}
	if c.Model.Folds < 2 {
		return bad("model folds must be at least 2")
	}
	if c.Model.EmbeddingWidth < 1 || c.Model.Hidden < 1 {
		return bad("model widths must be positive")
	}
	if len(c.Report.Bands) == 0 {
		return bad("report needs at least one band")
	}
	for i := 1; i < len(c.Report.Bands); i++ {
		if c.Report.Bands[i].Below <= c.Report.Bands[i-1].Below {
			return bad("report bands must increase")
		}
	}
	return nil
}

// YAML returns the canonical YAML form of the configuration.
func (c Config) YAML() []byte {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		// Config holds only plain values; encoding cannot fail.
		panic(err)
	}
	enc.Close()
	return b.Bytes()
}

// Digest is the hex SHA-256 of the canonical YAML form. The worker count is
// excluded because it never changes results.
func (c Config) Digest() string {
	c.Workers = 0
	sum := sha256.Sum256(c.YAML())
	return hex.EncodeToString(sum[:])
}

// BandOf returns the name of the band holding risk.
func (c Config) BandOf(risk float64) string {
	for _, b := range c.Report.Bands {
		if risk < b.Below {
			return b.Name
		}
	}
	return c.Report.Bands[len(c.Report.Bands)-1].Name
}
