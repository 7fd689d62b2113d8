package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/ignore"
	"github.com/runbook-translator/runbook-translator/internal/patch"
)

// IgnoreAddOptions holds the flags and streams of `ignore add`.
type IgnoreAddOptions struct {
	IO         *IOStreams
	Now        func() time.Time
	ConfigPath string
	Rule       ignore.Rule
	// Expires is the flag as given: a duration (30d, 2w) or a date.
	Expires string
	DryRun  bool
}

// NewCmdIgnoreAdd builds `ignore add`; runF replaces the run in tests.
func NewCmdIgnoreAdd(f *Factory, runF func(*IgnoreAddOptions) error) *cobra.Command {
	o := &IgnoreAddOptions{IO: f.IO, Now: f.Now}
	c := &cobra.Command{
		Use:   "add CODE --reason TEXT --expires 30d|YYYY-MM-DD",
		Short: "Add an ignore rule to the config, keeping its comments and layout",
		Long: `Append an ignore rule for CODE to the ignore: list of the config (.runbook-translator.yaml,
or -c), and print the change as a diff. Every other byte of the file is kept: comments,
indentation, key order and quoting. The rule is checked against the config's ignore_policy
(max_expiry, require; README "Ignoring, with accountability") before anything is written.

--expires takes a duration from today (UTC), 30d or 2w, or the last day the rule suppresses,
YYYY-MM-DD. A date in the past is refused.

A config the command cannot edit without changing its layout (anchors or aliases on the
ignore: list, a flow list ignore: [...], tabs, a file that does not parse) is refused with
its file:line, and nothing is written.`,
		Example: `  runbook-translator ignore add KSV-0017 --path 'charts/node-agent/**' \
    --reason "node agent needs host access" --expires 90d --link https://tracker.example/SEC-123`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Rule.Code = args[0]
			if strings.TrimSpace(o.Rule.Reason) == "" {
				return usageError("--reason is required: say why the finding is accepted")
			}
			if o.Expires == "" {
				return usageError("--expires is required: a duration (30d) or the last day (YYYY-MM-DD)")
			}
			if runF != nil {
				return runF(o)
			}
			return ignoreAddRun(o)
		},
	}
	silence(c)
	fl := c.Flags()
	fl.StringVarP(&o.ConfigPath, "config", "c", "", "config `file` (default .runbook-translator.yaml; created when missing)")
	fl.StringVar(&o.Rule.Tool, "tool", "", "only findings of this `tool`")
	fl.StringVar(&o.Rule.Path, "path", "", "only findings in files matching this `glob` (charts/**)")
	fl.StringVar(&o.Rule.Resource, "resource", "", "only findings about resources matching this `glob` (Deployment/legacy-*)")
	fl.StringVar(&o.Rule.Reason, "reason", "", "why the finding is accepted (required)")
	fl.StringVar(&o.Expires, "expires", "", "`30d|YYYY-MM-DD`: how long, or the last day, the rule suppresses (required)")
	fl.StringVar(&o.Rule.Link, "link", "", "`URL` of the risk acceptance or ticket")
	fl.StringVar(&o.Rule.ApprovedBy, "approved-by", "", "`name` of who accepted the risk")
	fl.BoolVar(&o.DryRun, "dry-run", false, "print the diff, write nothing")
	return c
}

func ignoreAddRun(o *IgnoreAddOptions) error {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	r := o.Rule
	exp, err := ignore.ParseExpiry(o.Expires, now())
	if err != nil {
		return usageError("--expires: %v", err)
	}
	r.Expires = exp
	if err := r.Validate(); err != nil {
		return usageError("rule: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	tr, err := newTrust(".", true, "")
	if err != nil {
		return err
	}
	defer tr.close()
	wd, _ := filepath.Abs(".")
	p := o.ConfigPath
	if p == "" {
		p = DefaultConfigFile
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(wd, p)
	}
	// Write through a symlink to its target, as an editor would.
	if target, err := filepath.EvalSymlinks(p); err == nil {
		p = target
	}
	name := o.ConfigPath
	if name == "" {
		name = DefaultConfigFile
	}
	var src []byte
	mode := fs.FileMode(0o644)
	st, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// A new config holding the rule alone.
	case err != nil:
		return usageError("config: %v", err)
	default:
		mode = st.Mode().Perm()
		if src, err = tr.readFile(p, maxConfig); err != nil {
			return usageError("read config: %v", err)
		}
		// The config must load as it is, and its policy applies.
		cfg, err := loadConfig(context.Background(), p, wd, tr)
		if err != nil {
			return err
		}
		if err := cfg.IgnorePolicy.Check(r, now()); err != nil {
			return usageError("the rule breaks the ignore_policy of %s, nothing written: %s", name, strings.ReplaceAll(err.Error(), "\n", "; "))
		}
		// The same findings already ignored: adding is still allowed (to
		// renew an expired exception), but say so.
		for i, old := range cfg.Ignore {
			if sameFindings(old, r) {
				fmt.Fprintf(o.IO.ErrOut, "runbook-translator: warning: %s:%d: ignore[%d] already matches the same findings (expires %s)\n",
					name, cfg.ruleLine(i), i, orNone(old.Expires))
			}
		}
	}
	out, err := ignore.AddRule(src, name, r)
	if err != nil {
		return usageError("%v", err)
	}
	// The result must still be a config the loader takes.
	dec := yaml.NewDecoder(bytes.NewReader(out))
	dec.KnownFields(true)
	if err := dec.Decode(&Config{}); err != nil {
		return usageError("%s: the edited config would not load (%v), nothing written", name, err)
	}
	diff := patch.Unified(filepath.ToSlash(name), src, out)
	if len(src) == 0 {
		// A new file, as git shows one.
		diff = strings.Replace(diff, "--- a/"+filepath.ToSlash(name)+"\n", "--- /dev/null\n", 1)
	}
	fmt.Fprint(o.IO.Out, diff)
	if o.DryRun {
		return nil
	}
	if err := writeFileAtomic(p, out, mode); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	fmt.Fprintf(o.IO.ErrOut, "runbook-translator: added ignore rule %s to %s (expires %s)\n", r.String(), name, r.Expires)
	return nil
}

// sameFindings reports whether two rules select the same findings: the
// same code (any spelling), tool, path and resource.
func sameFindings(a, b ignore.Rule) bool {
	return translator.NormalizeCode(a.Code) == translator.NormalizeCode(b.Code) &&
		strings.EqualFold(strings.TrimSpace(a.Tool), strings.TrimSpace(b.Tool)) &&
		strings.TrimPrefix(a.Path, "./") == strings.TrimPrefix(b.Path, "./") && a.Resource == b.Resource
}

func orNone(s string) string {
	if s == "" {
		return "never"
	}
	return s
}

// writeFileAtomic replaces p by data through a temporary file in the same
// folder, so a crash never leaves half a config.
func writeFileAtomic(p string, data []byte, mode fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp, mode)); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
