package encoders

import (
	"sync"
	"sync/atomic"
)

// parallelFor calls fn(worker, i) for every i in [0, n) on at most workers
// goroutines. Each i is handled exactly once; which worker handles it varies,
// so fn must write only to places owned by i (or by worker, for scratch).
func parallelFor(workers, n int, fn func(worker, i int)) {
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for i := range n {
			fn(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(w, i)
			}
		}()
	}
	wg.Wait()
}
