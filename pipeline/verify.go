package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/clinfuse/clinfuse/reports"
	"github.com/clinfuse/clinfuse/schemas"
)

// ErrNotVerified reports a run whose inputs or outputs could not be proved
// identical.
var ErrNotVerified = errors.New("pipeline: verify failed")

// Verify proves a past run: the export's files still hash as the manifest
// says, and re-running with the manifest's configuration and seed writes
// outputs identical to those it lists. export overrides the manifest's
// export folder when not empty. Runs that scored with a saved model are
// re-run by training again only if the model digest matches; otherwise
// Verify says the model file is needed.
func Verify(ctx context.Context, m *reports.Manifest, export, version string,
	log *slog.Logger) error {
	if export == "" {
		export = m.ExportDir
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
		Logger: log})
	if err != nil {
		return fmt.Errorf("%w: re-running: %w", ErrNotVerified, err)
	}
	if res.Report.ModelDigest != m.ModelDigest {
		return fmt.Errorf("%w: the re-run trained a different model (digest %.12s, manifest %.12s)%s",
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
