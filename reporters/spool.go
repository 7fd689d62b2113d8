package reporters

import (
	"io"
	"os"
)

// spoolLimit is how many bytes of record text a spool keeps in memory
// before it moves them to a temporary file: a run of a few thousand
// findings never touches the disk. A variable only so that tests can lower
// it.
var spoolLimit = 4 << 20

// spool holds the text of records a reporter keeps until its end (the
// SARIF results: message and runbook body): in memory up to spoolLimit
// bytes, then in a temporary file, so that what the process holds per
// record is its offset. The file is unlinked as soon as it is created (on
// systems that allow it), so nothing is left behind whatever happens to the
// run; when no file can be made the text stays in memory: a finding is
// never lost for want of disk.
type spool struct {
	mem  []byte
	f    *os.File
	name string // set when the file could not be unlinked at once
	size int64  // bytes in f, then the pending ones
	dead int64  // bytes of records given up (compact drops them)
	err  error  // first file error: the text then stays in memory
	// wbuf holds the last bytes put, not yet in f (they start at
	// size-len(wbuf)); rbuf caches what was last read from f, from roff:
	// one write(2) and one read(2) per spoolIO bytes, not per record.
	wbuf []byte
	rbuf []byte
	roff int64
}

// spoolIO is the size of the spool's reads and writes (a variable for
// tests).
var spoolIO = 64 << 10

// spoolRef is where one record is.
type spoolRef struct {
	off  int64
	n    int32
	file bool
}

// put stores the concatenation of parts and returns where it is.
func (sp *spool) put(parts ...string) spoolRef {
	n := 0
	for _, s := range parts {
		n += len(s)
	}
	if sp.f == nil && sp.err == nil && len(sp.mem)+n > spoolLimit {
		sp.open()
	}
	if sp.f != nil && sp.err == nil {
		r := spoolRef{off: sp.size, n: int32(n), file: true}
		for _, s := range parts {
			sp.wbuf = append(sp.wbuf, s...)
		}
		sp.size += int64(n)
		if len(sp.wbuf) >= spoolIO {
			sp.flush()
		}
		return r
	}
	r := spoolRef{off: int64(len(sp.mem)), n: int32(n)}
	for _, s := range parts {
		sp.mem = append(sp.mem, s...)
	}
	return r
}

// flush writes the pending bytes to the file. On a write error they stay
// pending, in memory, and so does everything put afterwards.
func (sp *spool) flush() {
	if len(sp.wbuf) == 0 || sp.err != nil {
		return
	}
	if _, err := sp.f.WriteAt(sp.wbuf, sp.size-int64(len(sp.wbuf))); err != nil {
		sp.err = err
		return
	}
	sp.wbuf = sp.wbuf[:0]
}

func (sp *spool) open() {
	f, err := os.CreateTemp("", "runbook-translator-spool-*")
	if err != nil {
		sp.err = err
		return
	}
	if os.Remove(f.Name()) != nil {
		sp.name = f.Name()
	}
	sp.f = f
}

// get returns a record's text.
func (sp *spool) get(r spoolRef) string {
	if !r.file {
		return string(sp.mem[r.off : r.off+int64(r.n)])
	}
	end := r.off + int64(r.n)
	if pend := sp.size - int64(len(sp.wbuf)); r.off >= pend {
		return string(sp.wbuf[r.off-pend : end-pend])
	}
	if r.off < sp.roff || end > sp.roff+int64(len(sp.rbuf)) {
		n := int64(spoolIO)
		if int64(r.n) > n {
			n = int64(r.n)
		}
		if pend := sp.size - int64(len(sp.wbuf)); r.off+n > pend {
			n = pend - r.off
		}
		if cap(sp.rbuf) < int(n) {
			sp.rbuf = make([]byte, n)
		}
		sp.rbuf = sp.rbuf[:n]
		if _, err := sp.f.ReadAt(sp.rbuf, r.off); err != nil {
			sp.rbuf = sp.rbuf[:0]
			// The file was written a moment ago by this process; a read
			// error is an I/O fault of the machine. Say so in the record
			// rather than lose the result.
			return "(runbook-translator could not read back this result's text: " + err.Error() + ")"
		}
		sp.roff = r.off
	}
	return string(sp.rbuf[r.off-sp.roff : end-sp.roff])
}

// drop records that r is no longer needed.
func (sp *spool) drop(r spoolRef) { sp.dead += int64(r.n) }

// wasteful reports whether more than half of what the spool holds is
// given up, and enough of it to be worth copying the rest.
func (sp *spool) wasteful() bool {
	total := int64(len(sp.mem)) + sp.size
	return sp.dead > int64(spoolLimit) && sp.dead*2 > total
}

// close releases the file.
func (sp *spool) close() {
	if sp.f != nil {
		sp.f.Close()
		if sp.name != "" {
			os.Remove(sp.name)
		}
	}
	*sp = spool{}
}

// Write appends p to the spool as a stream (no record of its own): the
// SARIF writer spools the encoded log with it, and writeTo replays it.
// A spool is either written as a stream or holds records, not both.
func (sp *spool) Write(p []byte) (int, error) {
	if sp.f == nil && sp.err == nil && len(sp.mem)+len(p) > spoolLimit {
		sp.open()
	}
	if sp.f != nil && sp.err == nil {
		sp.wbuf = append(sp.wbuf, p...)
		sp.size += int64(len(p))
		if len(sp.wbuf) >= spoolIO {
			sp.flush()
		}
		return len(p), nil
	}
	sp.mem = append(sp.mem, p...)
	return len(p), nil
}

// writeTo writes everything Write spooled, in order, to w: the bytes held
// in memory, then the file's, then those still pending.
func (sp *spool) writeTo(w io.Writer) error {
	if _, err := w.Write(sp.mem); err != nil {
		return err
	}
	if sp.f == nil {
		return nil
	}
	sp.flush()
	if n := sp.size - int64(len(sp.wbuf)); n > 0 {
		if _, err := io.Copy(w, io.NewSectionReader(sp.f, 0, n)); err != nil {
			return err
		}
	}
	_, err := w.Write(sp.wbuf)
	return err
}
