package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/ignore"
	"github.com/runbook-translator/runbook-translator/internal/patch"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/owners"
	"github.com/runbook-translator/runbook-translator/parsers"
)

// ReviewOptions holds the flags and streams of `review`.
type ReviewOptions struct {
	IO     *IOStreams
	Getenv env
	Now    func() time.Time

	Files     []string
	formats   *formatFlag
	prefixes  *formatFlag
	EFM       []string
	Tool      string
	Reporters []string
	Runbooks  []string
	NoBuiltin bool
	// AllowEmpty: empty input without -f is a clean run (--allow-empty).
	AllowEmpty     bool
	Lang           string // --lang: language of runbooks and reports (en, ja)
	ConfigPath     string
	FailLevel      string
	RequireRunbook bool
	CodePattern    string
	BaseDir        string
	FilterMode     string
	Diff           string
	DiffFile       string
	TrustedRef     string
	TrustCheckout  bool
	DryRun         bool
	Verbose        bool
	Debug          bool
	NoColor        bool
	Forge          forgeFlags
	Baseline       baselineFlags

	// set by flags: which flags the user gave (they override the config).
	changed func(name string) bool
	// held collects stdout inside an Atlantis run step (see atlantis.go).
	held *bytes.Buffer
	// trust is what the run may trust of the checkout (trust.go).
	trust *trust
	// checkoutFiles reads the checkout's files once per run (readCheckout).
	checkoutOnce  sync.Once
	checkoutFiles *patch.Cache
	// reportersUntrusted is true when the reporters (and their paths) came
	// from an untrusted config.
	reportersUntrusted bool
	// localPrinted is set when a fallback printed the local report to
	// stdout (the job log has the findings).
	localPrinted bool
	// lang is the run's language: --lang, the config's lang, the locale.
	lang string
	// head caches checkoutHead (forge.go).
	head      string
	headKnown bool
}

// formatMark is one -f NAME and how many FILE arguments preceded it.
type formatMark struct {
	name string
	pos  int
}

// formatFlag records each -f (or --path-prefix) with its position among
// the positional arguments, so "review -f trivy a.json -f tflint b.json"
// pairs each file with the format named before it.
type formatFlag struct {
	fs    *pflag.FlagSet
	marks []formatMark
	// check validates a value; nil accepts any.
	check func(string) error
	typ   string
	// single: one mark applies to every FILE, even those before it
	// ("review a.json -f trivy").
	single bool
}

// pick returns the value that applies to the i-th FILE: the last mark
// before it, or the only mark when there is one; "" when none applies.
func (f *formatFlag) pick(i int) string {
	switch {
	case len(f.marks) == 1 && f.single:
		return f.marks[0].name
	case len(f.marks) > 0:
		v := ""
		for _, m := range f.marks {
			if m.pos <= i {
				v = m.name
			}
		}
		return v
	}
	return ""
}

func (f *formatFlag) String() string {
	names := make([]string, len(f.marks))
	for i, m := range f.marks {
		names[i] = m.name
	}
	return strings.Join(names, ",")
}

func (f *formatFlag) Set(v string) error {
	if f.check != nil {
		if err := f.check(v); err != nil {
			return err
		}
	}
	f.marks = append(f.marks, formatMark{name: v, pos: len(f.fs.Args())})
	return nil
}

func (f *formatFlag) Type() string { return f.typ }

// NewCmdReview builds `review`. runF replaces reviewRun in tests of flag parsing.
func NewCmdReview(f *Factory, runF func(*ReviewOptions) error) *cobra.Command {
	opts := &ReviewOptions{IO: f.IO, Getenv: f.Getenv, Now: f.Now}
	c := &cobra.Command{
		Use:   "review [flags] [FILE...]",
		Short: "Read tool output (stdin when no FILE), attach runbooks, report",
		Long: `Read the output of one or more tools, attach to every finding the runbook
entry that says what to do, apply the ignores of the config file, and report.

Each FILE takes the format of the -f given before it ("-f trivy a.json -f tflint
b.json"); with a single -f every FILE uses it; without -f the format is
detected from the content and named on stderr. "-" is standard input.

Exit codes: 0 nothing at or above --fail-level; 1 findings at or above it;
2 usage, config, catalog or input error (a parse error names the format and the
line or byte offset); 3 a reporter could not deliver (the local report still
lists every finding).`,
		Example: `  trivy config -f json k8s | runbook-translator review
  runbook-translator review -f conftest conftest.json -f trivy trivy.json
  shellcheck -f gcc *.sh | runbook-translator review -f shellcheck-gcc -r local -r sarif=shellcheck.sarif
  tflint -f compact | runbook-translator review --efm '%f:%l:%c: %m' --tool tflint`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			opts.changed = cmd.Flags().Changed
			if runF != nil {
				return runF(opts)
			}
			return reviewRun(cmd.Context(), opts)
		},
	}
	silence(c)
	fl := c.Flags()
	opts.addInputFlags(fl, "tool")
	fl.StringArrayVarP(&opts.Reporters, "reporter", "r", nil, "reporter `NAME[=PATH]` (repeatable; default local to stdout)")
	fl.StringVar(&opts.Lang, "lang", "", "language of runbooks and reports (en, ja); default: config lang, then LC_ALL, LANG")
	fl.StringVar(&opts.FailLevel, "fail-level", "error", "exit 1 when a finding is at or above this `level`: none|info|warning|error|critical")
	fl.BoolVar(&opts.RequireRunbook, "require-runbook", false, "a finding whose runbook is only the generic fallback counts as a failure")
	fl.StringVar(&opts.BaseDir, "base-dir", "", "repository root; absolute paths under it become relative (default: the working directory)")
	fl.StringVar(&opts.FilterMode, "filter-mode", "", "added|diff_context|file|nofilter (default added for PR/MR reporters, nofilter otherwise)")
	fl.StringVar(&opts.Diff, "diff", "", "`command` that prints the change as a unified diff, e.g. \"git diff origin/main...\" (never read as a file: see --diff-file)")
	fl.StringVar(&opts.DiffFile, "diff-file", "", "`file` holding the change as a unified diff (\"-\" is not allowed: standard input is the tool output)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the comments and API calls PR/MR reporters would make, and make none")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "show the rendered runbook of each finding in the local report")
	fl.BoolVar(&opts.Debug, "debug", false, "log each stage's finding counts on stderr")
	fl.BoolVar(&opts.NoColor, "no-color", false, "never colour the local report (NO_COLOR is honoured too)")
	addForgeFlags(fl, &opts.Forge)
	addBaselineFlags(fl, &opts.Baseline)
	return c
}

// inputSpec is one input to read.
type inputSpec struct {
	Path   string // "-" for stdin
	Format string // "" = detect
	// Prefix goes before the relative paths the tool reports.
	Prefix string
	EFM    []string
	Tool   string
	// Trusted: named by a flag or a trusted config (it may lie outside
	// the checkout).
	Trusted bool
}

// resolveInputs pairs FILE arguments with -f marks, falling back to the
// config's inputs and then to standard input.
func (o *ReviewOptions) resolveInputs(cfg *Config) ([]inputSpec, error) {
	marks := o.formats.marks
	efmFormat := ""
	if len(o.EFM) > 0 {
		efmFormat = "efm"
	}
	files := o.Files
	if len(files) == 0 && len(cfg.Inputs) > 0 && len(marks) == 0 {
		var out []inputSpec
		for _, in := range cfg.Inputs {
			s := inputSpec{Path: in.Path, Format: in.Format, EFM: in.EFM, Tool: in.Tool, Prefix: in.Prefix, Trusted: cfg.trusted}
			if s.Format == "" && len(s.EFM) > 0 {
				s.Format = "efm"
			}
			if cfg.inputDir != "" && s.Path != "-" && !filepath.IsAbs(s.Path) {
				s.Path = filepath.Join(cfg.inputDir, s.Path)
			}
			out = append(out, s)
		}
		return out, nil
	}
	if len(files) == 0 {
		if len(marks) > 1 {
			return nil, usageError("several -f given but no FILE: standard input has one format")
		}
		files = []string{"-"}
	}
	stdin := 0
	out := make([]inputSpec, 0, len(files))
	for i, p := range files {
		if p == "-" {
			stdin++
		}
		format := efmFormat
		if f := o.formats.pick(i); f != "" {
			format = f
		}
		out = append(out, inputSpec{Path: p, Format: format, EFM: o.EFM, Tool: o.Tool, Prefix: o.prefixes.pick(i), Trusted: true})
	}
	if stdin > 1 {
		return nil, usageError("standard input (-) given more than once")
	}
	return out, nil
}

// reviewRun does the work of `review`.
func reviewRun(ctx context.Context, o *ReviewOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	wd, err := os.Getwd()
	if err != nil {
		return usageError("working directory: %v", err)
	}
	// The repository root is fixed before the config is read: a config in
	// the checkout may move base_dir only inside it (trust.go).
	root := o.BaseDir
	if root == "" {
		root = wd
	}
	tr, err := newTrust(root, o.TrustCheckout, o.TrustedRef)
	if err != nil {
		return err
	}
	defer tr.close()
	o.trust = tr
	cfg, err := loadConfig(ctx, o.ConfigPath, wd, tr)
	if err != nil {
		return inLang(err, o.logLang(nil))
	}
	if err := cfg.checkIgnorePolicy(o.Now()); err != nil {
		return inLang(err, o.logLang(cfg))
	}
	o.applyConfig(cfg)
	for _, n := range cfg.notes {
		fmt.Fprintf(o.IO.ErrOut, "runbook-translator: warning: %s\n", n.in(o.logLang(cfg)))
	}

	failLevel, err := translator.ParseSeverity(o.FailLevel)
	if err != nil {
		return usageError("--fail-level: %v", err)
	}
	bl, err := o.Baseline.load(tr)
	if err != nil {
		return err
	}
	var codeRE *regexp.Regexp
	if o.CodePattern != "" {
		codeRE, err = regexp.Compile(o.CodePattern)
		if err != nil {
			return usageError("--code-pattern: %v", err)
		}
		if codeRE.SubexpIndex("code") < 0 {
			return usageError("--code-pattern needs a named group (?P<code>...)")
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
		return err
	}
	catalog, err := loadCatalog(o.Runbooks, o.NoBuiltin, tr)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	lang, err := messages.Resolve(o.Lang, cfg.Lang, o.Getenv)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	o.lang = lang
	catalog = catalog.WithLang(lang)
	if o.Debug {
		defer func() {
			n, hits, dropped := catalog.MemoStats()
			fmt.Fprintf(o.IO.ErrOut, "debug: runbook memo: %d lookups, %d hits, %d entries dropped it for a low hit rate\n", n, hits, dropped)
		}()
	}
	notes := []string{}
	for _, n := range cfg.notes {
		notes = append(notes, n.in(lang))
	}
	if n := o.checkMentions(catalog); n.key != "" {
		fmt.Fprintf(o.IO.ErrOut, "runbook-translator: warning: %s\n", n.in(lang))
		notes = append(notes, n.in(lang))
	}
	reps, err := o.buildReporters(cfg)
	if err != nil {
		return err
	}
	defer reps.close()

	ign := ignore.New(cfg.Ignore, o.Now()).WarnWithin(cfg.IgnorePolicy.WarnDays())
	rbStage := catalog.Stage()
	switch {
	case !reps.showsBodies():
		rbStage = catalog.MatchStage()
	case reps.lazyBodies():
		rbStage = catalog.LazyStage()
	case reps.jsonBodies():
		rbStage = catalog.JSONStage()
	}
	own := owners.NewForForge(o.codeownersSyntax(reps), tr.codeowners(ctx), func(f *translator.Finding) bool {
		e := catalog.Entry(f.Runbook.ID)
		return e != nil && e.OwnerFromCodeowners
	})
	fx, err := fixStage(baseDir, catalog)
	if err != nil {
		return err
	}
	defer fx.Close()
	return o.runPipeline(ctx, &runInput{inputs: inputs, codeRE: codeRE, baseDir: baseDir, catalog: catalog,
		reps: reps, ign: ign, rb: rbStage, fx: fx, own: own, bl: bl, failLevel: failLevel, notes: notes})
}

// verdict maps the outcome of a run to its exit code: an input error wins
// (exit 2, after everything read was reported), then failing findings (1,
// whatever the reporters did), then a reporter that could not deliver (3).
func (o *ReviewOptions) verdict(inputErr error, failed bool, repErr error) error {
	switch {
	case inputErr != nil:
		return &ExitError{Code: ExitUsage, Err: inputErr}
	case failed:
		if repErr != nil {
			fmt.Fprintf(o.IO.ErrOut, "runbook-translator: %v\n", repErr)
		}
		return &ExitError{Code: ExitFindings}
	case repErr != nil:
		return &ExitError{Code: ExitReporter, Err: repErr}
	}
	return nil
}

// applyConfig fills what the flags did not set from the config file.
func (o *ReviewOptions) applyConfig(cfg *Config) {
	set := func(name string) bool { return o.changed != nil && o.changed(name) }
	if !set("fail-level") && cfg.FailLevel != "" {
		o.FailLevel = cfg.FailLevel
	}
	if !set("require-runbook") && cfg.RequireRunbook {
		o.RequireRunbook = true
	}
	if !set("no-builtin") && cfg.NoBuiltin {
		o.NoBuiltin = true
	}
	// Catalog layers: config first (organisation, repository), then flags.
	o.Runbooks = append(append([]string{}, cfg.Runbooks...), o.Runbooks...)
	if !set("code-pattern") && cfg.CodePattern != "" {
		o.CodePattern = cfg.CodePattern
	}
	if !set("base-dir") && cfg.BaseDir != "" {
		o.BaseDir = cfg.BaseDir
	}
	if !set("filter-mode") && cfg.FilterMode != "" {
		o.FilterMode = cfg.FilterMode
	}
	if !set("reporter") && len(o.Reporters) == 0 {
		for _, r := range cfg.Reporters {
			spec := r.Name
			if r.Path != "" {
				spec += "=" + r.Path
			}
			o.Reporters = append(o.Reporters, spec)
		}
	}
	if cfg.Mentions {
		o.Forge.Mentions = true
	}
	if !set("reporter") && len(cfg.Reporters) > 0 && !cfg.trusted {
		o.reportersUntrusted = true
	}
}

// readInput parses one input, detecting its format when none was given.
// It returns the tool name of the format.
func (o *ReviewOptions) readInput(in inputSpec, popts parsers.Options, emit func(*translator.Finding) error) (string, error) {
	var r io.Reader
	name := in.Path
	if in.Path == "-" {
		r, name = o.IO.In, "stdin"
	} else {
		f, err := o.trust.open(in.Path, in.Trusted)
		if err != nil {
			return "", fmt.Errorf("open input: %w", err)
		}
		defer f.Close()
		r = f
	}
	popts.File = name
	br := bufio.NewReaderSize(r, parsers.DetectSize)
	format := in.Format
	if format == "" {
		head, _ := br.Peek(parsers.DetectSize)
		ft, err := parsers.Detect(head)
		if err != nil && isEmptyDocument(head) {
			// "[]" or "null": what several JSON tools print when clean.
			fmt.Fprintf(o.IO.ErrOut, "runbook-translator: %s: %s\n", name, messages.T(o.lang, "log.empty_document"))
			return "", nil
		}
		if errors.Is(err, parsers.ErrEmptyInput) {
			// Nothing at all: a scanner that crashed in a pipe writes
			// nothing too, and must not gate green. A text tool whose clean
			// run prints nothing is named with -f; --allow-empty says so
			// for any input.
			if o.AllowEmpty {
				fmt.Fprintf(o.IO.ErrOut, "runbook-translator: %s: %s\n", name, messages.T(o.lang, "log.empty_allowed"))
				return "", nil
			}
			return "", fmt.Errorf("%s: empty input: a scanner that failed writes nothing too; name the format with -f for a tool whose clean run prints nothing, or pass --allow-empty", name)
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
		format = ft.Name
		fmt.Fprintf(o.IO.ErrOut, "runbook-translator: %s: %s\n", name, messages.T(o.lang, "log.detected", format))
	}
	ft, err := parsers.Lookup(format)
	if err != nil {
		return "", err
	}
	p, err := ft.New(popts)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	tool := ft.Tool
	if tool == "" {
		tool = popts.Tool
	}
	n := 0
	prefix := strings.Trim(filepath.ToSlash(in.Prefix), "/")
	err = p.Parse(br, func(f *translator.Finding) error {
		n++
		// A path already under the prefix is not prefixed again: Trivy's
		// ArtifactName now gives "trivy config k8s" output its k8s/ paths,
		// and runs that still pass --path-prefix k8s keep working.
		if prefix != "" && f.Path != "" && !path.IsAbs(f.Path) && !strings.HasPrefix(f.Path, prefix+"/") {
			f.Path = path.Join(prefix, f.Path)
		}
		if tool == "" {
			tool = f.Tool
		}
		return emit(f)
	})
	if o.Debug {
		fmt.Fprintf(o.IO.ErrOut, "runbook-translator: %s: %d findings (%s)\n", name, n, format)
	}
	return tool, err
}

// isEmptyDocument reports whether head is a whole JSON document with no
// content: [] (actionlint, gitleaks), null (gator) or {}.
func isEmptyDocument(head []byte) bool {
	switch string(bytes.TrimSpace(head)) {
	case "[]", "null", "{}":
		return true
	}
	return false
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// prefixWriter prefixes log lines for stderr.
type prefixWriter struct{ w io.Writer }

func (p prefixWriter) Write(b []byte) (int, error) {
	_, err := fmt.Fprintf(p.w, "runbook-translator: %s", b)
	return len(b), err
}

// addInputFlags registers the flags that say what to read and with which
// catalogs and config: review's and fix's, written once. toolFlag names
// the flag that labels generic findings ("tool" for review; fix, whose
// --tool selects findings, calls it "tool-name").
func (o *ReviewOptions) addInputFlags(fl *pflag.FlagSet, toolFlag string) {
	o.formats = &formatFlag{fs: fl, typ: "NAME", single: true, check: func(v string) error {
		_, err := parsers.Lookup(v)
		return err
	}}
	o.prefixes = &formatFlag{fs: fl, typ: "DIR"}
	fl.VarP(o.formats, "format", "f", "input `format` of the FILEs that follow; auto-detected when omitted (see `runbook-translator formats`)")
	fl.StringArrayVar(&o.EFM, "efm", nil, "errorformat `pattern` (repeatable); implies -f efm")
	fl.Var(o.prefixes, "path-prefix", "`DIR` to put before the relative paths of the FILEs that follow (trivy and shellcheck report paths relative to the folder they scanned)")
	fl.StringVar(&o.Tool, toolFlag, "", "tool `name` that labels findings of --efm and generic formats")
	fl.StringArrayVar(&o.Runbooks, "runbooks", nil, "catalog file or directory (repeatable), merged over the built-in catalog in order")
	fl.BoolVar(&o.NoBuiltin, "no-builtin", false, "do not load the built-in catalog")
	fl.BoolVar(&o.AllowEmpty, "allow-empty", false, "empty input without -f is a clean run, not an error (a crashed scanner writes nothing too)")
	fl.StringVarP(&o.ConfigPath, "config", "c", "", "config `file` (default .runbook-translator.yaml in the working directory, if present)")
	fl.StringVar(&o.CodePattern, "code-pattern", "", "`regexp` with a (?P<code>...) group that extracts rule codes from messages (conftest, gator, text formats)")
	fl.StringVar(&o.TrustedRef, "trusted-ref", "", "git `ref` (e.g. the base commit) to read the config, its catalogs and CODEOWNERS from instead of the pull request's checkout")
	fl.BoolVar(&o.TrustCheckout, "trust-checkout", false, "the checkout is trusted (a push to the default branch, your own machine): its config may name files outside it and turn on mentions")
}

// codeownersSyntax says whose CODEOWNERS rules (and locations) apply: GitLab's
// (sections, default owners, roles) when a GitLab reporter runs, or in a
// GitLab CI job with no GitHub reporter; GitHub's otherwise.
func (o *ReviewOptions) codeownersSyntax(reps reporterSet) owners.Forge {
	github := false
	for _, r := range reps {
		switch {
		case r.forge && strings.HasPrefix(r.spec.Name, "gitlab"):
			return owners.GitLab
		case r.forge:
			github = true
		}
	}
	if !github && o.Getenv != nil && o.Getenv("GITLAB_CI") == "true" {
		return owners.GitLab
	}
	return owners.GitHub
}
