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
	if o.Diff == "" {
		if mode != diff.ModeNoFilter && !reps.hasForge() {
			return nil, usageError("--filter-mode %s needs the change: pass --diff \"git diff origin/main...\" or a diff file", mode)
		}
		return nil, nil
	}
	text, err := readDiff(ctx, o.Diff)
	if err != nil {
		return nil, usageError("--diff: %v", err)
	}
	d, err := diff.Parse(bytes.NewReader(text))
	if err != nil {
		return nil, usageError("--diff: %v", err)
	}
	if mode == diff.ModeNoFilter && o.FilterMode == "" {
		// --diff without a mode: the user wants the change to matter.
		mode = diff.ModeAdded
	}
	return &diff.Stage{Diff: d, Mode: mode}, nil
}

// readDiff reads a diff file, or runs the command (e.g. "git diff
// origin/main...") when the value is not an existing file.
func readDiff(ctx context.Context, v string) ([]byte, error) {
	if st, err := os.Stat(v); err == nil && !st.IsDir() {
		return os.ReadFile(v)
	}
	fields := strings.Fields(v)
	if len(fields) == 0 {
		return nil, fmt.Errorf("empty diff command")
	}
	cmd := exec.CommandContext(ctx, fields[0], fields[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("run %q: %v: %s", v, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
