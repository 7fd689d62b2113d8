package main

import (
	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// locateStage puts findings that came without a line on their line, reading
// the manifests, Helm templates and Terraform files under root. The
// runbook entry's `locate:` hint names the offending field.
func (o *ReviewOptions) locateStage(root string, cat *runbooks.Catalog, fs translator.Findings) (*locate.Stage, error) {
	opts := locate.Options{
		Root: root,
		Hint: func(f *translator.Finding) string {
			if e, _ := cat.Match(f); e != nil {
				return e.Locate
			}
			return ""
		},
	}
	// Gator and Polaris name the object but not the file: search the YAML
	// files under the root, only when such findings exist.
	for _, f := range fs {
		if f.Path == "" && f.Resource != "" {
			c, err := locate.Candidates(root, 0)
			if err == nil {
				opts.Candidates = c
			}
			break
		}
	}
	st, err := locate.New(opts)
	if err != nil {
		return nil, usageError("locate: %v", err)
	}
	return st, nil
}
