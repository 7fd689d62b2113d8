package main

import (
	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// locateStage puts findings that came without a line on their line, reading
// the manifests, Helm templates and Terraform files under root. The
// runbook entry's `locate:` hint names the offending field. Gator and
// Polaris name the object but not the file: with searchFiles, the YAML
// files under the root are the candidates.
func (o *ReviewOptions) locateStage(root string, cat *runbooks.Catalog, searchFiles bool) (*locate.Stage, error) {
	opts := locate.Options{
		Root: root,
		Hint: func(f *translator.Finding) string {
			if e, _ := cat.Match(f); e != nil {
				return e.Locate
			}
			return ""
		},
	}
	if searchFiles {
		// walked when a finding first needs the files, not at start
		opts.FindCandidates = func() []string {
			c, err := locate.Candidates(root, 0)
			if err != nil {
				return nil
			}
			return c
		}
	}
	st, err := locate.New(opts)
	if err != nil {
		return nil, usageError("locate: %v", err)
	}
	return st, nil
}

// hasPathless reports whether a finding names an object but no file.
func hasPathless(fs translator.Findings) bool {
	for _, f := range fs {
		if f.Path == "" && f.Resource != "" {
			return true
		}
	}
	return false
}

// locateNotes says how many line-less findings stayed without a line.
func locateNotes(lang string, loc *locate.Stage, root string) []string {
	st := loc.Stats()
	if st.Considered <= st.Located {
		return nil
	}
	return []string{messages.T(lang, "note.not_located", st.Considered-st.Located, st.Considered, root)}
}
