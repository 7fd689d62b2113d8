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
	defer gcTuned.Store(false) // the in-process Mains of other tests keep Go's pace
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

// gcPercentFor puts the next goal at the floor when the floor is more than
// twice the live heap, and is GOGC=100 otherwise.
func TestGCPercentFor(t *testing.T) {
	for _, c := range []struct {
		floor, live uint64
		want        int
	}{
		{0, 10 << 20, 100},         // no floor
		{64 << 20, 0, 100},         // nothing measured
		{64 << 20, 32 << 20, 100},  // twice the live heap reaches the floor
		{64 << 20, 40 << 20, 100},  // and passes it
		{64 << 20, 16 << 20, 300},  // 16 MiB * 4 = 64 MiB
		{64 << 20, 10 << 20, 540},  // 10 MiB * 6.4
		{256 << 20, 8 << 20, 3100}, // 8 MiB * 32
		// A tiny live heap: the percentage whose heap minimum (4 MiB *
		// GOGC/100) is the floor, not more.
		{256 << 20, 1 << 20, 6400},
		{64 << 20, 1 << 20, 1600},
	} {
		if got := gcPercentFor(c.floor, c.live); got != c.want {
			t.Errorf("gcPercentFor(%d MiB, %d MiB) = %d, want %d", c.floor>>20, c.live>>20, got, c.want)
		}
	}
}

// keepHeapGoal does nothing when the pace is not ours (GOGC set, or a
// test's in-process Main), and otherwise keeps the goal at its floor
// after each collection.
func TestKeepHeapGoal(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer func() { gcTuned.Store(false); heapFloor.Store(0) }()
	gcTuned.Store(false)
	heapFloor.Store(0)
	keepHeapGoal()
	if heapFloor.Load() != 0 {
		t.Fatal("keepHeapGoal set a floor though the pace is not ours")
	}
	gcTuned.Store(true)
	keepHeapGoal()
	floor := heapFloor.Load()
	if floor == 0 {
		t.Fatal("keepHeapGoal set no floor")
	}
	// A floor well above the live heap of this test, so that the
	// percentage must rise after the next collection.
	heapFloor.Store(max(floor, 1<<30))
	armGC()
	for deadline := time.Now().Add(30 * time.Second); gcPercent() <= 100; {
		if time.Now().After(deadline) {
			t.Fatalf("after collections with a 1 GiB floor: GOGC %d, want more than 100", gcPercent())
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	// Without the floor the next collection puts GOGC back at 100 and the
	// sentinels stop.
	heapFloor.Store(0)
	for deadline := time.Now().Add(30 * time.Second); gcPercent() != 100; {
		if time.Now().After(deadline) {
			t.Fatalf("after the floor was lifted: GOGC %d, want 100", gcPercent())
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}
