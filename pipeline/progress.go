package pipeline

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Progress is told when a stage starts; it reads the stage's counters as
// the stage runs.
type Progress interface {
	Stage(c *Counters)
}

type noProgress struct{}

func (noProgress) Stage(*Counters) {}

// Watcher reports the current stage's progress: as a bar redrawn on a
// terminal, or as a structured log line at a fixed interval otherwise.
type Watcher struct {
	mu     sync.Mutex
	cur    *Counters
	bar    *progressbar.ProgressBar
	out    io.Writer // terminal, or nil for log lines
	log    *slog.Logger
	every  time.Duration
	cancel context.CancelFunc
	done   chan struct{}
}

// NewWatcher starts a watcher. With term set, bars are drawn on out;
// otherwise a log line per interval goes to log. Stop ends it.
func NewWatcher(out io.Writer, term bool, log *slog.Logger, interval time.Duration) *Watcher {
	w := &Watcher{log: log, every: interval, done: make(chan struct{})}
	if term {
		w.out, w.every = out, 150*time.Millisecond
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	go w.loop(ctx)
	return w
}

// Stage makes c the stage being reported.
func (w *Watcher) Stage(c *Counters) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.finishBar()
	w.cur = c
	if w.out != nil {
		w.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(w.out),
			progressbar.OptionSetDescription(c.Name),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("items"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
}

// Stop ends the reports and clears the last bar.
func (w *Watcher) Stop() {
	w.cancel()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	w.finishBar()
}

func (w *Watcher) finishBar() {
	if w.bar != nil {
		w.bar.Finish()
		w.bar = nil
	}
}

func (w *Watcher) loop(ctx context.Context) {
	defer close(w.done)
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.tick()
		}
	}
}

func (w *Watcher) tick() {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.cur
	if c == nil {
		return
	}
	done := c.Out.Load() + c.Rejected.Load()
	if w.bar != nil {
		if total := c.Total.Load(); total > 0 && w.bar.GetMax64() != total {
			w.bar.ChangeMax64(total)
		}
		w.bar.Set64(done)
		return
	}
	secs := c.Elapsed().Seconds()
	w.log.Info("progress", "stage", c.Name, "done", done, "total", c.Total.Load(),
		"rejected", c.Rejected.Load(), "per_second", float64(done)/max(secs, 1e-9),
		"seconds", secs)
}
