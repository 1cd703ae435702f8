package reports

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ManifestFormat is the version of the manifest layout this package writes
// and reads. It changes whenever a field is added, removed or changes
// meaning; ReadManifest refuses a newer one with ErrUnsupported.
const ManifestFormat = 1

// ManifestName is the manifest's file name in the output folder.
const ManifestName = "manifest.json"

// Manifest is manifest.json: everything the Audit sheet shows, every input
// file with its fate, every output with its digest, the effective config
// and the platform. Every field except Timings depends only on the run's
// inputs, config, seed, model and build; Timings is the only place a clock
// enters, and verify ignores it. Fields in JSON order:
type Manifest struct {
	// Format is ManifestFormat.
	Format int `json:"format"`
	// RunID identifies the run (see Run.RunID).
	RunID string `json:"run_id"`
	// ToolVersion and Build identify the clinfuse binary: version, Go
	// version, VCS revision and the cgo codecs compiled in.
	ToolVersion string `json:"tool_version"`
	Build       string `json:"build"`
	// Platform is GOOS/GOARCH and the CPU count of the machine that ran.
	Platform string `json:"platform"`
	// Seed is the run's only source of randomness, as a decimal string so
	// that JSON readers with 53-bit numbers keep it exact.
	Seed uint64 `json:"seed,string"`
	// ConfigDigest is the hex SHA-256 of the canonical config YAML with the
	// worker count left out (schemas.Config.Digest).
	ConfigDigest string `json:"config_digest"`
	// Config is the effective configuration as canonical YAML, worker count
	// included.
	Config string `json:"config_yaml"`
	// ModelDigest is the hex SHA-256 of the model weights used.
	ModelDigest string `json:"model_digest"`
	// Training says in words what the model was trained on.
	Training string `json:"training"`
	// ExportDir is the export folder as given to the run; CheckInputs reads
	// it unless told another folder.
	ExportDir string `json:"export_dir"`
	// InputsDigest is the hex SHA-256 of the input list (InputsDigest).
	InputsDigest string `json:"inputs_digest"`
	// Inputs lists every file of the export, by path, with size, SHA-256,
	// kind, fate (used, rejected, unlinked, ignored) and the reason.
	Inputs []ManifestInput `json:"inputs"`
	// Rejected counts the rejected files and rows (rejected.parquet and the
	// workbook's Rejected inputs sheet list them).
	Rejected int `json:"rejected"`
	// Stages holds the per-stage counts, in pipeline order.
	Stages []StageCount `json:"stages"`
	// Limits lists the known limits that touched the run, in words.
	Limits []string `json:"limits"`
	// CellsCut counts workbook cells cut to Excel's 32,767-character limit.
	CellsCut int `json:"cells_cut"`
	// Outputs lists every output written, in writing order, with its size
	// and hex SHA-256; the manifest itself is not listed.
	Outputs []Output `json:"outputs"`
	// Timings holds wall-clock facts; nothing else in the manifest or any
	// output depends on the clock.
	Timings Timings `json:"timings"`

	dir string // the folder the manifest was read from, if any
}

// ManifestInput is one input file in the manifest.
type ManifestInput struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	Kind   string `json:"kind"`
	Fate   string `json:"fate"`
	Reason string `json:"reason,omitempty"`
}

// StageCount is the counts of one stage: items in, out and rejected.
type StageCount struct {
	Name     string `json:"name"`
	In       int64  `json:"in"`
	Out      int64  `json:"out"`
	Rejected int64  `json:"rejected"`
}

// Timings is the manifest's clock section, ignored by verify.
type Timings struct {
	// Started and Finished are RFC 3339 UTC instants; Started is empty
	// when the run did not say when it began.
	Started  string `json:"started,omitempty"`
	Finished string `json:"finished"`
	// Stages holds each stage's wall time in seconds, in pipeline order.
	Stages []StageTime `json:"stages"`
	// WriteSeconds is the time Write took.
	WriteSeconds float64 `json:"write_seconds"`
}

// StageTime is one stage's wall time.
type StageTime struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
}

// Dir returns the folder the manifest was read from, or "" for a manifest
// built in memory.
func (m *Manifest) Dir() string { return m.dir }

// InputsDigest returns the hex SHA-256 of an input list sorted by path:
// one line per file with path, size and SHA-256.
func InputsDigest(in []Input) string {
	h := sha256.New()
	for _, f := range in {
		fmt.Fprintf(h, "%s\x00%d\x00%s\n", f.Path, f.Size, f.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// newManifest builds the manifest of a normalized run.
func newManifest(r *Run, outs []Output, cut int) *Manifest {
	m := &Manifest{
		Format: ManifestFormat, RunID: r.RunID, ToolVersion: r.ToolVersion, Build: r.Build,
		Platform: r.Platform, Seed: r.Seed, ConfigDigest: r.ConfigDigest,
		Config: string(r.Config.YAML()), ModelDigest: r.ModelDigest, Training: r.Training,
		ExportDir: r.ExportDir, InputsDigest: InputsDigest(r.Inputs),
		Rejected: len(r.Rejections), Limits: r.Limits, CellsCut: cut, Outputs: outs,
	}
	m.Inputs = make([]ManifestInput, len(r.Inputs))
	for i, f := range r.Inputs {
		m.Inputs[i] = ManifestInput{f.Path, f.Size, f.SHA256, f.Kind, f.Fate, f.Reason}
	}
	m.Stages = make([]StageCount, len(r.Stages))
	m.Timings.Stages = make([]StageTime, len(r.Stages))
	for i, s := range r.Stages {
		m.Stages[i] = StageCount{s.Name, s.In, s.Out, s.Rejected}
		m.Timings.Stages[i] = StageTime{s.Name, s.Seconds}
	}
	if m.Limits == nil {
		m.Limits = []string{}
	}
	if !r.Started.IsZero() {
		m.Timings.Started = r.Started.UTC().Format(timeLayout)
	}
	return m
}

const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// encode writes the manifest as indented JSON with a final newline.
func (m *Manifest) encode(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

// ReadManifest reads and checks a manifest.json. Unknown fields, a newer
// format, output names that are not plain file names and input paths that
// leave the export folder are refused.
func ReadManifest(name string) (*Manifest, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	defer f.Close()
	var m Manifest
	dec := json.NewDecoder(bufio.NewReader(f))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, name, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %s: data after the manifest", ErrMalformed, name)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	m.dir = filepath.Dir(name)
	return &m, nil
}

// check validates what CheckInputs and CompareOutputs rely on.
func (m *Manifest) check() error {
	if m.Format > ManifestFormat {
		return fmt.Errorf("%w: format %d, this build reads %d",
			ErrUnsupported, m.Format, ManifestFormat)
	}
	if m.Format < 1 {
		return fmt.Errorf("%w: format %d", ErrMalformed, m.Format)
	}
	for i, o := range m.Outputs {
		if o.Name == "" || o.Name != path.Base(o.Name) || strings.ContainsAny(o.Name, `/\`) ||
			o.Name == "." || o.Name == ".." || !isHexDigest(o.SHA256) {
			return fmt.Errorf("%w: output %d: bad name or digest", ErrMalformed, i+1)
		}
	}
	for i, in := range m.Inputs {
		if !filepath.IsLocal(filepath.FromSlash(in.Path)) || !isHexDigest(in.SHA256) {
			return fmt.Errorf("%w: input %d: path leaves the export or bad digest",
				ErrMalformed, i+1)
		}
	}
	return nil
}
