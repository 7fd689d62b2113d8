package main

import (
	"errors"

	"github.com/runbook-translator/runbook-translator/runbooks"
)

// loadCatalog merges the built-in catalog (unless noBuiltin) with the
// catalog layers in order (organisation, then repository): a later layer
// overrides or disables an earlier one's entries by id.
//
// Each layer is read through tr: one inside the checkout through its
// bounded, root-confined reader (the pull request wrote it). The folder
// .runbook-translator/runbooks of the repository is the last layer when it
// exists (from --trusted-ref when given), named in the config or not.
func loadCatalog(paths []string, noBuiltin bool, tr *trust) (*runbooks.Catalog, error) {
	var layers []*runbooks.Layer
	var errs []error
	if !noBuiltin {
		b, err := runbooks.Builtin()
		if err != nil {
			return nil, err
		}
		layers = append(layers, b)
	}
	// .runbook-translator/runbooks loads by convention, as the last layer.
	for _, p := range tr.withConventional(paths) {
		l, err := tr.loadLayer(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		layers = append(layers, l)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return runbooks.Merge(layers...), nil
}
