package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

func TestMapKeepsInputOrder(t *testing.T) {
	items := make([]int, 200)
	for i := range items {
		items[i] = i
	}
	for _, workers := range []int{1, 2, 7} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			var got []int
			c := NewCounters("t")
			err := Map(context.Background(), c, workers, 4, items,
				func(_ context.Context, i int) (int, error) {
					time.Sleep(time.Duration(rand.IntN(200)) * time.Microsecond)
					return i * i, nil
				},
				func(i, out int, err error) error {
					if err != nil || out != i*i {
						return fmt.Errorf("item %d: %d, %v", i, out, err)
					}
					got = append(got, i)
					return nil
				})
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range got {
				if v != i {
					t.Fatalf("emitted out of order at %d: %d", i, v)
				}
			}
			if len(got) != len(items) || c.Out.Load() != int64(len(items)) {
				t.Fatalf("emitted %d, counted %d, want %d", len(got), c.Out.Load(), len(items))
			}
		})
	}
}

func TestMapRecoversPanicsPerItem(t *testing.T) {
	var errs []error
	c := NewCounters("t")
	err := Map(context.Background(), c, 2, 2, []int{0, 1, 2, 3},
		func(_ context.Context, i int) (int, error) {
			if i == 2 {
				panic("boom")
			}
			if i == 3 {
				return 0, errors.New("bad item")
			}
			return i, nil
		},
		func(_ int, _ int, err error) error {
			errs = append(errs, err)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(errs[2], ErrPanic) || errs[3] == nil || errs[0] != nil || errs[1] != nil {
		t.Fatalf("item errors: %v", errs)
	}
	if c.Rejected.Load() != 2 || c.Out.Load() != 2 {
		t.Fatalf("counters: out %d rejected %d", c.Out.Load(), c.Rejected.Load())
	}
}

// TestMapBoundsWaitingResults checks back-pressure: while the consumer is
// stuck on the first item, workers never run more than the window ahead.
func TestMapBoundsWaitingResults(t *testing.T) {
	const window = 3
	var started atomic.Int64
	items := make([]int, 50)
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- Map(context.Background(), NewCounters("t"), 2, window, items,
			func(context.Context, int) (int, error) {
				started.Add(1)
				return 0, nil
			},
			func(i, _ int, _ error) error {
				if i == 0 {
					<-release
				}
				return nil
			})
	}()
	time.Sleep(50 * time.Millisecond)
	if s := started.Load(); s > window+1 {
		t.Errorf("%d items started while the first waited; window is %d", s, window)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestMapStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	items := make([]int, 1000)
	err := Map(ctx, NewCounters("t"), 2, 4, items,
		func(context.Context, int) (int, error) { return 0, nil },
		func(i, _ int, _ error) error {
			if i == 10 {
				cancel()
			}
			return nil
		})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestMapStopsOnEmitError(t *testing.T) {
	stop := errors.New("stop")
	err := Map(context.Background(), NewCounters("t"), 3, 3, make([]int, 100),
		func(context.Context, int) (int, error) { return 0, nil },
		func(i, _ int, _ error) error {
			if i == 5 {
				return stop
			}
			return nil
		})
	if !errors.Is(err, stop) {
		t.Fatalf("got %v, want the emit error", err)
	}
}
