package main

import (
	"bytes"
	"io"

	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

// Atlantis judges a custom policy check by its exit code and by whether its
// output contains "fail" anywhere (runatlantis.io/docs/custom-policy-checks).
// A passing run that prints "fail level" or a warning whose message says
// "failed" would be taken for a failure. So inside an Atlantis run step
// (ATLANTIS_TERRAFORM_VERSION is set there), what the local reporters write
// to stdout is held until the verdict is known, and on a passing run the
// word is broken with a zero-width joiner, which reads the same.

var failWord = lazyre.New(`(?i)(f)(ail)`)

// inAtlantis reports whether the command runs as an Atlantis run step.
func (o *ReviewOptions) inAtlantis() bool { return o.Getenv("ATLANTIS_TERRAFORM_VERSION") != "" }

// stdout is where reporters writing to standard output write.
func (o *ReviewOptions) stdout() io.Writer {
	if !o.inAtlantis() {
		return o.IO.Out
	}
	if o.held == nil {
		o.held = &bytes.Buffer{}
	}
	return o.held
}

// flushStdout writes what was held for Atlantis, neutralised when the run
// passes.
func (o *ReviewOptions) flushStdout(failed bool) {
	if o.held == nil || o.held.Len() == 0 {
		return
	}
	b := o.held.Bytes()
	if !failed {
		b = failWord().ReplaceAll(b, []byte("${1}\u200d${2}"))
	}
	o.IO.Out.Write(b)
	o.held.Reset()
}
