package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/spf13/cobra"
)

// Version, Commit and Date are set at release with
// -ldflags "-X main.Version=v1.2.3 -X main.Commit=... -X main.Date=...";
// otherwise they come from the build info (`go install module@version`
// records the module version; a build in a git checkout records
// vcs.revision and vcs.time).
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// buildInfo is what `version` prints.
type buildInfo struct{ version, commit, date, goVersion string }

// goBuildInfo parses the binary's build info once: every run asks for the
// version twice (the root command, the run's record) and the parse of the
// module list is not free.
var goBuildInfo = sync.OnceValues(debug.ReadBuildInfo)

func readBuildInfo() buildInfo {
	b := buildInfo{version: Version, commit: Commit, date: Date, goVersion: runtime.Version()}
	bi, ok := goBuildInfo()
	if ok {
		if b.version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.version = bi.Main.Version
		}
		dirty := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.commit == "" {
					b.commit = s.Value
				}
			case "vcs.time":
				if b.date == "" {
					b.date = s.Value
				}
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if dirty && Commit == "" && b.commit != "" {
			b.commit += "-dirty"
		}
	}
	if b.version == "" {
		b.version = "dev"
	}
	return b
}

func version() string { return readBuildInfo().version }

// NewCmdVersion prints the version, commit and build date.
func NewCmdVersion(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b := readBuildInfo()
			commit, date := b.commit, b.date
			if commit == "" {
				commit = "unknown"
			}
			if date == "" {
				date = "unknown"
			}
			_, err := fmt.Fprintf(f.IO.Out, "runbook-translator %s\ncommit: %s\ndate: %s\ngo: %s\n", b.version, commit, date, b.goVersion)
			return err
		},
	}
	silence(c)
	return c
}
