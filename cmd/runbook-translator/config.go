package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/runbook-translator/runbook-translator/internal/yamlerr"
	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/ignore"
	"github.com/runbook-translator/runbook-translator/messages"
)

// DefaultConfigFile is read from the working directory when -c is not given.
const DefaultConfigFile = ".runbook-translator.yaml"

// Config is the schema of .runbook-translator.yaml. Flags override it.
type Config struct {
	// FailLevel: none|info|warning|error|critical.
	FailLevel      string `yaml:"fail_level"`
	RequireRunbook bool   `yaml:"require_runbook"`
	// Runbooks are catalog files or directories, merged over the built-in
	// catalog in order (organisation first, then repository).
	Runbooks  []string `yaml:"runbooks"`
	NoBuiltin bool     `yaml:"no_builtin"`
	// Lang is the language of runbooks and reports (en, ja).
	Lang string `yaml:"lang"`
	// CodePattern extracts rule codes from messages of formats without a
	// code field (conftest, gator, errorformat); it needs a (?P<code>...) group.
	CodePattern string `yaml:"code_pattern"`
	// BaseDir is the repository root; absolute paths under it become relative.
	BaseDir string `yaml:"base_dir"`
	// Inputs are read when no FILE is given on the command line.
	Inputs []InputConfig `yaml:"inputs"`
	// Reporters are used when no -r is given.
	Reporters []ReporterConfig `yaml:"reporters"`
	// FilterMode: added|diff_context|file|nofilter.
	FilterMode string        `yaml:"filter_mode"`
	Ignore     []ignore.Rule `yaml:"ignore"`
	// IgnorePolicy is what every ignore rule must satisfy: the longest
	// expiry, the fields required, and the window in which findings say
	// their exception expires soon.
	IgnorePolicy ignore.Policy `yaml:"ignore_policy"`
	// Mentions lets owner @handles ping in PR/MR comments (off: escaped).
	Mentions bool `yaml:"mentions"`

	// path is where the config was read from ("" when none).
	path string
	// inputDir is what relative input paths are relative to.
	inputDir string
	// trusted is false for a config read from the checkout (trust.go).
	trusted bool
	// notes are warnings for the run (e.g. a setting that was ignored).
	notes []runNote
	// ignoreLines is the line of each ignore rule, policyLine that of
	// ignore_policy: (0 when unknown), for errors that say file:line.
	ignoreLines []int
	policyLine  int
}

// InputConfig is one tool output to read.
type InputConfig struct {
	Path   string   `yaml:"path"`
	Format string   `yaml:"format"`
	EFM    []string `yaml:"efm"`
	Tool   string   `yaml:"tool"`
	// Prefix goes before the relative paths the tool reports (the folder
	// it scanned, for trivy and shellcheck).
	Prefix string `yaml:"prefix"`
}

// ReporterConfig is one reporter and where it writes.
type ReporterConfig struct {
	Name string `yaml:"name"`
	Path string `yaml:"path"`
}

// loadConfig reads the config file: the explicit path (an error if missing),
// or DefaultConfigFile in dir when present. With --trusted-ref the file (and
// the catalogs it names by relative path) come from that git ref instead of
// the checkout. A config read from the checkout is untrusted unless the
// checkout is (see trust.go): it may then name only files inside the
// repository and may not turn on mentions.
func loadConfig(ctx context.Context, explicit, dir string, t *trust) (*Config, error) {
	p := explicit
	if p == "" {
		p = filepath.Join(dir, DefaultConfigFile)
	} else if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	cfg := &Config{path: p, inputDir: filepath.Dir(p), trusted: true}
	var data []byte
	var err error
	var refRel string // repository-relative slash dir of a config from the ref
	switch {
	case t.ref != "" && t.inCheckout(p):
		rel, rerr := t.root.Rel(p)
		if rerr != nil {
			return nil, usageError("config: %v", rerr)
		}
		local, ok, ferr := t.fromRef(ctx, rel)
		if ferr != nil {
			return nil, usageError("config from --trusted-ref %s: %v", t.ref, ferr)
		}
		if !ok {
			if explicit != "" {
				return nil, usageError("config %s: not in --trusted-ref %s", filepath.ToSlash(rel), t.ref)
			}
			return &Config{trusted: true}, nil
		}
		data, err = t.readFile(local, maxConfig)
		cfg.path = t.ref + ":" + filepath.ToSlash(rel)
		refRel = path.Dir(filepath.ToSlash(rel))
	default:
		if explicit == "" {
			if _, serr := os.Lstat(p); errors.Is(serr, fs.ErrNotExist) {
				return &Config{trusted: true}, nil
			}
		}
		cfg.trusted = t.trusted(p)
		data, err = t.readFile(p, maxConfig)
	}
	if err != nil {
		return nil, usageError("read config: %v", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, usageError("config %s: %v", cfg.path, err)
		}
		// Name the YAML keys and the kinds of value, never Go types.
		// Worded in the run's language (Main prints the ExitError).
		ex := yamlerr.New(data, cfg)
		errs := make([]error, 0, len(te.Errors))
		for _, m := range te.Errors {
			line, msg := ex.ExplainMsg(m)
			errs = append(errs, messages.Errorf("config.yaml_at", cfg.path, line, msg))
		}
		return nil, &ExitError{Code: ExitUsage, Err: messages.Errorf("config.prefix", lines(errs))}
	}
	var errs []error
	// located errors already say file:line.
	var located []error
	cfg.ignoreLines, cfg.policyLine = ignore.Lines(data)
	if err := cfg.IgnorePolicy.Validate(); err != nil {
		located = append(located, cfg.at(cfg.policyLine, "ignore_policy", err)...)
	}
	for i, r := range cfg.Ignore {
		if err := r.Validate(); err != nil {
			located = append(located, cfg.at(cfg.ruleLine(i), fmt.Sprintf("ignore[%d]", i), err)...)
		}
	}
	for i, in := range cfg.Inputs {
		if in.Path == "" {
			errs = append(errs, fmt.Errorf("inputs[%d]: path is required", i))
		}
	}
	// Relative catalog and input paths are relative to the config file.
	for i, r := range cfg.Runbooks {
		switch {
		case refRel != "" && !filepath.IsAbs(r):
			local, ok, err := t.fromRef(ctx, path.Join(refRel, filepath.ToSlash(r)))
			if err != nil {
				errs = append(errs, fmt.Errorf("runbooks[%d]: %s from --trusted-ref %s: %w", i, r, t.ref, err))
			} else if !ok {
				errs = append(errs, fmt.Errorf("runbooks[%d]: %s is not in --trusted-ref %s", i, r, t.ref))
			}
			cfg.Runbooks[i] = local
		case !filepath.IsAbs(r):
			cfg.Runbooks[i] = filepath.Join(filepath.Dir(p), r)
		}
	}
	if !cfg.trusted {
		errs = append(errs, cfg.restrict(t, dir)...)
	}
	if len(errs) > 0 {
		return nil, usageError("config %s: %w", cfg.path, errors.Join(append(errs, located...)...))
	}
	if len(located) > 0 {
		return nil, &ExitError{Code: ExitUsage, Err: messages.Errorf("config.prefix", lines(located))}
	}
	return cfg, nil
}

// ruleLine is the line of ignore rule i, 0 when unknown.
func (c *Config) ruleLine(i int) int {
	if i < len(c.ignoreLines) {
		return c.ignoreLines[i]
	}
	return 0
}

// at prefixes each line of err with "file:line: key: " (without the line
// when it is unknown), one error per line.
func (c *Config) at(line int, key string, err error) []error {
	pos := c.path
	if line > 0 {
		pos = fmt.Sprintf("%s:%d", c.path, line)
	}
	parts := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		parts = j.Unwrap()
	}
	var out []error
	for _, part := range parts {
		for _, msg := range strings.Split(part.Error(), "\n") {
			if msg == part.Error() {
				// One line: worded by the table when it is a table error.
				out = append(out, messages.Errorf("config.at", pos, key, messages.Of(part)))
				continue
			}
			out = append(out, fmt.Errorf("%s: %s: %s", pos, key, msg))
		}
	}
	return out
}

// lines is errs one per line, as errors.Join prints them, each worded by
// the table when it is a table error.
func lines(errs []error) messages.Msg {
	if len(errs) == 1 {
		return messages.M("err.text", messages.Of(errs[0]))
	}
	return messages.M("config.lines", messages.Of(errs[0]), lines(errs[1:]))
}

// checkIgnorePolicy checks every ignore rule against the ignore_policy on
// now's date: a rule that breaks it is a config error naming the file and
// the rule's line, like a rule without a reason.
func (c *Config) checkIgnorePolicy(now time.Time) error {
	var errs []error
	for i, r := range c.Ignore {
		if err := c.IgnorePolicy.Check(r, now); err != nil {
			errs = append(errs, c.at(c.ruleLine(i), fmt.Sprintf("ignore[%d]", i), err)...)
		}
	}
	if len(errs) > 0 {
		return &ExitError{Code: ExitUsage, Err: messages.Errorf("config.break_rule", lines(errs))}
	}
	return nil
}

// restrict checks what an untrusted config (one from the checkout) may
// not do: name files outside the repository or write outside it. Mentions
// are switched off with a note rather than failing the run.
func (c *Config) restrict(t *trust, wd string) []error {
	var errs []error
	outside := func(key, p string) {
		errs = append(errs, fmt.Errorf("%s: %s is outside the repository; a config in the checkout is written by the pull request and may name only files inside it (pass the file with a flag, use --trusted-ref, or --trust-checkout when the checkout is trusted; see SECURITY.md)", key, p))
	}
	for i, r := range c.Runbooks {
		if !t.inCheckout(r) {
			outside(fmt.Sprintf("runbooks[%d]", i), r)
		}
	}
	for i, in := range c.Inputs {
		if in.Path == "-" || in.Path == "" {
			continue
		}
		p := in.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(c.inputDir, p)
		}
		if !t.inCheckout(p) {
			outside(fmt.Sprintf("inputs[%d].path", i), in.Path)
		}
	}
	for i, r := range c.Reporters {
		if r.Path == "" || r.Path == "-" {
			continue
		}
		p := r.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(wd, p)
		}
		if !t.inCheckout(p) {
			outside(fmt.Sprintf("reporters[%d].path", i), r.Path)
		}
	}
	if c.BaseDir != "" {
		p := c.BaseDir
		if !filepath.IsAbs(p) {
			p = filepath.Join(wd, p)
		}
		if !t.inCheckout(p) {
			outside("base_dir", c.BaseDir)
		}
	}
	if c.Mentions {
		c.Mentions = false
		c.notes = append(c.notes, runNote{"note.mentions_config", []any{c.path}})
	}
	return errs
}
