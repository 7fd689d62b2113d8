package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/ignore"
	"github.com/runbook-translator/runbook-translator/internal/cells/tabwriter"
)

// IgnoreListOptions holds the flags and streams of `ignore list`.
type IgnoreListOptions struct {
	IO         *IOStreams
	Now        func() time.Time
	ConfigPath string
	// Within is the warning window; 0 takes the config's
	// ignore_policy.warn_within (default 14 days).
	Within time.Duration
	JSON   bool
	// Report is a `-r json` report of a run ("" for none): the rules that
	// match none of its findings are "unused".
	Report string
}

// NewCmdIgnore builds `ignore` and its subcommands.
func NewCmdIgnore(f *Factory) *cobra.Command {
	c := &cobra.Command{Use: "ignore", Short: "Add and list the exceptions of the config file"}
	silence(c)
	c.AddCommand(NewCmdIgnoreList(f, nil))
	c.AddCommand(NewCmdIgnoreAdd(f, nil))
	c.AddCommand(NewCmdIgnoreRequest(f, nil)) // ignorerequest.go
	return c
}

// NewCmdIgnoreList builds `ignore list`; runF replaces the run in tests.
func NewCmdIgnoreList(f *Factory, runF func(*IgnoreListOptions) error) *cobra.Command {
	o := &IgnoreListOptions{IO: f.IO, Now: f.Now}
	c := &cobra.Command{
		Use:   "list",
		Short: "List every ignore rule with its state: active, expiring, expired, unused or without expiry",
		Long: `List the ignore rules of the config (.runbook-translator.yaml, or -c) with their
state on today's date (UTC): active, expiring (within --within, default the config's
ignore_policy.warn_within or 14 days), expired (the finding is reported again), or no expiry.
With --report, the JSON Lines report of a run (review -r json=FILE), a rule that matches none
of its findings is unused, and the count of findings each rule matches is shown.

Exit 0; 1 when a rule has expired, so a scheduled job can remind the team.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return ignoreListRun(o)
		},
	}
	silence(c)
	c.Flags().StringVarP(&o.ConfigPath, "config", "c", "", "config `file` (default .runbook-translator.yaml)")
	c.Flags().Var((*daysValue)(&o.Within), "within", "a rule expiring within this long is \"expiring\" (14d, 2w, 336h; default the ignore_policy's warn_within)")
	c.Flags().BoolVar(&o.JSON, "json", false, "print JSON")
	c.Flags().StringVar(&o.Report, "report", "", "JSON Lines report `file` of a run (-r json=FILE): rules matching none of its findings are unused")
	return c
}

// daysValue is a duration flag that also takes days and weeks (14d, 2w),
// the units of the ignore_policy.
type daysValue time.Duration

func (d *daysValue) String() string {
	if *d == 0 {
		return ""
	}
	return time.Duration(*d).String()
}

func (d *daysValue) Set(s string) error {
	if n, err := ignore.ParseDays(s); err == nil {
		*d = daysValue(time.Duration(n) * 24 * time.Hour)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("want a number of days (14d), weeks (2w) or a duration (336h)")
	}
	*d = daysValue(v)
	return nil
}

func (d *daysValue) Type() string { return "duration" }

// ignoreState is one rule and its state.
type ignoreState struct {
	Index    int         `json:"index"`
	Line     int         `json:"line,omitempty"`
	Rule     ignore.Rule `json:"rule"`
	State    string      `json:"state"`
	DaysLeft *int        `json:"days_left,omitempty"`
	// Matches is the number of findings of --report the rule matches;
	// absent without --report.
	Matches *int `json:"matches,omitempty"`
}

func ignoreListRun(o *IgnoreListOptions) error {
	tr, err := newTrust(".", true, "")
	if err != nil {
		return err
	}
	defer tr.close()
	wd, _ := filepath.Abs(".")
	cfg, err := loadConfig(context.Background(), o.ConfigPath, wd, tr)
	if err != nil {
		return err
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	within := o.Within
	if within == 0 {
		within = time.Duration(cfg.IgnorePolicy.WarnDays()) * 24 * time.Hour
	}
	var matches []int
	if o.Report != "" {
		if matches, err = ruleMatches(cfg.Ignore, o.Report, now()); err != nil {
			return err
		}
	}
	var states []ignoreState
	expired, unused := 0, 0
	for i, r := range cfg.Ignore {
		st := ignoreState{Index: i, Line: cfg.ruleLine(i), Rule: r, State: "no expiry"}
		if left, ok := r.DaysLeft(now()); ok {
			st.DaysLeft = &left
			switch {
			case left < 0:
				st.State = "expired"
			case time.Duration(left)*24*time.Hour <= within:
				st.State = "expiring"
			default:
				st.State = "active"
			}
		}
		if matches != nil {
			n := matches[i]
			st.Matches = &n
			// Expired wins: it is what the team must act on first.
			if n == 0 && st.State != "expired" {
				st.State = "unused"
			}
		}
		switch st.State {
		case "expired":
			expired++
		case "unused":
			unused++
		}
		states = append(states, st)
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		if states == nil {
			states = []ignoreState{}
		}
		if err := enc.Encode(states); err != nil {
			return err
		}
	} else {
		if len(states) == 0 {
			fmt.Fprintln(o.IO.Out, "No ignore rules.")
		}
		w := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
		if len(states) > 0 {
			head := "#\tSTATE\tEXPIRES\tRULE\tREASON"
			if matches != nil {
				head = "#\tSTATE\tEXPIRES\tMATCHES\tRULE\tREASON"
			}
			fmt.Fprintln(w, head)
		}
		for _, s := range states {
			exp := s.Rule.Expires
			if exp == "" {
				exp = "-"
			} else if s.DaysLeft != nil {
				switch {
				case *s.DaysLeft < 0:
					exp += fmt.Sprintf(" (%d days ago)", -*s.DaysLeft)
				case *s.DaysLeft == 0:
					exp += " (last day)"
				default:
					exp += fmt.Sprintf(" (in %d days)", *s.DaysLeft)
				}
			}
			if s.Matches != nil {
				exp += fmt.Sprintf("\t%d", *s.Matches)
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", s.Index, s.State, exp, oneLine(s.Rule.String()), oneLine(s.Rule.Reason))
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if unused > 0 {
		fmt.Fprintf(o.IO.ErrOut, "runbook-translator: %d ignore rule(s) matched no finding of %s: remove them or fix their code, path or resource\n", unused, o.Report)
	}
	if expired > 0 {
		return &ExitError{Code: ExitFindings, Err: fmt.Errorf("%d ignore rule(s) expired: their findings are reported again", expired)}
	}
	return nil
}

// maxReport bounds the --report file read by `ignore list`.
const maxReport = 512 << 20

// ruleMatches counts, for each rule, the findings of a JSON Lines report
// (review -r json) it matches, with the ignore stage's own matching, so
// "unused" means what review's "matched nothing" warning means.
func ruleMatches(rules []ignore.Rule, report string, now time.Time) ([]int, error) {
	f, err := os.Open(report)
	if err != nil {
		return nil, usageError("--report: %v", err)
	}
	defer f.Close()
	st := ignore.New(rules, now)
	dec := json.NewDecoder(io.LimitReader(f, maxReport))
	for n := 1; ; n++ {
		// The fields rules match on; the report's other keys are ignored.
		var rec struct {
			Tool     string   `json:"tool"`
			Code     string   `json:"code"`
			Path     string   `json:"path"`
			Resource string   `json:"resource"`
			Aliases  []string `json:"aliases"`
		}
		err := dec.Decode(&rec)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, usageError("--report %s: record %d: %v (want the JSON Lines of review -r json)", report, n, err)
		}
		if rec.Tool == "" && rec.Code == "" {
			return nil, usageError("--report %s: record %d has no tool or code (want the JSON Lines of review -r json)", report, n)
		}
		fd := &translator.Finding{Tool: rec.Tool, Code: rec.Code, Resource: rec.Resource, Aliases: rec.Aliases, Location: translator.Location{Path: rec.Path}}
		if err := st.Map(context.Background(), fd); err != nil {
			return nil, err
		}
	}
	return st.Hits(), nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
