package pipeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/clinfuse/clinfuse/ingest/features"
	"github.com/clinfuse/clinfuse/schemas"
)

// ModelVersion is the version of the model file format. A file of another
// version is refused.
const ModelVersion = 1

// modelKind is written first in every model file.
const modelKind = "clinfuse-model"

// ErrModelMismatch reports a model file that this build or this
// configuration cannot use.
var ErrModelMismatch = errors.New("pipeline: model does not match")

// Model is everything needed to score a new export the way the training run
// did: the frozen feature vocabularies, each target's encoders and fusion
// model, the configuration they were trained with, and the digest of the
// training inputs.
type Model struct {
	Kind          string        `json:"kind"`
	Version       int           `json:"version"`
	ToolVersion   string        `json:"tool_version"`
	ConfigDigest  string        `json:"config_digest"`
	Config        string        `json:"config"`
	TrainingRunID string        `json:"training_run_id"`
	Spec          features.Spec `json:"features"`
	Targets       []TargetModel `json:"targets"`
}

// TargetModel holds the trained parts for one target.
type TargetModel struct {
	Name     string `json:"name"`
	Encoders []byte `json:"encoders"`
	Fusion   []byte `json:"fusion"`
}

// Marshal returns the model file's bytes; equal models give equal bytes.
func (m *Model) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, fmt.Errorf("pipeline: model: %w", err)
	}
	return append(b, '\n'), nil
}

// Digest is the hex SHA-256 of the model file's bytes.
func (m *Model) Digest() string {
	b, err := m.Marshal()
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Save writes the model file with owner-only permissions, atomically.
func (m *Model) Save(path string) error {
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	tmp := path + ".partial"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("pipeline: saving model: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("pipeline: saving model: %w", err)
	}
	return nil
}

// LoadModel reads a model file and checks that it can score with cfg: same
// file version and same configuration digest.
func LoadModel(path string, cfg schemas.Config) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pipeline: model: %w", err)
	}
	return UnmarshalModel(b, cfg)
}

// UnmarshalModel parses a model file's bytes and checks them against cfg.
func UnmarshalModel(b []byte, cfg schemas.Config) (*Model, error) {
	m, err := parseModel(b)
	if err != nil {
		return nil, err
	}
	if d := cfg.Digest(); d != m.ConfigDigest {
		return nil, fmt.Errorf("%w: the model was trained with config %.12s, this run uses %.12s "+
			"(its seed, targets or settings differ); score without --config and --seed to "+
			"use the training config saved in the model file, or retrain",
			ErrModelMismatch, m.ConfigDigest, d)
	}
	return m, nil
}

// LoadModelUnchecked reads a model file, checking only its format version,
// so that its own configuration can be read from it.
func LoadModelUnchecked(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pipeline: model: %w", err)
	}
	return parseModel(b)
}

func parseModel(b []byte) (*Model, error) {
	var m Model
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil || m.Kind != modelKind {
		return nil, fmt.Errorf("%w: not a clinfuse model file", ErrModelMismatch)
	}
	if m.Version != ModelVersion {
		return nil, fmt.Errorf("%w: model file version %d, this build reads version %d",
			ErrModelMismatch, m.Version, ModelVersion)
	}
	return &m, nil
}

// TrainingConfig returns the configuration saved in the model.
func (m *Model) TrainingConfig() (schemas.Config, error) {
	return schemas.Parse(bytes.NewReader([]byte(m.Config)), "model config")
}

func (m *Model) target(name string) (*TargetModel, error) {
	for i := range m.Targets {
		if m.Targets[i].Name == name {
			return &m.Targets[i], nil
		}
	}
	return nil, fmt.Errorf("%w: the model has no target %q", ErrModelMismatch, name)
}
