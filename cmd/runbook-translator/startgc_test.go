package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// gcPercent reads the current GOGC percentage.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// The raised GOGC lasts until the first collection only, and a GOGC the
// user set is left alone.
func TestDelayFirstGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	debug.SetGCPercent(100)
	delayFirstGC(func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	})
	if p := gcPercent(); p != 100 {
		t.Fatalf("with GOGC set: GOGC %d, want it untouched (100)", p)
	}
	delayFirstGC(func(string) string { return "" })
	if p := gcPercent(); p != startGCPercent {
		t.Fatalf("before the first collection: GOGC %d, want %d", p, startGCPercent)
	}
	// The finalizer runs in its own goroutine after the collection: wait
	// for it (a bound, not a timing assertion).
	for deadline := time.Now().Add(30 * time.Second); gcPercent() != 100; {
		if time.Now().After(deadline) {
			t.Fatalf("after collections: GOGC %d, want 100 again", gcPercent())
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}
