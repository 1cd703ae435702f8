package main

import (
	"context"
	"fmt"
	"io"

	"github.com/clinfuse/clinfuse/pipeline"
	"github.com/clinfuse/clinfuse/schemas"
)

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", stderr)
	export := fs.String("export", "", "export `folder` to read")
	out := fs.String("out", "", "output `folder` for the reports")
	wf := addWorkFlags(fs)
	cf := addConfigFlags(fs)
	if err := parse(fs, args); err != nil {
		return noHelp(err)
	}
	if err := required(fs, "export", "out"); err != nil {
		return err
	}
	cfg, err := cf.config()
	if err != nil {
		return err
	}
	res, err := runPipeline(ctx, stderr, pipeline.Options{Export: *export, Out: *out, Config: cfg,
		Work: wf.folder(*out)})
	if err == nil {
		err = wf.cleanup(*out)
	}
	if err != nil {
		return err
	}
	return summarise(stdout, res, *out)
}

func cmdTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("train", stderr)
	export := fs.String("export", "", "export `folder` to train on")
	model := fs.String("model", "", "model `file` to write")
	cf := addConfigFlags(fs)
	if err := parse(fs, args); err != nil {
		return noHelp(err)
	}
	if err := required(fs, "export", "model"); err != nil {
		return err
	}
	cfg, err := cf.config()
	if err != nil {
		return err
	}
	res, err := runPipeline(ctx, stderr, pipeline.Options{Export: *export, Config: cfg})
	if err != nil {
		return err
	}
	if err := res.Model.Save(*model); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "model written to %s (sha256 %s)\n", *model, res.Model.Digest())
	return rejected(res)
}

func cmdScore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("score", stderr)
	export := fs.String("export", "", "export `folder` to score")
	modelPath := fs.String("model", "", "model `file` written by train")
	out := fs.String("out", "", "output `folder` for the reports")
	wf := addWorkFlags(fs)
	cf := addConfigFlags(fs)
	if err := parse(fs, args); err != nil {
		return noHelp(err)
	}
	if err := required(fs, "export", "model", "out"); err != nil {
		return err
	}
	cfg, model, err := scoringConfig(cf, *modelPath)
	if err != nil {
		return err
	}
	res, err := runPipeline(ctx, stderr, pipeline.Options{Export: *export, Out: *out,
		Config: cfg, Model: model, Work: wf.folder(*out)})
	if err == nil {
		err = wf.cleanup(*out)
	}
	if err != nil {
		return err
	}
	return summarise(stdout, res, *out)
}

// scoringConfig is the model's own configuration, or the --config file,
// which must then match it; --workers may differ, since results never
// depend on it.
func scoringConfig(cf *configFlags, path string) (schemas.Config, *pipeline.Model, error) {
	var cfg schemas.Config
	if cf.path != "" {
		var err error
		if cfg, err = schemas.Load(cf.path); err != nil {
			return cfg, nil, usagef("%v", err)
		}
	} else {
		m, err := pipeline.LoadModelUnchecked(path)
		if err != nil {
			return cfg, nil, err
		}
		if cfg, err = m.TrainingConfig(); err != nil {
			return cfg, nil, err
		}
	}
	cfg, err := cf.override(cfg)
	if err != nil {
		return cfg, nil, err
	}
	m, err := pipeline.LoadModel(path, cfg)
	return cfg, m, err
}

func runPipeline(ctx context.Context, stderr io.Writer, opt pipeline.Options) (
	*pipeline.Result, error) {
	stop, err := startProfiles()
	if err != nil {
		return nil, err
	}
	defer stop()
	log := newLogger(stderr)
	w := newWatcher(stderr, log)
	opt.Version, opt.Logger, opt.Progress = version, log, w
	res, err := pipeline.Run(ctx, opt)
	w.Stop()
	if err != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("interrupted; no report was written: %w", err)
	}
	return res, err
}

func summarise(stdout io.Writer, res *pipeline.Result, out string) error {
	if res.Manifest != nil {
		fmt.Fprintf(stdout, "reports written to %s (run %s)\n", out, res.Report.RunID)
	}
	return rejected(res)
}

func rejected(res *pipeline.Result) error {
	if res.Rejected > 0 {
		return fmt.Errorf("%w: %d (listed in the manifest and the workbook)", errRejected,
			res.Rejected)
	}
	return nil
}

// noHelp turns a shown help into success.
func noHelp(err error) error {
	if err == errHelp {
		return nil
	}
	return err
}
