package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/runbook-translator/runbook-translator/ignore"
	"github.com/runbook-translator/runbook-translator/internal/cells/tabwriter"
)

// IgnoreListOptions holds the flags and streams of `ignore list`.
type IgnoreListOptions struct {
	IO         *IOStreams
	Now        func() time.Time
	ConfigPath string
	Within     time.Duration
	JSON       bool
}

// NewCmdIgnore builds `ignore` and its subcommands.
func NewCmdIgnore(f *Factory) *cobra.Command {
	c := &cobra.Command{Use: "ignore", Short: "Show the exceptions of the config file"}
	silence(c)
	c.AddCommand(NewCmdIgnoreList(f, nil))
	return c
}

// NewCmdIgnoreList builds `ignore list`; runF replaces the run in tests.
func NewCmdIgnoreList(f *Factory, runF func(*IgnoreListOptions) error) *cobra.Command {
	o := &IgnoreListOptions{IO: f.IO, Now: f.Now}
	c := &cobra.Command{
		Use:   "list",
		Short: "List every ignore rule with its state: active, expiring, expired or without expiry",
		Long: `List the ignore rules of the config (.runbook-translator.yaml, or -c) with their
state on today's date (UTC): active, expiring (within --within, default 14 days), expired (the
finding is reported again), or no expiry. Whether a rule matches anything is known only from a
run: 'review' warns about rules that matched nothing.

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
	c.Flags().DurationVar(&o.Within, "within", 14*24*time.Hour, "a rule expiring within this long is \"expiring\"")
	c.Flags().BoolVar(&o.JSON, "json", false, "print JSON")
	return c
}

// ignoreState is one rule and its state.
type ignoreState struct {
	Index    int         `json:"index"`
	Rule     ignore.Rule `json:"rule"`
	State    string      `json:"state"`
	DaysLeft *int        `json:"days_left,omitempty"`
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
	today := now().UTC().Truncate(24 * time.Hour)
	var states []ignoreState
	expired := 0
	for i, r := range cfg.Ignore {
		st := ignoreState{Index: i, Rule: r, State: "no expiry"}
		if r.Expires != "" {
			d, err := time.Parse(ignore.DateLayout, r.Expires)
			if err == nil {
				left := int(d.Sub(today).Hours() / 24)
				st.DaysLeft = &left
				switch {
				case left < 0:
					st.State = "expired"
					expired++
				case time.Duration(left)*24*time.Hour <= o.Within:
					st.State = "expiring"
				default:
					st.State = "active"
				}
			}
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
			fmt.Fprintln(w, "#\tSTATE\tEXPIRES\tRULE\tREASON")
		}
		for _, s := range states {
			exp := s.Rule.Expires
			if exp == "" {
				exp = "-"
			} else if s.DaysLeft != nil {
				switch {
				case *s.DaysLeft < 0:
					exp += fmt.Sprintf(" (%d days ago)", -*s.DaysLeft)
				default:
					exp += fmt.Sprintf(" (in %d days)", *s.DaysLeft)
				}
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", s.Index, s.State, exp, s.Rule.String(), oneLine(s.Rule.Reason))
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if expired > 0 {
		return &ExitError{Code: ExitFindings, Err: fmt.Errorf("%d ignore rule(s) expired: their findings are reported again", expired)}
	}
	return nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
