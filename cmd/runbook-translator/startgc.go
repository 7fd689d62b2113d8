package main

import (
	"runtime"
	"runtime/debug"
)

// startGCPercent is the GOGC of a run until its first garbage collection.
// Go's first collection comes when the heap reaches 4 MiB (at GOGC=100);
// package initialisation (goldmark's tables, the GitLab client's routes)
// and the built-in catalog's index come to about that much, so a `review`
// of one finding paid a whole collection, a quarter of its start-up
// instructions (27.2M with it, 19.2M without, callgrind). At 400 the first
// collection waits until 16 MiB, and then GOGC is the default again: a
// large run's heap follows its live data as before.
const startGCPercent = 400

// gcSentinel is large enough not to be a tiny allocation (whose finalizer
// might never run, as it shares its block with others).
type gcSentinel struct{ _ [32]byte }

// delayFirstGC raises GOGC until the first collection, unless the user set
// GOGC: a finalizer on an unreachable object runs once that collection has
// found it, and restores the previous percentage.
func delayFirstGC(getenv func(string) string) {
	if getenv("GOGC") != "" {
		return
	}
	prev := debug.SetGCPercent(startGCPercent)
	runtime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) { debug.SetGCPercent(prev) })
}
