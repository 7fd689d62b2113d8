package main

import (
	"context"
	"io/fs"
	"path/filepath"
)

// ConventionalCatalog is the repository's own catalog folder, loaded as the
// last layer when it exists, without any configuration (the fallback
// runbook tells authors to put entries there).
const ConventionalCatalog = ".runbook-translator/runbooks"

// conventionalCatalog returns the path of the conventional catalog folder
// when there is one: from --trusted-ref when given (the pull request's own
// copy is then not read), else in the checkout (an untrusted layer, read
// through the root like any in-repository catalog).
// It is looked up once per run (with --trusted-ref that is a git read):
// the catalog loader and the mentions check both ask.
func (t *trust) conventionalCatalog(ctx context.Context) (string, bool) {
	if t == nil || t.root == nil {
		return "", false
	}
	t.convOnce.Do(func() {
		if t.ref != "" {
			p, ok, err := t.fromRef(ctx, ConventionalCatalog)
			t.conv, t.convOK = p, ok && err == nil
			return
		}
		if st, err := fs.Stat(t.root.FS(), ConventionalCatalog); err == nil && st.IsDir() {
			t.conv, t.convOK = filepath.Join(t.root.Dir(), filepath.FromSlash(ConventionalCatalog)), true
		}
	})
	return t.conv, t.convOK
}

// withConventional appends the conventional catalog folder to paths unless
// a path already names it.
func (t *trust) withConventional(paths []string) []string {
	p, ok := t.conventionalCatalog(context.Background())
	if !ok {
		return paths
	}
	abs, _ := filepath.Abs(p)
	for _, q := range paths {
		if qa, err := filepath.Abs(q); err == nil && qa == abs {
			return paths
		}
		if t.root != nil && !filepath.IsAbs(q) {
			if qa := filepath.Join(t.root.Dir(), q); qa == abs {
				return paths
			}
		}
	}
	return append(append([]string(nil), paths...), p)
}
