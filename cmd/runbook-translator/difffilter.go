package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
)

// filterMode resolves --filter-mode: the flag or config, else added for
// PR/MR reporters and nofilter for local ones.
func (o *ReviewOptions) filterMode(forge bool) (diff.Mode, error) {
	if o.FilterMode != "" {
		m, err := diff.ParseMode(o.FilterMode)
		if err != nil {
			return 0, usageError("--filter-mode: %v", err)
		}
		return m, nil
	}
	if forge {
		return diff.ModeAdded, nil
	}
	return diff.ModeNoFilter, nil
}

// diffStage returns the diff-filter stage for --diff, or nil when no local
// diff is given. PR/MR reporters read the change from the API themselves.
func (o *ReviewOptions) diffStage(ctx context.Context, reps reporterSet) (translator.Stage, error) {
	mode, err := o.filterMode(false)
	if err != nil {
		return nil, err
	}
	if o.Diff != "" && o.DiffFile != "" {
		return nil, usageError("--diff runs a command and --diff-file reads a file: give one of them")
	}
	if o.Diff == "" && o.DiffFile == "" {
		if mode != diff.ModeNoFilter && !reps.hasForge() {
			return nil, usageError("--filter-mode %s needs the change: pass --diff \"git diff origin/main...\" or a diff file", mode)
		}
		return nil, nil
	}
	flag, text := "--diff", []byte(nil)
	if o.DiffFile != "" {
		flag = "--diff-file"
		text, err = o.readDiffFile(o.DiffFile)
	} else {
		text, err = runDiff(ctx, o.Diff)
	}
	if err != nil {
		return nil, usageError("%s: %v", flag, err)
	}
	d, err := diff.Parse(bytes.NewReader(text))
	if err != nil {
		return nil, usageError("%s: %v", flag, err)
	}
	if mode == diff.ModeNoFilter && o.FilterMode == "" {
		// --diff without a mode: the user wants the change to matter.
		mode = diff.ModeAdded
	}
	return &diff.Stage{Diff: d, Mode: mode}, nil
}

// maxDiff bounds a diff read from a file or a command.
const maxDiff = 256 << 20

// readDiffFile reads --diff-file: inside the checkout through the root.
func (o *ReviewOptions) readDiffFile(p string) ([]byte, error) {
	if p == "-" {
		return nil, fmt.Errorf("standard input holds the tool output; write the diff to a file")
	}
	if o.trust == nil {
		return os.ReadFile(p)
	}
	return o.trust.readFile(p, maxDiff)
}

// runDiff runs the --diff command (e.g. "git diff origin/main..."). It is
// always a command: a file of the same name in the checkout, which the pull
// request could add, is never read instead (--diff-file reads files).
func runDiff(ctx context.Context, v string) ([]byte, error) {
	fields := strings.Fields(v)
	if len(fields) == 0 {
		return nil, fmt.Errorf("empty diff command")
	}
	cmd := exec.CommandContext(ctx, fields[0], fields[1:]...)
	var out, stderr bytes.Buffer
	cmd.Stdout = &limitedBuffer{b: &out, n: maxDiff}
	cmd.Stderr = &limitedBuffer{b: &stderr, n: 4096}
	if err := cmd.Run(); err != nil {
		if st, serr := os.Stat(v); serr == nil && st.Mode().IsRegular() {
			return nil, fmt.Errorf("run %q: %v (--diff runs a command; %q is a file: read it with --diff-file)", v, err, v)
		}
		return nil, fmt.Errorf("run %q: %v: %s", v, err, strings.TrimSpace(stderr.String()))
	}
	if out.Len() > maxDiff {
		return nil, fmt.Errorf("run %q: output over %d bytes", v, maxDiff)
	}
	return out.Bytes(), nil
}
