package fakeforge

import "sync"

// Requests is the request log and counts of a fake, safe for concurrent
// use: tests assert how many reads and writes a reporter made, and which.
type Requests struct {
	mu            sync.Mutex
	log           []string
	reads, writes int
	by            map[string]int
}

// Add logs "METHOD path" and counts the request as a read or a write.
func (q *Requests) Add(method, path string, write bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.log = append(q.log, method+" "+path)
	if write {
		q.writes++
	} else {
		q.reads++
	}
}

// Count counts a request under key (an HTTP method, a GraphQL kind, an
// OpenAPI operation id).
func (q *Requests) Count(key string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.by == nil {
		q.by = map[string]int{}
	}
	q.by[key]++
}

// Counts returns the reads, the writes and a copy of the per-key counts.
func (q *Requests) Counts() (reads, writes int, by map[string]int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	by = make(map[string]int, len(q.by))
	for k, v := range q.by {
		by[k] = v
	}
	return q.reads, q.writes, by
}

// Log returns "METHOD path" of every request since the last Reset.
func (q *Requests) Log() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]string(nil), q.log...)
}

// Reset zeroes the counts and the log.
func (q *Requests) Reset() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.log, q.reads, q.writes, q.by = nil, 0, 0, nil
}
