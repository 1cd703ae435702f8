package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// ErrPanic wraps a panic recovered while processing one item.
var ErrPanic = errors.New("pipeline: internal error while processing item")

// Counters are one stage's live counts and timing. They are safe for
// concurrent use.
type Counters struct {
	Name     string
	Total    atomic.Int64 // items expected, when known
	In       atomic.Int64 // items started
	Out      atomic.Int64 // items finished successfully
	Rejected atomic.Int64 // items rejected
	start    time.Time
	elapsed  atomic.Int64 // nanoseconds, set by Done
}

// NewCounters starts a stage's clock.
func NewCounters(name string) *Counters {
	return &Counters{Name: name, start: time.Now()}
}

// Done stops the stage's clock.
func (c *Counters) Done() { c.elapsed.Store(int64(time.Since(c.start))) }

// Elapsed is the stage's wall time so far, or in total once Done.
func (c *Counters) Elapsed() time.Duration {
	if e := c.elapsed.Load(); e > 0 {
		return time.Duration(e)
	}
	return time.Since(c.start)
}

// Map runs fn over items with up to workers goroutines and calls emit with
// each item's result in input order, from one goroutine. At most window
// results wait for emit. An error returned by fn is passed to emit as the
// item's error (the item is rejected, the stage goes on); a panic in fn
// becomes an error wrapping ErrPanic. An error returned by emit, or the
// context's cancellation, stops the stage: Map waits for its goroutines and
// returns that error.
func Map[I, O any](ctx context.Context, c *Counters, workers, window int, items []I,
	fn func(context.Context, I) (O, error), emit func(i int, out O, err error) error) error {
	workers = max(1, workers)
	window = max(window, workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c.Total.Store(int64(len(items)))

	type result struct {
		i   int
		out O
		err error
	}
	jobs := make(chan int)
	results := make(chan result, window)
	slots := make(chan struct{}, window)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				c.In.Add(1)
				out, err := protect(ctx, fn, items[i])
				results <- result{i, out, err}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range items {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	err := collect(ctx, c, len(items), results, slots, func(r result) error {
		return emit(r.i, r.out, r.err)
	}, func(r result) int { return r.i }, func(r result) error { return r.err })
	cancel()
	for range results {
		// Drain so that every worker can finish and exit.
	}
	return err
}

// collect reorders results and emits them in index order.
func collect[R any](ctx context.Context, c *Counters, n int, results <-chan R,
	slots <-chan struct{}, emit func(R) error, index func(R) int, itemErr func(R) error) error {
	pending := make(map[int]R)
	next := 0
	for next < n {
		select {
		case r, ok := <-results:
			if !ok {
				return ctx.Err()
			}
			pending[index(r)] = r
		case <-ctx.Done():
			return ctx.Err()
		}
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-slots
			if itemErr(r) != nil {
				c.Rejected.Add(1)
			} else {
				c.Out.Add(1)
			}
			if err := emit(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// protect calls fn behind a recover boundary. The panic value and stack are
// not put in the error, which may be shown to users: they could hold data.
func protect[I, O any](ctx context.Context, fn func(context.Context, I) (O, error), item I) (
	out O, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w (%T)", ErrPanic, r)
		}
	}()
	if err := ctx.Err(); err != nil {
		return out, err
	}
	return fn(ctx, item)
}
