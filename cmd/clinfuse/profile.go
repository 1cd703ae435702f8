package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

// startProfiles writes Go profiles for performance work when the
// environment asks for them: CLINFUSE_CPUPROFILE names a CPU profile file,
// CLINFUSE_HEAPPROFILE a heap profile taken when the live heap is largest
// (sampled each second). The returned function finishes them.
func startProfiles() (func(), error) {
	var stops []func()
	if path := os.Getenv("CLINFUSE_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
	}
	if path := os.Getenv("CLINFUSE_HEAPPROFILE"); path != "" {
		stops = append(stops, watchHeap(path))
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}, nil
}

// watchHeap rewrites the heap profile at path whenever the live heap
// reaches a new maximum.
func watchHeap(path string) func() {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var peak uint64
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc <= peak {
				continue
			}
			peak = m.HeapAlloc
			if f, err := os.Create(path); err == nil {
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
	}()
	return func() { close(done); <-finished }
}
