package main

import (
	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/fix"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// fixStage computes each finding's suggested fixes from the fix: block of
// its runbook entry, reading the files under root. It runs after the
// runbook stage, which names the entry.
func fixStage(root string, cat *runbooks.Catalog) (*fix.Stage, error) {
	st, err := fix.New(fix.Options{Root: root, Entry: func(f *translator.Finding) *runbooks.Entry {
		return cat.Entry(f.Runbook.ID)
	}})
	if err != nil {
		return nil, usageError("fix: %v", err)
	}
	return st, nil
}
