// Package owners routes findings to the people who own the code: for runbook
// entries that ask for it (owner_from_codeowners: true), the "owners" stage
// sets the finding's Runbook.Owner to the CODEOWNERS owners of its path.
// It runs after the runbooks stage. Reporters show the owner; they ping
// only when mentions are configured (reporters/comment.Options.Mentions).
package owners

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/hmarr/codeowners"

	translator "github.com/runbook-translator/runbook-translator"
)

// Locations are where GitHub looks for CODEOWNERS, relative to the
// repository root, in its order: the first file found is used.
var Locations = []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"}

// maxFile bounds a CODEOWNERS file; GitHub ignores files over 3 MB.
const maxFile = 3 << 20

// Stage is the "owners" pipeline stage.
type Stage struct {
	read func(name string) ([]byte, error)
	want func(*translator.Finding) bool
	// locs are the locations looked at, in order; nil means Locations.
	locs []string
	// forge says whose CODEOWNERS syntax the file is read in.
	forge Forge

	once  sync.Once
	err   error
	rules codeowners.Ruleset // GitHub's syntax
	gl    *glRules           // GitLab's syntax
	file  string
}

// Forge is whose CODEOWNERS rules a file is read by.
type Forge int

const (
	// GitHub reads CODEOWNERS without sections, and the last matching
	// line of the whole file wins
	// (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners:
	// "the last matching pattern takes the most precedence"). GitHub has
	// no sections: "Using [ ] to define a character range" does not work
	// there, so a "[Section]" line is invalid syntax; GitHub skips such a
	// line, this parser (github.com/hmarr/codeowners) reports it with its
	// line. Nor does GitHub read "\#" escapes or "@@role" owners.
	GitHub Forge = iota
	// GitLab reads sections, default owners, "@@role" owners, "\#" and
	// "\ " escapes, and takes owners from every section that matches
	// (see gitlab.go for the rules and their sources).
	GitLab
)

var _ translator.Stage = (*Stage)(nil)

// ReadFunc reads a repository-relative slash path; it returns an error
// wrapping fs.ErrNotExist when the file is not there. CODEOWNERS is written
// by whoever opened the pull request, so callers read it through a bounded,
// root-confined reader (internal/repofs) or from a trusted git ref.
type ReadFunc func(name string) ([]byte, error)

// New returns a stage reading the CODEOWNERS file of the repository at
// root from disk. want says which findings take their owner from
// CODEOWNERS; the caller decides from the catalog entry, e.g.
//
//	func(f *translator.Finding) bool {
//		e := cat.Entry(f.Runbook.ID)
//		return e != nil && e.OwnerFromCodeowners
//	}
func New(root string, want func(*translator.Finding) bool) (*Stage, error) {
	return NewFrom(func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
	}, want), nil
}

// NewFrom returns a stage that reads CODEOWNERS through read. The file is
// read once, on the first finding that wants an owner: a run whose entries
// never use CODEOWNERS never opens it. A repository without CODEOWNERS is
// not an error: the stage then changes nothing. A CODEOWNERS file that does
// not parse, or is over GitHub's 3 MB limit, is an error naming it.
func NewFrom(read ReadFunc, want func(*translator.Finding) bool) *Stage {
	return &Stage{read: read, want: want}
}

// NewFromLocations is NewFrom for a forge that looks for CODEOWNERS
// elsewhere, in the order given. Given GitLabLocations (the same paths in
// the same order) the file is read in GitLab's syntax, as NewForForge
// with GitLab does; any other list is read in GitHub's.
func NewFromLocations(locs []string, read ReadFunc, want func(*translator.Finding) bool) *Stage {
	f := GitHub
	if slices.Equal(locs, GitLabLocations) {
		f = GitLab
	}
	return &Stage{read: read, want: want, locs: locs, forge: f}
}

// NewForForge is NewFrom for forge f: its locations (Locations or
// GitLabLocations) and its syntax.
func NewForForge(f Forge, read ReadFunc, want func(*translator.Finding) bool) *Stage {
	locs := Locations
	if f == GitLab {
		locs = GitLabLocations
	}
	return &Stage{read: read, want: want, locs: locs, forge: f}
}

// GitLabLocations are where GitLab looks for CODEOWNERS, in its order; only
// the first file found is used (ee/lib/gitlab/code_owners.rb FILE_PATHS,
// quoted in gitlab-org/gitlab#219916; gitlab-org/gitlab#366394).
// A file found there is read in GitLab's syntax (gitlab.go).
var GitLabLocations = []string{"CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"}

// load reads and parses the first CODEOWNERS file found, once.
func (s *Stage) load() error {
	s.once.Do(func() {
		locs := s.locs
		if locs == nil {
			locs = Locations
		}
		for _, loc := range locs {
			data, err := s.read(loc)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				s.err = fmt.Errorf("read codeowners: %w", err)
				return
			}
			if len(data) > maxFile {
				s.err = fmt.Errorf("read codeowners: %s is over 3 MB, which GitHub ignores too", loc)
				return
			}
			if s.forge == GitLab {
				gl, err := parseGitLab(data)
				if err != nil {
					s.err = fmt.Errorf("parse codeowners %s: %w", loc, err)
					return
				}
				s.gl, s.file = gl, loc
				return
			}
			rules, err := codeowners.ParseFile(bytes.NewReader(data))
			if err != nil {
				s.err = fmt.Errorf("parse codeowners %s: %w", loc, err)
				return
			}
			s.rules, s.file = rules, loc
			return
		}
	})
	return s.err
}

// File returns the CODEOWNERS file in use (repository-relative), "" when
// the repository has none or it has not been needed yet.
func (s *Stage) File() string { return s.file }

// Name implements translator.Stage.
func (s *Stage) Name() string { return "owners" }

// Owners returns the owners of a repository-relative path, joined by
// ", ", or "" when no rule matches or the matching rule has no owners.
// On GitHub that is the last matching line's owners; on GitLab the owners
// of the last matching entry of every section, in section order, each
// once.
func (s *Stage) Owners(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	if err := s.load(); err != nil {
		return "", err
	}
	if s.gl != nil {
		return strings.Join(s.gl.owners(path), ", "), nil
	}
	if s.rules == nil {
		return "", nil
	}
	r, err := s.rules.Match(strings.TrimPrefix(path, "/"))
	if err != nil {
		return "", fmt.Errorf("match codeowners: %w", err)
	}
	if r == nil || len(r.Owners) == 0 {
		return "", nil
	}
	names := make([]string, len(r.Owners))
	for i, o := range r.Owners {
		names[i] = o.String()
	}
	return strings.Join(names, ", "), nil
}

// Map implements translator.Stage: when the finding's entry asks for it
// and CODEOWNERS names owners for its path, they replace Runbook.Owner; the
// entry's own owner stays when CODEOWNERS names none.
func (s *Stage) Map(_ context.Context, f *translator.Finding) error {
	if f.Runbook == nil || s.want == nil || !s.want(f) {
		return nil
	}
	o, err := s.Owners(f.Path)
	if err != nil {
		return err
	}
	if o != "" {
		f.Runbook.Owner = o
	}
	return nil
}
