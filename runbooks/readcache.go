package runbooks

import (
	"maps"
	"sync"
	"sync/atomic"
)

// readCache maps a few distinct strings (codes as spelled, entry ids) to
// what a worker computed for them once. A run sees millions of findings
// but few distinct keys, and every worker reads: an atomic load of an
// immutable map, where a read lock was two atomic adds on one line every
// worker shares (3 % of a run's CPU). A new key copies the map under mu; a
// key already there is kept (two callers alternating on one key with
// different values would otherwise copy the map each time), and the copies
// stop at maxNormCache keys.
type readCache[V any] struct {
	mu sync.Mutex
	m  atomic.Pointer[map[string]V]
}

// maxNormCache bounds a readCache: copying it for each new key costs at
// most maxNormCache^2/2 map insertions in a whole run (a few milliseconds),
// and a key past it is computed each time (NormalizeCode allocates only
// when the spelling is not normal).
const maxNormCache = 1024

func (rc *readCache[V]) get(k string) (V, bool) {
	if m := rc.m.Load(); m != nil {
		v, ok := (*m)[k]
		return v, ok
	}
	var zero V
	return zero, false
}

func (rc *readCache[V]) add(k string, v V) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	old := rc.m.Load()
	next := make(map[string]V, 1)
	if old != nil {
		if _, ok := (*old)[k]; ok || len(*old) >= maxNormCache {
			return
		}
		next = maps.Clone(*old)
	}
	next[k] = v
	rc.m.Store(&next)
}

// len is the number of keys cached (tests).
func (rc *readCache[V]) len() int {
	if m := rc.m.Load(); m != nil {
		return len(*m)
	}
	return 0
}
