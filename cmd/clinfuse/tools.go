package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/clinfuse/clinfuse/graphfusion"
	"github.com/clinfuse/clinfuse/ingest"
	"github.com/clinfuse/clinfuse/pipeline"
	"github.com/clinfuse/clinfuse/reports"
	"github.com/clinfuse/clinfuse/synth"
)

func cmdInspect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("inspect", stderr)
	format := fs.String("format", "jsonl", "output format (jsonl)")
	if err := parse(fs, args); err != nil {
		return noHelp(err)
	}
	if *format != "jsonl" {
		return usagef("inspect: unknown format %q (jsonl is the only one)", *format)
	}
	if fs.NArg() == 0 {
		return usagef("inspect needs at least one file or folder")
	}
	descs, err := ingest.Inspect(ctx, fs.Args())
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	bad := 0
	for _, d := range descs {
		if err := enc.Encode(d); err != nil {
			return err
		}
		if !d.OK {
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("%w: %d of %d files", errRejected, bad, len(descs))
	}
	return nil
}

func cmdSynth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("synth", stderr)
	opt := synth.DefaultOptions()
	fs.IntVar(&opt.Patients, "patients", opt.Patients, "number of `patients`")
	fs.Uint64Var(&opt.Seed, "seed", opt.Seed, "random seed")
	fs.StringVar(&opt.Out, "out", "", "export `folder` to write (must be empty or absent)")
	fs.StringVar(&opt.Truth, "truth", "", "hidden-truth TSV `file` (default: OUT.truth.tsv)")
	if err := parse(fs, args); err != nil {
		return noHelp(err)
	}
	if err := required(fs, "out"); err != nil {
		return err
	}
	if opt.Truth == "" {
		opt.Truth = filepath.Clean(opt.Out) + ".truth.tsv"
	}
	if err := synth.Generate(ctx, opt); err != nil {
		if errors.Is(err, synth.ErrInvalidOptions) {
			return usagef("%v", err)
		}
		return err
	}
	fmt.Fprintf(stdout, "synthetic export of %d patients written to %s; truth in %s\n",
		opt.Patients, opt.Out, opt.Truth)
	return nil
}

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", stderr)
	seeds := fs.Int("seeds", 10, "number of seeds")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: clinfuse bench cora|mogonet DIR [--seeds N]")
		fs.PrintDefaults()
	}
	if len(args) < 2 || strings.HasPrefix(args[0], "-") {
		if err := parse(fs, args); err != nil {
			return noHelp(err)
		}
		return usagef("bench needs a benchmark (cora or mogonet) and its data folder")
	}
	which, dir := args[0], args[1]
	if err := parse(fs, args[2:]); err != nil {
		return noHelp(err)
	}
	var err error
	switch which {
	case "cora":
		_, err = graphfusion.BenchCora(ctx, dir, *seeds, stdout)
	case "mogonet":
		_, err = graphfusion.BenchMOGONET(ctx, dir, *seeds, stdout)
	default:
		return usagef("unknown benchmark %q (cora or mogonet)", which)
	}
	return err
}

func cmdEvaluate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("evaluate", stderr)
	export := fs.String("export", "", "labelled export `folder`")
	truth := fs.String("truth", "", "optional truth TSV `file` (patient_id, diseased) to "+
		"evaluate against instead of the recorded diagnoses")
	out := fs.String("out", "", "also write the table to this `file`")
	cf := addConfigFlags(fs)
	if err := parse(fs, args); err != nil {
		return noHelp(err)
	}
	if err := required(fs, "export"); err != nil {
		return err
	}
	cfg, err := cf.config()
	if err != nil {
		return err
	}
	log := newLogger(stderr)
	tab, err := pipeline.Evaluate(ctx, pipeline.EvalOptions{Export: *export, Config: cfg,
		Truth: *truth, Logger: log, Version: version})
	if err != nil {
		return err
	}
	if err := tab.Write(stdout); err != nil {
		return err
	}
	if *out == "" {
		return nil
	}
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := tab.Write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", stderr)
	export := fs.String("export", "", "export `folder` (default: the one the manifest names)")
	modelPath := fs.String("model", "", "model `file` a score run used (only for score runs)")
	if err := parse(fs, reorder(args)); err != nil {
		return noHelp(err)
	}
	if fs.NArg() != 1 {
		return usagef("verify needs exactly one manifest.json")
	}
	m, err := reports.ReadManifest(fs.Arg(0))
	if err != nil {
		return err
	}
	var model *pipeline.Model
	if *modelPath != "" {
		if model, err = pipeline.LoadModelUnchecked(*modelPath); err != nil {
			return err
		}
	}
	log := newLogger(stderr)
	if err := pipeline.Verify(ctx, m, *export, version, model, log); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "verified: inputs unchanged and every output identical (run %s)\n",
		m.RunID)
	return nil
}

// reorder moves flags before positional arguments, so that
// "verify manifest.json --export DIR" parses like "verify --export DIR
// manifest.json".
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) > 1 && a[0] == '-' {
			flags = append(flags, a)
			if i+1 < len(args) && !hasValue(a) && args[i+1] != "" && args[i+1][0] != '-' {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func hasValue(flag string) bool {
	for _, c := range flag {
		if c == '=' {
			return true
		}
	}
	return false
}
