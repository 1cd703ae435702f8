// Command variants_gen writes the synthetic benchmark VCF of package
// variants and times variants.Read and variants.Inspect on a file, so that
// bench/variants_peers.sh can compare clinfuse with bcftools and cyvcf2 on
// the same bytes in one interleaved run.
//
//	variants_gen -o bench.vcf.gz [-records 200000] [-samples 10] [-seed 1]
//	variants_gen -read bench.vcf.gz [-inspect]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/clinfuse/clinfuse/ingest/variants"
	"github.com/clinfuse/clinfuse/ingest/variants/vcfsynth"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "variants_gen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("variants_gen", flag.ContinueOnError)
	out := fs.String("o", "", "write the synthetic bgzip VCF here")
	read := fs.String("read", "", "time variants.Read on this file")
	inspect := fs.Bool("inspect", false, "with -read: time variants.Inspect instead")
	records := fs.Int("records", 200000, "data lines")
	samples := fs.Int("samples", 10, "samples")
	seed := fs.Uint64("seed", 1, "seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *out != "":
		return write(*out, vcfsynth.Config{Records: *records, Samples: *samples, Seed: *seed})
	case *read != "":
		return timeRead(*read, *inspect, stdout)
	}
	return fmt.Errorf("need -o or -read")
}

func write(path string, c vcfsynth.Config) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	z := vcfsynth.NewBGZFWriter(f)
	if err := vcfsynth.Write(z, c); err != nil {
		f.Close()
		return err
	}
	if err := z.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func timeRead(path string, inspect bool, stdout io.Writer) error {
	ctx := context.Background()
	start := time.Now()
	var records, calls int64
	if inspect {
		info, err := variants.Inspect(ctx, path)
		if err != nil {
			return err
		}
		records = info.Records
	} else {
		st, err := variants.Read(ctx, path, "bench", variants.NewLinker(nil),
			memory.NewGoAllocator(), func(arrow.Record) error { return nil })
		if err != nil {
			return err
		}
		records, calls = st.Records, st.Calls
	}
	sec := time.Since(start).Seconds()
	fmt.Fprintf(stdout, "records=%d calls=%d seconds=%.3f variants_per_s=%.0f\n",
		records, calls, sec, float64(records)/sec)
	return nil
}
