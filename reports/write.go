package reports

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Output file names, in writing order; the manifest comes last.
const (
	NameRisksCSV      = "risks.csv"
	NameRisks         = "risks.parquet"
	NameContributions = "contributions.parquet"
	NameEmbeddings    = "embeddings.parquet"
	NameEdges         = "edges.parquet"
	NameRejected      = "rejected.parquet"
	NameWorkbook      = "report.xlsx"
)

// Write writes every output of run into dir and returns the manifest it
// wrote last. See the package documentation for the files, their order
// and the guarantees (atomic, owner-only, deterministic).
func Write(ctx context.Context, dir string, run *Run) (*Manifest, error) {
	w := writer{mem: memory.DefaultAllocator, now: time.Now}
	return w.write(ctx, dir, run)
}

// writer holds what tests may replace: the Arrow allocator, the clock and
// a hook called after each staged output.
type writer struct {
	mem     memory.Allocator
	now     func() time.Time
	onStage func(name string) error
}

// tableWriter writes one Parquet output of a run.
type tableWriter func(writer, context.Context, io.Writer, *Run) error

type outputStep struct {
	name  string
	write func(context.Context, io.Writer) error
}

func (w writer) write(ctx context.Context, dir string, run *Run) (m *Manifest, err error) {
	start := w.now()
	r, err := normalize(run)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	var done []staged
	defer func() {
		if err != nil {
			discard(done)
		}
	}()
	var cut int
	steps := w.steps(r, dir, &done, &cut)
	for _, s := range steps {
		st, err := w.stageOne(ctx, dir, s)
		if err != nil {
			return nil, err
		}
		done = append(done, st)
	}
	return w.finish(dir, r, done, cut, start)
}

// steps lists the outputs in writing order. The workbook comes last so that
// its Audit sheet can show the digests of the others.
func (w writer) steps(r *Run, dir string, done *[]staged, cut *int) []outputStep {
	table := func(name string, fn tableWriter) outputStep {
		write := func(ctx context.Context, o io.Writer) error { return fn(w, ctx, o, r) }
		return outputStep{name, write}
	}
	csv := func(_ context.Context, o io.Writer) error { return writeRisksCSV(o, r) }
	book := func(ctx context.Context, o io.Writer) error {
		n, err := writeWorkbook(ctx, o, r, outputsOf(*done), dir)
		*cut = n
		return err
	}
	return []outputStep{
		{NameRisksCSV, csv},
		table(NameRisks, writer.risksParquet),
		table(NameContributions, writer.contributionsParquet),
		table(NameEmbeddings, writer.embeddingsParquet),
		table(NameEdges, writer.edgesParquet),
		table(NameRejected, writer.rejectedParquet),
		{NameWorkbook, book},
	}
}

func (w writer) stageOne(ctx context.Context, dir string, s outputStep) (staged, error) {
	if err := ctx.Err(); err != nil {
		return staged{}, fmt.Errorf("reports: %s: %w", s.name, err)
	}
	st, err := stage(dir, s.name, func(o io.Writer) error { return s.write(ctx, o) })
	if err != nil {
		return st, err
	}
	if w.onStage != nil {
		if err := w.onStage(s.name); err != nil {
			discard([]staged{st})
			return staged{}, err
		}
	}
	return st, nil
}

// finish stages the manifest and renames everything into place.
func (w writer) finish(dir string, r *Run, done []staged, cut int,
	start time.Time) (*Manifest, error) {
	m := newManifest(r, outputsOf(done), cut)
	end := w.now()
	m.Timings.Finished = end.UTC().Format(timeLayout)
	m.Timings.WriteSeconds = end.Sub(start).Seconds()
	ms, err := stage(dir, ManifestName, m.encode)
	if err != nil {
		return nil, err
	}
	if err := commit(dir, done, ms); err != nil {
		discard([]staged{ms})
		return nil, err
	}
	return m, nil
}

func outputsOf(st []staged) []Output {
	out := make([]Output, len(st))
	for i, s := range st {
		out[i] = s.out
	}
	return out
}
