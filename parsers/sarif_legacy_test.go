package parsers

// The SARIF reader as it was before sarif_stream.go (encoding/json's token
// API, results held decoded or as JSON lines): kept for the differential
// test and fuzz target in sarif_stream_test.go, which check that the
// jsontext reader finds the same findings and errors on the same inputs.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	translator "github.com/runbook-translator/runbook-translator"
)

// legacySARIFReader reads with a tokStream; results become findings with
// the same sarifReader.result as the new reader.
type legacySARIFReader struct {
	*sarifReader
	s *tokStream
}

func legacyParseSARIF(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	sr := &legacySARIFReader{sarifReader: &sarifReader{opts: opts, emit: emit}, s: newTokStream("sarif", opts.File, r)}
	return sr.read()
}

func (sr *legacySARIFReader) unsupported(v string) error {
	return sr.s.errAt(sr.s.dec.InputOffset(), fmt.Errorf("unsupported SARIF version %q: only SARIF 2.1.0 is read (convert older logs with the SARIF SDK's `sarif transform`)", v))
}

func (sr *legacySARIFReader) setVersion(v string) error {
	if !sarifVersionOK(v) {
		return sr.unsupported(v)
	}
	sr.version = v
	return nil
}

// legacyPending holds a run's waiting results: the first ones in memory,
// the rest spilled to a temporary file as compact JSON, one per line, so
// that a log whose results come before their base URIs (trivy writes
// originalUriBaseIds last) is still read in bounded memory.
type legacyPending struct {
	mem   []*sarifResult
	file  *os.File
	w     *bufio.Writer
	count int
}

// legacyMaxPendingInMemory is how many waiting results are kept in memory
// before the rest go to a temporary file.
const legacyMaxPendingInMemory = 2048

func (p *legacyPending) len() int { return p.count }

func (p *legacyPending) add(res *sarifResult) error {
	p.count++
	if len(p.mem) < legacyMaxPendingInMemory && p.file == nil {
		p.mem = append(p.mem, res)
		return nil
	}
	if p.file == nil {
		f, err := os.CreateTemp("", "runbook-translator-sarif-*.jsonl")
		if err != nil {
			return fmt.Errorf("hold SARIF results until their run is read: %w", err)
		}
		p.file, p.w = f, bufio.NewWriterSize(f, 256<<10)
	}
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	if _, err := p.w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("hold SARIF results until their run is read: %w", err)
	}
	return nil
}

// each calls fn for every held result in order, then releases them.
func (p *legacyPending) each(fn func(*sarifResult) error) (err error) {
	defer p.close()
	for _, res := range p.mem {
		if err := fn(res); err != nil {
			return err
		}
	}
	p.mem = nil
	if p.file == nil {
		return nil
	}
	if err := p.w.Flush(); err != nil {
		return err
	}
	if _, err := p.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dec := json.NewDecoder(bufio.NewReaderSize(p.file, 256<<10))
	for dec.More() {
		res := &sarifResult{}
		if err := dec.Decode(res); err != nil {
			return fmt.Errorf("read back held SARIF results: %w", err)
		}
		if err := fn(res); err != nil {
			return err
		}
	}
	return nil
}

func (p *legacyPending) close() {
	if p.file != nil {
		name := p.file.Name()
		p.file.Close()
		os.Remove(name)
		p.file, p.w = nil, nil
	}
	p.mem, p.count = nil, 0
}

func (sr *legacySARIFReader) read() (err error) {
	s := sr.s
	var runs []*sarifRun // runs whose results wait for the version
	var lps []*legacyPending
	defer func() {
		for _, p := range lps {
			p.close()
		}
	}()
	t, err := s.token()
	if err != nil {
		return err
	}
	if t != json.Delim('{') {
		return s.shapeErr("want a SARIF log object, got " + describeToken(t))
	}
	sawRuns := false
	var schema, version string
	for s.dec.More() {
		k, err := s.key()
		if err != nil {
			return err
		}
		switch k {
		case "version":
			if err := s.decode(&version); err != nil {
				return err
			}
			if err := sr.setVersion(version); err != nil {
				return err
			}
		case "$schema":
			if err := s.decode(&schema); err != nil {
				return err
			}
			if v := sarifSchemaVersion(schema); v != "" && version == "" {
				if err := sr.setVersion(v); err != nil {
					return err
				}
			}
		case "runs":
			sawRuns = true
			t, err := s.token()
			if err != nil {
				return err
			}
			if t == nil {
				// §3.13.4: null when the tool failed before it could
				// start a run. Not an error of the log.
				continue
			}
			if t != json.Delim('[') {
				return s.errAt(s.dec.InputOffset(), fmt.Errorf(`"runs" must be an array or null, got %s`, describeToken(t)))
			}
			for s.dec.More() {
				run, lp, err := sr.readRun()
				if err != nil {
					return err
				}
				if lp.len() > 0 {
					runs, lps = append(runs, run), append(lps, lp)
				}
			}
			if _, err := s.token(); err != nil { // ']'
				return err
			}
		default:
			if err := s.skip(); err != nil {
				return err
			}
		}
	}
	if _, err := s.token(); err != nil { // '}'
		return err
	}
	if err := s.end(); err != nil {
		return err
	}
	if !sawRuns {
		// Valid JSON that is not SARIF (e.g. tflint's own JSON) would
		// otherwise read as "no findings".
		return &ParseError{Format: "sarif", File: sr.opts.File, Line: 1, Offset: 0,
			Err: fmt.Errorf("not a SARIF log: no \"runs\" array (version %q)", version)}
	}
	// Results held because the version came after the runs (kube-score
	// writes it last): the version is known now.
	for i, run := range runs {
		if err := sr.flush(run, lps[i]); err != nil {
			return err
		}
	}
	return nil
}

// readRun reads one run object, emitting its results as they come when
// everything they depend on has been read, and holding them otherwise.
func (sr *legacySARIFReader) readRun() (_ *sarifRun, _ *legacyPending, err error) {
	s := sr.s
	if err := s.expectDelim('{', "a run object"); err != nil {
		return nil, nil, err
	}
	run := &sarifRun{}
	lp := &legacyPending{}
	defer func() {
		if err != nil {
			lp.close() // the temporary file, if any
		}
	}()
	sawResults := false
	for s.dec.More() {
		k, err := s.key()
		if err != nil {
			return nil, nil, err
		}
		switch k {
		case "tool":
			var tool sarifTool
			if err := s.decode(&tool); err != nil {
				return nil, nil, err
			}
			run.Tool = &tool
		case "originalUriBaseIds":
			if err := s.decode(&run.OriginalURIBaseIDs); err != nil {
				return nil, nil, err
			}
			run.haveBases = true
		case "artifacts":
			if err := s.decode(&run.Artifacts); err != nil {
				return nil, nil, err
			}
			run.haveArtifacts = true
		case "invocations":
			if err := s.decode(&run.Invocations); err != nil {
				return nil, nil, err
			}
		case "columnKind":
			if err := s.decode(&run.ColumnKind); err != nil {
				return nil, nil, err
			}
			run.haveColumnKind = true
		case "results":
			sawResults = true
			t, err := s.token()
			if err != nil {
				return nil, nil, err
			}
			if t == nil {
				run.resultsNull = true
				continue
			}
			if t != json.Delim('[') {
				return nil, nil, s.errAt(s.dec.InputOffset(), fmt.Errorf(`"results" must be an array or null, got %s`, describeToken(t)))
			}
			for s.dec.More() {
				res := &sarifResult{}
				if err := s.decode(res); err != nil {
					return nil, nil, err
				}
				if lp.len() == 0 && sr.ready(run, res) {
					if err := sr.result(run, res); err != nil {
						return nil, nil, err
					}
					continue
				}
				if err := lp.add(res); err != nil {
					lp.close()
					return nil, nil, s.errAt(s.dec.InputOffset(), err)
				}
			}
			if _, err := s.token(); err != nil { // ']'
				return nil, nil, err
			}
		default:
			if err := s.skip(); err != nil {
				return nil, nil, err
			}
		}
	}
	if _, err := s.token(); err != nil { // '}'
		return nil, nil, err
	}
	if sr.version != "" {
		if err := sr.flush(run, lp); err != nil {
			return nil, nil, err
		}
	}
	if (!sawResults || run.resultsNull) && lp.len() == 0 {
		// §3.14.23: results is null (or absent) when the tool did not
		// run; say so rather than report a clean scan.
		if msg := run.failure(); msg != "" {
			return nil, nil, s.errAt(s.dec.InputOffset(), fmt.Errorf("the SARIF run of %q reports that the tool failed: %s", run.driverName(), msg))
		}
	}
	return run, lp, nil
}

// flush turns the held results of a run into findings.
func (sr *legacySARIFReader) flush(run *sarifRun, p *legacyPending) error {
	if run.Tool == nil {
		run.Tool = &sarifTool{}
	}
	return p.each(func(res *sarifResult) error { return sr.result(run, res) })
}

// component returns the toolComponent a result's rule belongs to (§3.52.7:
