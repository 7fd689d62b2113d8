package fix

import (
	"errors"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// ComputeWith is Compute with the catalogs' fix values (runbooks.Values):
// an edit's catalog_value: takes its value from them. When one the fix
// needs is not set, the error names every such value (ValuesUnset reads
// them), so that the FixNote says what the organisation catalog should
// set.
func ComputeWith(src []byte, f *translator.Finding, fx runbooks.Fix, source string, vals runbooks.Values) (translator.Fix, error) {
	fx, err := withValues(fx, vals, isTerraform(f.Path))
	if err != nil {
		return translator.Fix{Description: fx.Description, Source: source}, err
	}
	return compute(src, f, fx, source)
}

// withValues returns fx with the catalog value of each edit in its Value.
// An edit with from: keeps its catalog_value name beside the value (or a
// nil Value when no catalog sets it): editSteps writes it only where the
// object has no field to copy. A catalog value is a literal checked by
// the loader (no string in it starts with "$"), so resolving it again as
// a fix value leaves it as it is. In a Terraform file (terraform) a
// catalog value is written as an attribute's literal: a mapping or list
// does not fit, and the note names the value and where it is set.
func withValues(fx runbooks.Fix, vals runbooks.Values, terraform bool) (runbooks.Fix, error) {
	var edits []runbooks.FixEdit
	var unset []string
	for i, ed := range fx.Edits {
		if len(ed.CatalogValues) > 0 {
			doc, names, err := documentValues(ed.Document, ed.CatalogValues, vals)
			if err != nil {
				return fx, err
			}
			for _, n := range names {
				if !contains(unset, n) {
					unset = append(unset, n)
				}
			}
			if edits == nil {
				edits = append([]runbooks.FixEdit(nil), fx.Edits...)
			}
			edits[i].Document, edits[i].CatalogValues = doc, nil
			continue
		}
		if ed.CatalogValue == "" {
			continue
		}
		if edits == nil {
			edits = append([]runbooks.FixEdit(nil), fx.Edits...)
		}
		v, ok := vals.Get(ed.CatalogValue)
		if op, _ := ed.Op(); ok && (op == "add" || op == "replace") && isStructured(v) {
			// the loader checks a literal's kind against its edit; a
			// catalog value meets its edit only here
			key := messages.Key("fixnote.value_not_scalar_add")
			if op == "replace" {
				key = "fixnote.value_not_scalar_replace"
			}
			return fx, notHereP(key, ed.CatalogValue)
		}
		if ok && terraform && isStructured(v) {
			return fx, notHereP("fixnote.value_not_scalar_hcl", ed.CatalogValue, vals[ed.CatalogValue].Source)
		}
		switch {
		case ok:
			edits[i].Value = v
			if ed.From == "" {
				edits[i].CatalogValue = ""
			}
		case ed.From == "" && !contains(unset, ed.CatalogValue):
			unset = append(unset, ed.CatalogValue)
		}
	}
	if len(unset) > 0 {
		return fx, valuesUnset(unset)
	}
	if edits != nil {
		fx.Edits = edits
	}
	return fx, nil
}

// valuesUnset is the reason a fix does not apply: the catalogs set none
// of the values named.
func valuesUnset(names []string) error {
	p := messages.M("fixnote.value_unset", strings.Join(names, ", "))
	return &errNotHere{msg: p.In(messages.Default), p: p, values: names}
}

// ValuesUnset returns the names of the catalog values whose absence made
// err (an error of ComputeWith), or nil.
func ValuesUnset(err error) []string {
	var e *errNotHere
	if errors.As(err, &e) {
		return e.values
	}
	return nil
}
