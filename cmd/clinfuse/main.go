// Command clinfuse turns a hospital's nightly export (DICOM images, patient
// records, genomic variants) into diagnosis-risk reports.
//
// Usage:
//
//	clinfuse run      --export DIR --out DIR [--config FILE] [--workers N] [--seed N]
//	clinfuse train    --export DIR --model FILE [--config FILE] [--workers N] [--seed N]
//	clinfuse score    --export DIR --model FILE --out DIR [--workers N]
//	clinfuse evaluate --export DIR [--config FILE] [--truth FILE] [--out FILE]
//	clinfuse verify   OUT/manifest.json [--export DIR]
//	clinfuse inspect  [--format jsonl] PATH...
//	clinfuse synth    --patients N --seed S --out DIR [--truth FILE]
//	clinfuse bench    cora DIR | mogonet DIR [--seeds N]
//	clinfuse version
//
// Exit status: 0 success; 3 success with rejected inputs; 2 usage error;
// 1 failure. Logs are JSON lines on standard error and never carry patient
// identifiers.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	_ "go4.org/unsafe/assume-no-moving-gc" // gorgonia on Go 1.26
)

// version is the tool version written into every output.
const version = "0.1.0"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// errUsage marks a command line that cannot be run.
var errUsage = errors.New("usage")

// errRejected marks a run that succeeded but rejected some inputs.
var errRejected = errors.New("some inputs were rejected")

func usagef(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, a...)...)
}

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errRejected):
		return 3
	case errors.Is(err, errUsage):
		fmt.Fprintln(stderr, "clinfuse:", err)
		fmt.Fprintln(stderr, "run 'clinfuse help' for usage")
		return 2
	}
	fmt.Fprintln(stderr, "clinfuse:", err)
	return 1
}

// command is one subcommand.
type command struct {
	name, usage string
	run         func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "run the nightly job on an export and write the reports", cmdRun},
		{"train", "train a model on an export and save it", cmdTrain},
		{"score", "score an export with a saved model and write the reports", cmdScore},
		{"evaluate", "compare fusion heads and modalities on a labelled export", cmdEvaluate},
		{"verify", "prove a run's outputs by re-running it", cmdVerify},
		{"inspect", "describe the files of an export without running models", cmdInspect},
		{"synth", "write a synthetic export with a known planted signal", cmdSynth},
		{"bench", "reproduce the Cora and MOGONET reference results", cmdBench},
		{"version", "print the version", cmdVersion},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(stdout)
		if len(args) == 0 {
			return usagef("no command given")
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	return usagef("unknown command %q", args[0])
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "clinfuse: multimodal diagnosis-risk reports from a hospital export")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nRun 'clinfuse COMMAND -h' for a command's flags.")
}

func cmdVersion(_ context.Context, _ []string, stdout, _ io.Writer) error {
	fmt.Fprintln(stdout, "clinfuse", version)
	return nil
}
