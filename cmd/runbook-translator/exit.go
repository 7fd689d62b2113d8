package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/runbook-translator/runbook-translator/messages"
)

// Exit codes, documented in the README ("Exit codes").
const (
	// ExitOK: nothing at or above the fail level.
	ExitOK = 0
	// ExitFindings: findings at or above the fail level.
	ExitFindings = 1
	// ExitUsage: usage, config, catalog or input error.
	ExitUsage = 2
	// ExitReporter: a reporter could not deliver (API outage, no write
	// access without a fallback) although the findings themselves would
	// not fail the run; the local report still lists everything.
	ExitReporter = 3
)

// ExitError carries an exit code through cobra's RunE.
type ExitError struct {
	Code int
	Err  error
	// Lang is the language Main prints Err in ("": English): an Err
	// worded by the message table (messages.Error) is worded in it.
	Lang string
}

// inLang sets the language of err's message when err is an *ExitError
// that has none.
func inLang(err error, lang string) error {
	var ee *ExitError
	if errors.As(err, &ee) && ee.Lang == "" {
		ee.Lang = lang
	}
	return err
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// usageError marks errors that are the user's input (exit 2).
func usageError(format string, a ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, a...)}
}

// env is the process environment, injected for tests.
type env func(string) string

// IOStreams are the standard streams of a command.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// OutTTY says whether Out is a terminal (colour).
	OutTTY bool
}

// Factory holds what every command needs; tests replace its fields.
type Factory struct {
	IO     *IOStreams
	Getenv env
	Now    func() time.Time
}

// Main runs the CLI and maps errors to exit codes. It is the only place that
// decides the process exit status.
func Main(args []string, in io.Reader, out, errOut io.Writer, getenv func(string) string) int {
	// Tokens never reach the streams; in a GitHub Actions log nothing on
	// stderr can be a workflow command (guard.go).
	tty := isTerminal(out)
	sec := secrets(getenv)
	errMode := neutralNone
	if getenv("GITHUB_ACTIONS") == "true" {
		errMode = neutralText
	}
	out, errOut = newGuard(out, sec, neutralNone), newGuard(errOut, sec, errMode)
	defer flushGuard(out)
	defer flushGuard(errOut)
	f := &Factory{
		IO:     &IOStreams{In: in, Out: out, ErrOut: errOut, OutTTY: tty},
		Getenv: getenv,
		Now:    time.Now,
	}
	if err := reviewdogHint(args); err != nil {
		fmt.Fprintf(errOut, "runbook-translator: %v\n", err)
		return ExitUsage
	}
	root := NewCmdRoot(f)
	root.SetArgs(args)
	root.SetIn(in)
	root.SetOut(out)
	root.SetErr(errOut)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintf(errOut, "runbook-translator: %s\n", messages.ErrorIn(ee.Err, messages.Choose(ee.Lang)))
		}
		return ee.Code
	}
	// Errors cobra produces itself (unknown flag, bad args) are usage errors.
	msg := err.Error()
	fmt.Fprintf(errOut, "runbook-translator: %v\n", msg)
	if strings.Contains(msg, "unknown") || strings.Contains(msg, "flag") || strings.Contains(msg, "arg") {
		fmt.Fprintln(errOut, "Run 'runbook-translator --help' for usage.")
	}
	return ExitUsage
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// silence keeps cobra from printing errors and usage itself; Main does.
func silence(c *cobra.Command) {
	c.SilenceErrors = true
	c.SilenceUsage = true
}
