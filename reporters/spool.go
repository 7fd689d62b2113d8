package reporters

import (
	"os"
)

// spoolMem is how many bytes of record text a spool keeps in memory before
// it moves them to a temporary file: a run of a few thousand findings never
// touches the disk.
const spoolMem = 4 << 20

// spool holds the text of records a reporter keeps until its end (the
// SARIF results: message and runbook body): in memory up to spoolMem
// bytes, then in a temporary file, so that what the process holds per
// record is its offset. The file is unlinked as soon as it is created (on
// systems that allow it), so nothing is left behind whatever happens to the
// run; when no file can be made the text stays in memory: a finding is
// never lost for want of disk.
type spool struct {
	mem  []byte
	f    *os.File
	name string // set when the file could not be unlinked at once
	size int64  // bytes written to f
	dead int64  // bytes of records given up (compact drops them)
	err  error  // first file error: the text then stays in memory
}

// spoolRef is where one record is.
type spoolRef struct {
	off  int64
	n    int32
	file bool
}

// put stores s and returns where it is.
func (sp *spool) put(s string) spoolRef {
	if sp.f == nil && sp.err == nil && len(sp.mem)+len(s) > spoolMem {
		sp.open()
	}
	if sp.f != nil {
		if _, err := sp.f.WriteAt([]byte(s), sp.size); err == nil {
			r := spoolRef{off: sp.size, n: int32(len(s)), file: true}
			sp.size += int64(len(s))
			return r
		} else {
			sp.err = err
		}
	}
	r := spoolRef{off: int64(len(sp.mem)), n: int32(len(s))}
	sp.mem = append(sp.mem, s...)
	return r
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
	b := make([]byte, r.n)
	if _, err := sp.f.ReadAt(b, r.off); err != nil {
		// The file was written a moment ago by this process; a read error
		// is an I/O fault of the machine. Say so in the record rather
		// than lose the result.
		return "(runbook-translator could not read back this result's text: " + err.Error() + ")"
	}
	return string(b)
}

// drop records that r is no longer needed.
func (sp *spool) drop(r spoolRef) { sp.dead += int64(r.n) }

// wasteful reports whether more than half of what the spool holds is
// given up, and enough of it to be worth copying the rest.
func (sp *spool) wasteful() bool {
	total := int64(len(sp.mem)) + sp.size
	return sp.dead > spoolMem && sp.dead*2 > total
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
