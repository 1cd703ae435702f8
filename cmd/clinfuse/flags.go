package main

import (
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/term"

	"github.com/clinfuse/clinfuse/pipeline"
	"github.com/clinfuse/clinfuse/schemas"
)

// configFlags are the flags that shape the effective configuration.
type configFlags struct {
	fs      *flag.FlagSet
	path    string
	workers int
	seed    uint64
}

func addConfigFlags(fs *flag.FlagSet) *configFlags {
	c := &configFlags{fs: fs}
	fs.StringVar(&c.path, "config", "", "YAML configuration `file` (default: built in)")
	fs.IntVar(&c.workers, "workers", 0, "workers per parallel stage (default: from the config)")
	fs.Uint64Var(&c.seed, "seed", 0, "random seed (default: from the config)")
	return c
}

// config loads the configuration and applies the flags that were given.
func (c *configFlags) config() (schemas.Config, error) {
	cfg := schemas.Default()
	if c.path != "" {
		var err error
		if cfg, err = schemas.Load(c.path); err != nil {
			return cfg, usagef("%v", err)
		}
	}
	return c.override(cfg)
}

// override applies --workers and --seed when they were given.
func (c *configFlags) override(cfg schemas.Config) (schemas.Config, error) {
	c.fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "workers":
			cfg.Workers = c.workers
		case "seed":
			cfg.Seed = c.seed
		}
	})
	if err := cfg.Validate(); err != nil {
		return cfg, usagef("%v", err)
	}
	return cfg, nil
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("clinfuse "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses args, turning flag errors into usage errors. -h is not an
// error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usagef("%v", err)
	}
	return nil
}

// errHelp ends a command that only printed its help.
var errHelp = errors.New("help shown")

func required(fs *flag.FlagSet, names ...string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, n := range names {
		if !set[n] {
			return usagef("%s needs --%s", fs.Name(), n)
		}
	}
	return nil
}

func newLogger(stderr io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newWatcher(stderr io.Writer, log *slog.Logger) *pipeline.Watcher {
	return pipeline.NewWatcher(stderr, isTerminal(stderr), log, 10*time.Second)
}

// workFlags choose the work folder that lets an interrupted run resume.
type workFlags struct {
	dir  string
	keep bool
}

func addWorkFlags(fs *flag.FlagSet) *workFlags {
	w := &workFlags{}
	fs.StringVar(&w.dir, "work", "", "work `folder` for resuming an interrupted run "+
		"(default: OUT/.clinfuse-work)")
	fs.BoolVar(&w.keep, "keep-work", false, "keep the work folder after a successful run")
	return w
}

func (w *workFlags) folder(out string) string {
	if w.dir != "" {
		return w.dir
	}
	return filepath.Join(out, ".clinfuse-work")
}

// cleanup removes the work folder once the run has succeeded.
func (w *workFlags) cleanup(out string) error {
	if w.keep {
		return nil
	}
	return os.RemoveAll(w.folder(out))
}
