package reporters

import (
	"bufio"
	"io"
	"sync"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
)

// flushDelay is how long a streamed finding may wait in the buffer. A
// write(2) per finding cost more than rendering it on a million-finding
// input (one syscall per line, each a few µs); a tenth of a second is
// still "at once" for someone watching a CI log.
const flushDelay = 100 * time.Millisecond

// delayedFlusher buffers writes and flushes them flushDelay after the first
// unflushed write (from a timer, so a finding followed by a long pause still
// shows up), and on Flush.
type delayedFlusher struct {
	mu    sync.Mutex
	w     *bufio.Writer
	timer *time.Timer
	err   error // first flush error, returned by the next Write or Flush
}

func newDelayedFlusher(w io.Writer) *delayedFlusher {
	return &delayedFlusher{w: bufio.NewWriterSize(w, 64<<10)}
}

// Write implements io.Writer.
func (d *delayedFlusher) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return 0, d.err
	}
	n, err := d.w.Write(p)
	if err != nil {
		d.err = err
		return n, err
	}
	d.arm()
	return n, nil
}

// write3 writes a, the JSON body of rb (translator.Runbook.BodyJSONParts)
// and c as one Write of their concatenation would.
func (d *delayedFlusher) write3(a []byte, rb *translator.Runbook, c []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return d.err
	}
	d.w.Write(a)
	enc, refs := rb.BodyJSONRefs()
	prev := 0
	for _, r := range refs {
		d.w.Write(enc[prev:r.At])
		d.w.WriteString(r.S)
		prev = r.At
	}
	d.w.Write(enc[prev:])
	if _, err := d.w.Write(c); err != nil { // bufio keeps its first error
		d.err = err
		return err
	}
	d.arm()
	return nil
}

// arm starts the flush timer unless it runs already (d.mu held).
func (d *delayedFlusher) arm() {
	if d.timer == nil {
		d.timer = time.AfterFunc(flushDelay, func() {
			d.mu.Lock()
			defer d.mu.Unlock()
			d.timer = nil
			if err := d.w.Flush(); err != nil && d.err == nil {
				d.err = err
			}
		})
	}
}

// Flush writes out everything buffered now.
func (d *delayedFlusher) Flush() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	if err := d.w.Flush(); err != nil && d.err == nil {
		d.err = err
	}
	return d.err
}
