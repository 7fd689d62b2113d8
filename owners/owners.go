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
	"strings"

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
	rules codeowners.Ruleset
	// File is the CODEOWNERS file in use, "" when the repository has none.
	File string
	want func(*translator.Finding) bool
}

var _ translator.Mapper = (*Stage)(nil)

// New reads the CODEOWNERS file of the repository at root. want says which
// findings take their owner from CODEOWNERS; the caller decides from the
// catalog entry, e.g.
//
//	func(f *translator.Finding) bool {
//		e := cat.Entry(f.Runbook.ID)
//		return e != nil && e.OwnerFromCodeowners
//	}
//
// A repository without CODEOWNERS is not an error: the stage then changes
// nothing. A CODEOWNERS file that does not parse is an error naming it.
func New(root string, want func(*translator.Finding) bool) (*Stage, error) {
	s := &Stage{want: want}
	for _, loc := range Locations {
		p := filepath.Join(root, filepath.FromSlash(loc))
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read codeowners: %w", err)
		}
		if len(data) > maxFile {
			return nil, fmt.Errorf("read codeowners: %s is over 3 MB, which GitHub ignores too", p)
		}
		rules, err := codeowners.ParseFile(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("parse codeowners %s: %w", p, err)
		}
		s.rules, s.File = rules, p
		break
	}
	return s, nil
}

// Name implements translator.Stage.
func (s *Stage) Name() string { return "owners" }

// Owners returns the owners of a repository-relative path, joined by
// ", ", or "" when no rule matches or the matching rule has no owners.
func (s *Stage) Owners(path string) (string, error) {
	if s.rules == nil || path == "" {
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

// Map implements translator.Mapper: when the finding's entry asks for it
// and CODEOWNERS names owners for its path, they replace Runbook.Owner; the
// entry's own owner stays when CODEOWNERS names none.
func (s *Stage) Map(_ context.Context, f *translator.Finding) error {
	if f.Runbook == nil || s.rules == nil || s.want == nil || !s.want(f) {
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

// Process implements translator.Stage.
func (s *Stage) Process(ctx context.Context, fs translator.Findings) (translator.Findings, error) {
	for _, f := range fs {
		if err := s.Map(ctx, f); err != nil {
			return fs, err
		}
	}
	return fs, nil
}
