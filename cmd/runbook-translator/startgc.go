package main

import (
	"runtime"
	"runtime/debug"
	"sync/atomic"
)

// The garbage collector's pace, when the user did not set GOGC. Two rules,
// both measured (docs/performance.md, "Garbage collection"):
//
//   - Start-up: GOGC is startGCPercent until the first collection, so a
//     one-finding run collects nothing.
//   - Streaming: when a run starts to stream, its heap goal has grown with
//     the findings it held (streamThreshold of them), and the process has
//     that memory already. From then on the goal stays at least there
//     (keepHeapGoal), instead of falling back to twice the small live heap
//     of a streamed run: a third of the collections (5 instead of 15 on
//     the 200k-line hadolint input of scripts/bench, GODEBUG=gctrace=1)
//     for about 10 MB more peak RSS (77-79 MB instead of 67-71).
//
// Everything else follows GOGC=100, as Go's default. A GOGC in the
// environment turns both off.

// startGCPercent is the GOGC of a run until its first garbage collection.
// Go's first collection comes when the heap reaches 4 MiB (at GOGC=100);
// package initialisation (goldmark's tables, the GitLab client's routes)
// and the built-in catalog's index come to about that much, so a `review`
// of one finding paid a whole collection, a quarter of its start-up
// instructions (27.2M with it, 19.2M without, callgrind). At 400 the first
// collection waits until 16 MiB, and then GOGC is 100 again (until a
// streamed run sets its floor: keepHeapGoal).
const startGCPercent = 400

// maxHeapFloor bounds keepHeapGoal's floor. A streamed run's live heap is
// about 10 MiB on the text inputs of scripts/bench: 64 MiB makes its
// collections rare (5 instead of 15 on 200k hadolint lines), and a larger
// floor only holds more memory: held SARIF results (their messages are
// long) asked for 104 MiB, which took `-r local` on the 200k-result SARIF
// input from 90-97 to 129-139 MB of peak RSS; at 64 MiB it is 93 MB.
const maxHeapFloor = 64 << 20

var (
	// gcTuned is set by delayFirstGC when the user set no GOGC: the
	// process's pace is ours (never in tests, which run Main in-process).
	gcTuned atomic.Bool
	// heapFloor is the least heap goal keepHeapGoal set, 0 for none.
	heapFloor atomic.Uint64
	// gcArmed is set while a sentinel waits for the next collection.
	gcArmed atomic.Bool
)

// gcSentinel is large enough not to be a tiny allocation (whose finalizer
// might never run, as it shares its block with others).
type gcSentinel struct{ _ [32]byte }

// delayFirstGC raises GOGC until the first collection, unless the user set
// GOGC: a finalizer on an unreachable object runs once that collection has
// found it, and sets the pace (afterGC).
func delayFirstGC(getenv func(string) string) {
	if getenv("GOGC") != "" {
		return
	}
	gcTuned.Store(true)
	setGCPercent(startGCPercent)
	armGC()
}

// armGC leaves an unreachable sentinel for the next collection, unless one
// is waiting already.
func armGC() {
	if gcArmed.CompareAndSwap(false, true) {
		runtime.SetFinalizer(&gcSentinel{}, afterGC)
	}
}

// afterGC runs after a collection: GOGC=100, or while a floor is set the
// percentage that puts the next goal at the floor (when that is more than
// twice the live heap), and a new sentinel for the next collection.
func afterGC(*gcSentinel) {
	gcArmed.Store(false)
	floor := heapFloor.Load()
	if floor == 0 {
		setGCPercent(100)
		return
	}
	// The live heap the collection found is its goal over 1+GOGC/100 (the
	// goal the collection set with the percentage then in force). The
	// finalizer may run well after the collection, so HeapAlloc, which
	// counts what was allocated since, is not it.
	live := memStats().NextGC * 100 / uint64(100+gcPercentNow.Load())
	setGCPercent(gcPercentFor(floor, live))
	armGC()
}

// gcPercentNow is the GOGC percentage last set here.
var gcPercentNow atomic.Int64

func setGCPercent(p int) {
	gcPercentNow.Store(int64(p))
	debug.SetGCPercent(p)
}

// gcPercentFor is the GOGC whose goal for live bytes of live heap is floor
// bytes, and at least 100.
func gcPercentFor(floor, live uint64) int {
	if live == 0 || floor/2 <= live {
		return 100
	}
	p := int(floor*100/live) - 100
	// Go's goal is never under its heap minimum, 4 MiB scaled by GOGC/100
	// (runtime/mgcpacer.go, heapMinimum): a percentage whose minimum
	// passes the floor overshoots it. A 1 MiB live heap under the 64 MiB
	// floor asked for 6300 %, and `-r local` on 200k shellcheck lines grew
	// to goals of 104 MB (peak RSS 117-127 MB instead of 83-96) once the
	// built-in catalog no longer sat in the live heap.
	if most := int(floor * 100 / goHeapMinimum); p > most {
		p = most
	}
	return p
}

// goHeapMinimum is the Go runtime's heap minimum at GOGC=100
// (defaultHeapMinimum).
const goHeapMinimum = 4 << 20

// keepHeapGoal keeps the heap goal at least where the held findings take
// it (at most maxHeapFloor) for the rest of the process, when the pace is
// ours. The streaming sink calls it when it lets the held findings go.
func keepHeapGoal() {
	if !gcTuned.Load() || heapFloor.Load() != 0 {
		return
	}
	// Now the heap is mostly the held findings, all live: GOGC=100 takes
	// the goal to twice that while they go through the stages, whatever
	// the goal of the last collection was.
	ms := memStats()
	heapFloor.Store(min(max(ms.NextGC, 2*ms.HeapAlloc), maxHeapFloor))
	armGC()
}

// memStats reads the runtime's memory statistics. runtime.ReadMemStats
// stops the world for a moment; it runs once per collection at most.
// (runtime/metrics reads without stopping, but its package initialisation
// alone was 7% of a one-finding run's instructions: 1.34M, callgrind.)
func memStats() *runtime.MemStats {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return &m
}
