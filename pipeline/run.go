package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/clinfuse/clinfuse/graphfusion"
	"github.com/clinfuse/clinfuse/ingest"
	"github.com/clinfuse/clinfuse/ingest/features"
	"github.com/clinfuse/clinfuse/reports"
	"github.com/clinfuse/clinfuse/schemas"
)

// Options configures one run.
type Options struct {
	// Export is the export folder to read.
	Export string
	// Out is the folder the reports are written to; empty writes none.
	Out string
	// Config is the effective configuration.
	Config schemas.Config
	// Version is the tool version recorded in outputs.
	Version string
	// Logger receives structured progress; nil discards it.
	Logger *slog.Logger
	// Progress, when set, is told about each stage's progress.
	Progress Progress
	// Model, when set, scores with a saved model instead of training one.
	Model *Model
	// Work is the work folder where finished results are kept so that an
	// interrupted run resumes; empty keeps none.
	Work string
	// Allocator receives the Arrow buffers of ingest; nil means Arrow's
	// default. Every batch is released before Run returns, which tests check
	// with a checked allocator.
	Allocator memory.Allocator
}

// Result is what a finished run returns.
type Result struct {
	// Manifest is the written manifest, nil when Options.Out is empty.
	Manifest *reports.Manifest
	// Report is everything the reports were made from.
	Report *reports.Run
	// Rejected counts rejected input files and rejected rows.
	Rejected int64
	// Model is the model trained, or the one given.
	Model *Model
	// Features are the per-patient features the model saw.
	Features *features.Set
	// Targets holds each target's fusion input and scores.
	Targets []TargetResult
}

// TargetResult is one target's fusion input (embeddings, phenotype, labels)
// and its scores.
type TargetResult struct {
	Target  string
	Dataset graphfusion.Dataset
	Scores  *graphfusion.Scores
}

// ErrNoPatients reports an export from which no patient could be scored.
var ErrNoPatients = errors.New("pipeline: no patients to score")

// night holds the state of one run as it moves through the stages.
type night struct {
	opt    Options
	cfg    schemas.Config
	log    *slog.Logger
	runID  string
	files  []ingest.File
	fates  []fate
	rows   []reports.Rejection // rejected rows, in file order
	stages []*Counters
	limits []string

	builder   *features.Builder
	patients  map[string]bool
	work      *work
	mem       memory.Allocator
	cacheHits atomic.Int64 // decode results taken from the work folder
	set       *features.Set
	images    *imageSet
	model     *Model
	scored    []targetScores
}

// fate is what became of one input file.
type fate struct {
	Fate, Reason string
}

// The fates of an input file.
const (
	fateUsed     = "used"
	fateRejected = "rejected"
	fateUnlinked = "unlinked"
	fateIgnored  = "ignored"
)

// Run reads the export, trains (or loads) the model, scores every patient and
// writes the reports.
func Run(ctx context.Context, opt Options) (*Result, error) {
	if err := opt.Config.Validate(); err != nil {
		return nil, err
	}
	// Refuse a missing export before the work folder is made, so that a
	// mistyped path leaves nothing behind.
	if st, err := os.Stat(opt.Export); err != nil {
		return nil, fmt.Errorf("pipeline: export folder: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("pipeline: export folder %s is not a folder", opt.Export)
	}
	n := newNight(opt)
	var err error
	if n.work, err = openWork(opt.Work); err != nil {
		return nil, err
	}
	if err := n.steps(ctx, n.inventory, n.ingest, n.features, n.fuse); err != nil {
		return nil, err
	}
	return n.finish(ctx)
}

func newNight(opt Options) *night {
	n := &night{opt: opt, cfg: opt.Config, log: opt.Logger, patients: map[string]bool{},
		mem: opt.Allocator}
	if n.mem == nil {
		n.mem = memory.DefaultAllocator
	}
	if n.log == nil {
		n.log = slog.New(slog.DiscardHandler)
	}
	if n.opt.Progress == nil {
		n.opt.Progress = noProgress{}
	}
	return n
}

// steps runs stages in order, stopping at the first error or cancellation.
func (n *night) steps(ctx context.Context, fns ...func(context.Context) error) error {
	for _, fn := range fns {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(ctx); err != nil {
			n.log.Error("stage failed", "stage", n.stages[len(n.stages)-1].Name,
				"error", err.Error())
			return err
		}
	}
	return nil
}

// inventory walks and hashes the export.
func (n *night) inventory(ctx context.Context) error {
	c := n.stage("inventory")
	files, err := ingest.Inventory(ctx, n.opt.Export, n.cfg.Workers)
	c.Done()
	if err != nil {
		return err
	}
	n.files = files
	n.fates = make([]fate, len(files))
	c.Total.Store(int64(len(files)))
	c.In.Store(int64(len(files)))
	for i, f := range files {
		if f.Err != nil {
			n.reject(i, f.Err.Error())
		}
	}
	c.Out.Store(int64(len(files)))
	n.runID = n.makeRunID()
	n.log = n.log.With("run_id", n.runID)
	n.log.Info("inventory done", "files", len(files), "seconds", c.Elapsed().Seconds(),
		"config_digest", n.cfg.Digest(), "seed", n.cfg.Seed)
	return nil
}

// makeRunID derives the run id from what determines the outputs: the tool
// version, the config digest and the inputs' digests, so that a re-run of the
// same night carries the same id.
func (n *night) makeRunID() string {
	h := sha256.New()
	h.Write([]byte(n.opt.Version + "\x00" + n.cfg.Digest() + "\x00"))
	for _, f := range n.files {
		h.Write([]byte(f.Path + "\x00" + f.SHA256 + "\x00"))
	}
	if n.opt.Model != nil {
		h.Write([]byte(n.opt.Model.Digest()))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// stage starts and records a stage's counters.
func (n *night) stage(name string) *Counters {
	c := NewCounters(name)
	n.stages = append(n.stages, c)
	n.log.Info("stage started", "stage", name)
	n.opt.Progress.Stage(c)
	return c
}

// reject marks file i rejected, keeping the first reason.
func (n *night) reject(i int, reason string) {
	n.setFate(i, fateRejected, reason)
}

// setFate records what became of file i; a rejection is final. Readers name
// the file by the path they opened, which depends on where the export lies:
// the reason names it by its export-relative path instead, so that outputs
// do not change when the export moves.
func (n *night) setFate(i int, f, reason string) {
	if n.fates[i].Fate == fateRejected {
		return
	}
	reason = strings.ReplaceAll(reason, n.files[i].Abs, n.files[i].Path)
	n.fates[i] = fate{f, reason}
}

// features finishes the per-patient tables.
func (n *night) features(ctx context.Context) error {
	c := n.stage("features")
	defer c.Done()
	set, err := n.builder.Finish()
	if err != nil {
		return fmt.Errorf("pipeline: features: %w", err)
	}
	n.set = set
	c.In.Store(int64(len(set.Patients)))
	c.Out.Store(int64(len(set.Patients)))
	if len(set.Patients) == 0 {
		return fmt.Errorf("%w: the records hold no readable patient", ErrNoPatients)
	}
	n.linkImages(c)
	n.log.Info("features done", "patients", len(set.Patients),
		"with_images", n.images.present(), "seconds", c.Elapsed().Seconds())
	return nil
}

// subSeed derives an independent seed for one component from the run's
// seed, so that adding a component never changes the others' randomness.
func subSeed(seed uint64, parts ...string) uint64 {
	h := sha256.New()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	h.Write(b[:])
	for _, p := range parts {
		h.Write([]byte(p + "\x00"))
	}
	return binary.LittleEndian.Uint64(h.Sum(nil))
}

func seconds(d time.Duration) float64 { return d.Seconds() }
