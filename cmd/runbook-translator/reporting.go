package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/diff"
	"github.com/runbook-translator/runbook-translator/internal/suggest"
	"github.com/runbook-translator/runbook-translator/reporters"
	"github.com/runbook-translator/runbook-translator/reporters/forge/lifecycle"
)

// reporterSpec is one -r NAME[=PATH].
type reporterSpec struct {
	Name string
	Path string // "" = stdout
}

func parseReporterSpec(s string) reporterSpec {
	name, path, _ := strings.Cut(s, "=")
	return reporterSpec{Name: strings.TrimSpace(name), Path: path}
}

// activeReporter is a reporter ready to run.
type activeReporter struct {
	spec reporterSpec
	rep  reporters.Reporter
	out  io.WriteCloser // nil for stdout and forge reporters
	// guard neutralises workflow commands on stdout (guard.go); nil when
	// the reporter writes to a file.
	guard io.Writer
	forge bool
}

type reporterSet []*activeReporter

// buildReporters resolves -r specs (or the config's, or local) into reporters.
func (o *ReviewOptions) buildReporters(cfg *Config) (reporterSet, error) {
	specs := o.Reporters
	if len(specs) == 0 {
		specs = []string{"local"}
	}
	var set reporterSet
	stdout := []string{}
	// With a local change (--diff, --diff-file) and a filter mode, the
	// local report shows only what the filter keeps, as reviewdog's does,
	// and says how many it left out. With a PR/MR reporter it shows all:
	// the job log is where findings the forge could not take are read.
	onlyInDiff := false
	if o.Diff != "" || o.DiffFile != "" {
		if mode, err := o.filterMode(false); err == nil && mode != diff.ModeNoFilter {
			onlyInDiff = true
			for _, s := range specs {
				if reporters.IsForge(parseReporterSpec(s).Name) {
					onlyInDiff = false
				}
			}
		}
	}
	for _, s := range specs {
		sp := parseReporterSpec(s)
		if reporters.IsForge(sp.Name) {
			rep, err := o.newForgeReporter(sp.Name)
			if err != nil {
				set.close()
				return nil, err
			}
			set = append(set, &activeReporter{spec: sp, rep: rep, forge: true})
			continue
		}
		if !contains(reporters.Names(), sp.Name) {
			set.close()
			return nil, usageError("unknown reporter %q%s; valid reporters: %s", sp.Name, suggest.DidYouMean(sp.Name, reporterNames()), strings.Join(reporterNames(), ", "))
		}
		ar := &activeReporter{spec: sp}
		w := o.stdout()
		if sp.Path != "" && sp.Path != "-" {
			f, err := o.createReport(sp.Path)
			if err != nil {
				set.close()
				return nil, usageError("reporter %s: %v", sp.Name, err)
			}
			// Reports written to files get the token redaction stdout gets
			// in Main (defence in depth: the transports redact already).
			ar.out, w = f, newGuard(f, secrets(o.Getenv), neutralNone)
			if w != io.Writer(f) {
				ar.guard = w
			}
		} else {
			stdout = append(stdout, sp.Name)
			if o.Getenv("GITHUB_ACTIONS") == "true" {
				mode := neutralText
				switch sp.Name {
				case "json", "sarif", "gitlab-codequality":
					mode = neutralJSON
				}
				w = newGuard(w, nil, mode)
				ar.guard = w
			}
		}
		color := o.IO.OutTTY && ar.out == nil && !o.NoColor && o.Getenv("NO_COLOR") == ""
		rep, err := reporters.New(sp.Name, reporters.Options{Out: w, Color: color, Verbose: o.Verbose, Warn: o.IO.ErrOut, OnlyInDiff: onlyInDiff, ReadFile: o.readCheckout})
		if err != nil {
			set.close()
			return nil, usageError("%v", err)
		}
		ar.rep = rep
		set = append(set, ar)
	}
	if len(stdout) > 1 {
		set.close()
		return nil, usageError("reporters %s all write to stdout; give all but one a path, e.g. -r %s=out.file", strings.Join(stdout, ", "), stdout[1])
	}
	return set, nil
}

func (s reporterSet) hasForge() bool {
	for _, r := range s {
		if r.forge {
			return true
		}
	}
	return false
}

// showsBodies reports whether any reporter shows runbook bodies; when none
// does, the run only matches entries (runbooks.Catalog.MatchStage).
func (s reporterSet) showsBodies() bool {
	for _, r := range s {
		if b, ok := r.rep.(reporters.BodyShower); !ok || b.ShowsRunbookBodies() {
			return true
		}
	}
	return false
}

// lazyBodies reports whether every reporter renders the bodies it shows
// on demand (reporters.LazyBodies).
func (s reporterSet) lazyBodies() bool {
	for _, r := range s {
		if l, ok := r.rep.(reporters.LazyBodies); !ok || !l.LazyBodies() {
			return false
		}
	}
	return len(s) > 0
}

// jsonBodies reports whether every reporter writes bodies only as JSON
// (reporters.JSONBodies).
func (s reporterSet) jsonBodies() bool {
	for _, r := range s {
		if j, ok := r.rep.(reporters.JSONBodies); !ok || !j.JSONBodies() {
			return false
		}
	}
	return len(s) > 0
}

// end ends every reporter (sts[i] is how the pipeline writes to s[i];
// errs[i] its first error so far); a failing reporter does not stop the
// others. The summary reporter ends last, so that it can say how the PR/MR
// reporters did (run.Deliveries). A PR/MR reporter whose pull request moved
// past the analysed commit posts nothing and is not a failure (see
// ghrep.StaleHeadError): the run for the new head reports. Either way the
// job log gets the findings (joblog.go).
func (s reporterSet) end(ctx context.Context, o *ReviewOptions, run *translator.Run, sts []reporters.Streamer, errs []error, failed bool) error {
	var all []error
	var undelivered []string
	order := make([]int, 0, len(s))
	var last []int
	for i, r := range s {
		if r.spec.Name == "summary" {
			last = append(last, i)
		} else {
			order = append(order, i)
		}
	}
	for _, i := range append(order, last...) {
		r, err := s[i], errs[i]
		if err == nil {
			err = sts[i].End(run)
		}
		if r.forge {
			run.Deliveries = append(run.Deliveries, delivery(r.spec.Name, err))
		}
		flushGuard(r.guard)
		if r.forge {
			o.flushStdout(failed)
		}
		if err != nil && r.forge {
			undelivered = append(undelivered, r.spec.Name)
		}
		switch {
		case err != nil && isStaleHead(err):
			fmt.Fprintf(o.IO.ErrOut, "runbook-translator: warning: %s: %v\n", r.spec.Name, err)
		case err != nil:
			all = append(all, fmt.Errorf("reporter %s: %w", r.spec.Name, err))
		}
		if r.out != nil {
			if cerr := r.out.Close(); cerr != nil {
				all = append(all, fmt.Errorf("reporter %s: %w", r.spec.Name, cerr))
			}
			r.out = nil
		}
	}
	o.flushStdout(failed)
	s.logFindings(ctx, o, run, undelivered)
	return errors.Join(all...)
}

func (s reporterSet) close() {
	for _, r := range s {
		if r.out != nil {
			r.out.Close()
			r.out = nil
		}
	}
}

// createReport creates a report file. Inside the checkout it goes through
// the root, so a symlink the pull request committed under the report's
// name cannot send it elsewhere; outside only when a flag or a trusted
// config named it.
func (o *ReviewOptions) createReport(p string) (*os.File, error) {
	if o.trust == nil {
		return os.Create(p)
	}
	return o.trust.create(p, !o.reportersUntrusted)
}

// delivery describes a PR/MR reporter's outcome. The error is redacted by
// the transports, and again by the guard of whatever the summary is
// written to.
func delivery(name string, err error) translator.Delivery {
	d := translator.Delivery{Reporter: name, Delivered: err == nil || isStaleHead(err)}
	var np *lifecycle.NotPostedError
	if errors.As(err, &np) {
		d.NotPosted = len(np.Entries)
	}
	if err != nil {
		msg := err.Error()
		if len(msg) > 2000 {
			msg = msg[:2000] + "…"
		}
		d.Error = msg
	}
	return d
}
