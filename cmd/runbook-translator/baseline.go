package main

import (
	"github.com/spf13/pflag"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/baseline"
)

// baselineFlags are --baseline and --fail-on of `review`.
type baselineFlags struct {
	File   string
	FailOn string
}

// addBaselineFlags registers the flags on fl.
func addBaselineFlags(fl *pflag.FlagSet, b *baselineFlags) {
	fl.StringVar(&b.File, "baseline", "", "`FILE` written by -r json (or -r sarif) on the base branch: each finding is reported as new or existing, the ones gone as fixed")
	fl.StringVar(&b.FailOn, "fail-on", "all", "`which` findings at or above --fail-level fail the run: all|new (new needs --baseline)")
}

// baselineStage is a loaded --baseline and the --fail-on choice. A nil
// *baselineStage (no --baseline) leaves the run as it is.
type baselineStage struct {
	b         *baseline.Baseline
	failOnNew bool
}

// load validates the flags and reads the baseline before any input is
// read: a bad baseline stops the run (exit 2) instead of reporting every
// finding as new.
func (b *baselineFlags) load(tr *trust) (*baselineStage, error) {
	switch b.FailOn {
	case "all", "":
	case "new":
		if b.File == "" {
			return nil, usageError("--fail-on new needs --baseline: without one every finding is new")
		}
	default:
		return nil, usageError("--fail-on: unknown value %q (want all or new)", b.FailOn)
	}
	if b.File == "" {
		return nil, nil
	}
	// Named by a flag: trusted, it may lie outside the checkout (a
	// downloaded artifact, a cache directory).
	f, err := tr.open(b.File, true)
	if err != nil {
		return nil, usageError("--baseline: %v", err)
	}
	defer f.Close()
	bl, err := baseline.Read(b.File, f)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	return &baselineStage{b: bl, failOnNew: b.FailOn == "new"}, nil
}

// begin marks the run as compared with the baseline, before any report
// begins (--fail-on new changes which findings fail). The sink classifies
// the findings and lists the fixed ones (stream.go).
func (s *baselineStage) begin(run *translator.Run) {
	if s == nil {
		return
	}
	run.BaselineFile = s.b.File
	run.FailOnNew = s.failOnNew
	// Every report gives the counts itself (run.BaselineCounts); no note.
}
