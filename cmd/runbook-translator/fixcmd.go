package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/spf13/cobra"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/fix"
	"github.com/runbook-translator/runbook-translator/ignore"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/parsers"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// Exit codes of `fix` beyond those of review (0 and 2 mean the same).
const (
	// ExitFixSkipped: some fixes were not applied (they overlapped another,
	// named a file outside the base dir, or no longer fit the file); the
	// others were.
	ExitFixSkipped = 1
	// ExitFixWrite: a file could not be written; the diff was printed.
	ExitFixWrite = 3
)

// fixStage computes each finding's suggested fixes from the fix: block of
// its runbook entry, reading the files under root. It runs after the
// runbook stage, which names the entry.
func fixStage(root string, cat *runbooks.Catalog) (*fix.Stage, error) {
	st, err := fix.New(fix.Options{Root: root, Values: cat.Values(), Entry: func(f *translator.Finding) *runbooks.Entry {
		return cat.Entry(f.Runbook.ID)
	}})
	if err != nil {
		return nil, usageError("fix: %v", err)
	}
	return st, nil
}

// FixOptions holds the flags and streams of `fix`. The inputs, catalogs
// and config are review's (Review holds them).
type FixOptions struct {
	Review *ReviewOptions
	// Codes, Tools and Paths select the findings whose fixes are applied
	// (any of each list; all findings when empty).
	Codes  []string
	Tools  []string
	Paths  []string
	DryRun bool
}

// NewCmdFix builds `fix`. runF replaces fixRun in tests of flag parsing.
func NewCmdFix(f *Factory, runF func(*FixOptions) error) *cobra.Command {
	ro := &ReviewOptions{IO: f.IO, Getenv: f.Getenv, Now: f.Now}
	opts := &FixOptions{Review: ro}
	c := &cobra.Command{
		Use:   "fix [flags] [FILE...]",
		Short: "Apply the fixes the runbooks suggest to the files under the base dir",
		Long: `Read tool output as review does, and apply to the working tree the first
suggested fix of every finding: the fix: block of its runbook entry, or the
fix the tool computed. --code, --tool and --path select findings. The unified
diff of every change is printed first; --dry-run only prints it.

Files outside --base-dir are never touched. Two fixes whose edits overlap are
never both applied: the first (in path and line order) is, and a later fix
from a runbook is computed again on the changed file; a tool's fix that
overlaps is skipped, and every skipped fix is named on stderr.

Exit codes: 0 every selected fix was applied (or, with --dry-run, would be),
or there was nothing to fix; 1 some fixes were skipped, the others applied;
2 usage, config, catalog or input error, nothing written; 3 a file could not
be written.`,
		Example: `  conftest test -o json k8s | runbook-translator fix --dry-run
  runbook-translator fix -f kube-score score.json --code container-security-context-readonlyrootfilesystem
  runbook-translator fix -f tfsec tfsec.json --path 'terraform/**'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ro.Files = args
			ro.changed = cmd.Flags().Changed
			if runF != nil {
				return runF(opts)
			}
			return fixRun(cmd.Context(), opts)
		},
	}
	silence(c)
	fl := c.Flags()
	ro.addInputFlags(fl, "tool-name")
	fl.StringVar(&ro.BaseDir, "base-dir", "", "repository root: the only files fix writes are under it (default: the working directory)")
	fl.StringArrayVar(&opts.Codes, "code", nil, "apply only fixes of findings with this rule `code` (repeatable)")
	fl.StringArrayVar(&opts.Tools, "tool", nil, "apply only fixes of findings of this `tool` (repeatable)")
	fl.StringArrayVar(&opts.Paths, "path", nil, "apply only fixes of findings in files matching this `glob` (** allowed; repeatable)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the diff, change no file")
	fl.StringVar(&ro.Lang, "lang", "", "language of the messages on stderr and of the fixes' descriptions in the diff (en, ja); default: config lang, then LC_ALL, LC_MESSAGES, LANG")
	return c
}

// fixRun does the work of `fix`.
func fixRun(ctx context.Context, opts *FixOptions) error {
	fs, err := prepareFixes(ctx, opts)
	if err != nil {
		return err
	}
	defer fs.close()
	o := opts.Review
	sel := opts.selected(fs.findings)
	res, err := planFixes(fs.trust, fs.catalog, sel)
	if err != nil {
		return err
	}
	for _, path := range res.order {
		fmt.Fprint(o.IO.Out, fix.UnifiedDiff(path, res.orig[path], res.now[path]))
	}
	errOut := o.IO.ErrOut
	verb := messages.Key("fixcmd.applied")
	if opts.DryRun {
		verb = "fixcmd.would_apply"
	}
	switch {
	case len(sel) == 0:
		fmt.Fprintf(errOut, "runbook-translator: %s\n", messages.T(fs.lang, "fixcmd.none", len(fs.findings)))
	default:
		fmt.Fprintf(errOut, "runbook-translator: %s\n", messages.T(fs.lang, verb, res.applied, len(sel), len(res.order)))
	}
	for _, s := range res.skipped {
		fmt.Fprintf(errOut, "runbook-translator: %s\n", messages.T(fs.lang, "fixcmd.skipped", describeFindingIn(fs.lang, s.f), s.why.In(fs.lang)))
	}
	if !opts.DryRun {
		for _, path := range res.order {
			if err := writeFixed(fs.trust, path, res.now[path]); err != nil {
				return &ExitError{Code: ExitFixWrite, Err: fmt.Errorf("write %s: %w", path, err)}
			}
		}
	}
	if len(res.skipped) > 0 {
		return &ExitError{Code: ExitFixSkipped}
	}
	return nil
}

// fixSession is what prepareFixes read: the findings with their fixes,
// and what planning needs.
type fixSession struct {
	findings translator.Findings
	trust    *trust
	catalog  *runbooks.Catalog
	close    func()
	lang     string // of the messages on stderr and the fixes' descriptions
}

// prepareFixes reads the inputs as review does and runs locate, ignore,
// the runbook match and the fix stage. A half-read input is an error: its
// fixes would be half a fix.
func prepareFixes(ctx context.Context, opts *FixOptions) (*fixSession, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	o := opts.Review
	for _, p := range opts.Paths {
		if !doublestar.ValidatePattern(p) {
			return nil, usageError("--path %q: not a valid glob", p)
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, usageError("working directory: %v", err)
	}
	root := o.BaseDir
	if root == "" {
		root = wd
	}
	tr, err := newTrust(root, o.TrustCheckout, o.TrustedRef)
	if err != nil {
		return nil, err
	}
	var closers []func()
	sess := &fixSession{trust: tr, close: func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}}
	closers = append(closers, tr.close)
	fail := func(err error) (*fixSession, error) {
		sess.close()
		return nil, err
	}
	o.trust = tr
	cfg, err := loadConfig(ctx, o.ConfigPath, wd, tr)
	if err != nil {
		return fail(inLang(err, o.logLang(nil)))
	}
	o.applyConfig(cfg)
	var codeRE *regexp.Regexp
	if o.CodePattern != "" {
		if codeRE, err = regexp.Compile(o.CodePattern); err != nil || codeRE.SubexpIndex("code") < 0 {
			return fail(usageError("--code-pattern: needs a valid regexp with a (?P<code>...) group"))
		}
	}
	baseDir := o.BaseDir
	if baseDir == "" {
		baseDir = wd
	}
	if abs, err := filepath.Abs(baseDir); err == nil {
		baseDir = abs
	}
	inputs, err := o.resolveInputs(cfg)
	if err != nil {
		return fail(err)
	}
	catalog, err := loadCatalog(o.Runbooks, o.NoBuiltin, tr)
	if err != nil {
		return fail(&ExitError{Code: ExitUsage, Err: err})
	}
	if sess.lang, err = messages.Resolve(o.Lang, cfg.Lang, o.Getenv); err != nil {
		return fail(&ExitError{Code: ExitUsage, Err: err})
	}
	catalog = catalog.WithLang(sess.lang)
	sess.catalog = catalog

	var fs translator.Findings
	var inputErr error
	for _, in := range inputs {
		_, err := o.readInput(in, parsers.Options{Tool: in.Tool, EFM: in.EFM, CodePattern: codeRE, BaseDir: baseDir}, func(f *translator.Finding) error {
			fs = append(fs, f)
			return nil
		})
		inputErr = errors.Join(inputErr, err)
	}
	if inputErr != nil {
		return fail(&ExitError{Code: ExitUsage, Err: inputErr})
	}
	loc, err := o.locateStage(baseDir, catalog, hasPathless(fs))
	if err != nil {
		return fail(err)
	}
	closers = append(closers, func() { loc.Close() })
	fx, err := fixStage(baseDir, catalog)
	if err != nil {
		return fail(err)
	}
	closers = append(closers, func() { fx.Close() })
	p := &translator.Pipeline{Stages: []translator.Stage{loc, ignore.New(cfg.Ignore, o.Now()), catalog.MatchStage()}}
	if fs, err = p.Run(ctx, fs); err != nil {
		return fail(&ExitError{Code: ExitUsage, Err: err})
	}
	// The fixes in fix.Stage's order: a fix that copies its object's
	// labels after the fixes that add them, whatever order the scanner
	// wrote the findings in.
	if _, err = (&translator.Pipeline{Stages: []translator.Stage{fx}}).Run(ctx, fx.FixOrder(fs)); err != nil {
		return fail(&ExitError{Code: ExitUsage, Err: err})
	}
	fs.Sort()
	sess.findings = fs
	return sess, nil
}

// selected returns the findings with a fix that the filters let through.
func (opts *FixOptions) selected(fs translator.Findings) translator.Findings {
	var out translator.Findings
	for _, f := range fs {
		if len(f.Fixes) == 0 || f.Ignored() {
			continue
		}
		if len(opts.Tools) > 0 && !anyFold(opts.Tools, f.Tool) {
			continue
		}
		if len(opts.Codes) > 0 && !codeIn(opts.Codes, f) {
			continue
		}
		if len(opts.Paths) > 0 && !pathIn(opts.Paths, f.Path) {
			continue
		}
		out = append(out, f)
	}
	return out
}

func anyFold(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func codeIn(codes []string, f *translator.Finding) bool {
	for _, c := range codes {
		for _, fc := range f.Codes() {
			if translator.NormalizeCode(c) == translator.NormalizeCode(fc) {
				return true
			}
		}
	}
	return false
}

func pathIn(globs []string, p string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, p); ok {
			return true
		}
	}
	return false
}

func describeFinding(f *translator.Finding) string { return describeFindingIn(messages.Default, f) }

// describeFindingIn names a finding in lang: tool, code, resource, place.
func describeFindingIn(lang string, f *translator.Finding) string {
	s := fmt.Sprintf("%s %s", f.Tool, f.Code)
	if f.Resource != "" {
		s = messages.T(lang, "fixcmd.on", s, f.Resource)
	}
	if f.Path != "" {
		s += fmt.Sprintf(" (%s:%d)", f.Path, f.Line)
	}
	return s
}

// fixPlan is what fix changes: each file's text before and after, in
// path order, and the fixes it could not apply.
type fixPlan struct {
	orig, now map[string]string
	order     []string
	applied   int
	skipped   []skippedFix
}

type skippedFix struct {
	f   *translator.Finding
	why messages.Msg
}

// planFixes applies the first fix of each finding in memory. Fixes are
// taken in finding order; one whose edits overlap an edit already taken is
// not applied as it is: a runbook's fix is computed again on the changed
// file (the engine finds its field by path, not by line), a tool's is
// skipped.
func planFixes(tr *trust, cat *runbooks.Catalog, fs translator.Findings) (*fixPlan, error) {
	pl := &fixPlan{orig: map[string]string{}, now: map[string]string{}}
	taken := map[string][]translator.Edit{}
	unreadable := map[string]error{}
	read := func(p string) (string, error) {
		if err, bad := unreadable[p]; bad {
			return "", err
		}
		if s, ok := pl.orig[p]; ok {
			return s, nil
		}
		b, err := tr.root.ReadFile(p)
		if err != nil {
			unreadable[p] = err
			return "", err
		}
		pl.orig[p] = string(b)
		return string(b), nil
	}
	var again []*translator.Finding
next:
	for _, f := range fs {
		fx := f.Fixes[0]
		if equalFix(fx.Edits, taken) {
			pl.applied++ // the same change another finding asked for
			continue
		}
		for _, e := range fx.Edits {
			if _, err := read(e.Path); err != nil {
				pl.skipped = append(pl.skipped, skippedFix{f, messages.M("fixcmd.unreadable", e.Path, messages.Of(err))})
				continue next
			}
			for _, t := range taken[e.Path] {
				if fix.Overlap(e, t) {
					if strings.HasPrefix(fx.Source, "runbook:") {
						again = append(again, f)
					} else {
						pl.skipped = append(pl.skipped, skippedFix{f, messages.M("fixcmd.overlap", e.Path, e.StartLine)})
					}
					continue next
				}
			}
		}
		for _, e := range fx.Edits {
			taken[e.Path] = append(taken[e.Path], e)
		}
		pl.applied++
	}
	for p, es := range taken {
		out, err := fix.Apply(pl.orig[p], es)
		if err != nil {
			return nil, fmt.Errorf("apply fixes to %s: %w", p, err)
		}
		pl.now[p] = out
	}
	// Runbook fixes that overlapped: computed again on the text as it is now.
	for _, f := range again {
		if ok, why := reapply(pl, cat, f); ok {
			pl.applied++
		} else if !why.IsZero() {
			pl.skipped = append(pl.skipped, skippedFix{f, why})
		} else {
			pl.applied++ // an earlier fix already made the change
		}
	}
	for p := range pl.now {
		if pl.now[p] != pl.orig[p] {
			pl.order = append(pl.order, p)
		}
	}
	sort.Strings(pl.order)
	return pl, nil
}

// equalFix reports whether every edit is already taken as it is (two
// tools asking for the same runAsNonRoot line).
func equalFix(es []translator.Edit, taken map[string][]translator.Edit) bool {
	for _, e := range es {
		found := false
		for _, t := range taken[e.Path] {
			if t == e {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return len(es) > 0
}

// reapply computes a runbook fix again on the current text of its file and
// applies it; why says what went wrong ("" with ok false: nothing left to
// change).
func reapply(pl *fixPlan, cat *runbooks.Catalog, f *translator.Finding) (ok bool, why messages.Msg) {
	e := cat.Entry(f.Runbook.ID)
	cur, known := pl.now[f.Path]
	if !known {
		cur = pl.orig[f.Path]
	}
	if e == nil {
		return false, messages.M("fixcmd.entry_gone")
	}
	g := *f
	g.Extra = fix.PinContainer([]byte(pl.orig[f.Path]), f)
	for _, spec := range e.Fix {
		got, err := fix.ComputeWith([]byte(cur), &g, spec, "runbook:"+e.ID, cat.Values())
		if err != nil {
			continue
		}
		if len(got.Edits) == 0 {
			return false, messages.Msg{}
		}
		out, err := fix.Apply(cur, got.Edits)
		if err != nil {
			return false, messages.M("fixcmd.again_no_apply", messages.Of(err))
		}
		pl.now[f.Path] = out
		return true, messages.Msg{}
	}
	return false, messages.M("fixcmd.no_longer_fits")
}

// writeFixed writes a fixed file through the checkout's root: a path or a
// symlink that leaves the base dir is refused.
func writeFixed(tr *trust, rel, content string) error {
	fh, err := tr.root.Create(rel)
	if err != nil {
		return err
	}
	if _, err := fh.WriteString(content); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}
