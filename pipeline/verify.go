package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/clinfuse/clinfuse/reports"
	"github.com/clinfuse/clinfuse/schemas"
)

// ErrNotVerified reports a run whose inputs or outputs could not be proved
// identical.
var ErrNotVerified = errors.New("pipeline: verify failed")

// Verify proves a past run: the export's files still hash as the manifest
// says, and re-running with the manifest's configuration and seed writes
// outputs identical to those it lists. export overrides the manifest's
// export folder when not empty. A run that trained its model is re-run by
// training again; a run that scored with a saved model (clinfuse score) is
// re-run by scoring with model, which must be that model (same digest).
func Verify(ctx context.Context, m *reports.Manifest, export, version string,
	model *Model, log *slog.Logger) error {
	if export == "" {
		export = m.ExportDir
	}
	scored := strings.HasPrefix(m.Training, scoredPrefix)
	switch {
	case scored && model == nil:
		return fmt.Errorf("%w: the run scored with a saved model (sha256 %.12s); give that "+
			"model file with --model", ErrNotVerified, m.ModelDigest)
	case !scored && model != nil:
		return fmt.Errorf("%w: the run trained its own model; --model is only for runs of "+
			"clinfuse score", ErrNotVerified)
	case model != nil && model.Digest() != m.ModelDigest:
		return fmt.Errorf("%w: the model file (sha256 %.12s) is not the one the run scored "+
			"with (sha256 %.12s)", ErrNotVerified, model.Digest(), m.ModelDigest)
	}
	if err := reports.CheckInputs(ctx, m, export); err != nil {
		return fmt.Errorf("%w: %w", ErrNotVerified, err)
	}
	cfg, err := schemas.Parse(bytes.NewReader([]byte(m.Config)), "manifest config")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotVerified, err)
	}
	if cfg.Digest() != m.ConfigDigest {
		return fmt.Errorf("%w: the manifest's config does not match its digest", ErrNotVerified)
	}
	tmp, err := os.MkdirTemp("", "clinfuse-verify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	res, err := Run(ctx, Options{Export: export, Out: tmp, Config: cfg, Version: version,
		Model: model, Logger: log})
	if err != nil {
		return fmt.Errorf("%w: re-running: %w", ErrNotVerified, err)
	}
	if res.Report.ModelDigest != m.ModelDigest {
		return fmt.Errorf("%w: the re-run trained a different model (digest %.12s, "+
			"manifest %.12s)%s",
			ErrNotVerified, res.Report.ModelDigest, m.ModelDigest, versionNote(m, version))
	}
	if err := reports.CompareOutputs(m, tmp); err != nil {
		return fmt.Errorf("%w: %w%s", ErrNotVerified, err, versionNote(m, version))
	}
	return nil
}

func versionNote(m *reports.Manifest, version string) string {
	if m.ToolVersion == version {
		return ""
	}
	return fmt.Sprintf(" (the run used clinfuse %s, this is %s)", m.ToolVersion, version)
}
