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
		if ed.CatalogMap != "" {
			v, ok := vals.Get(ed.CatalogMap)
			if !ok {
				if !contains(unset, ed.CatalogMap) {
					unset = append(unset, ed.CatalogMap)
				}
				continue
			}
			var table any
			if ed.MapBy != "" {
				table, ok = anyTable(v) // a probe for each image: mappings
			} else {
				table, ok = stringTable(v)
			}
			if !ok {
				return fx, notHereP("fixnote.map_not_table", ed.CatalogMap, vals[ed.CatalogMap].Source)
			}
			if edits == nil {
				edits = append([]runbooks.FixEdit(nil), fx.Edits...)
			}
			edits[i].Value = table // the name stays: editSteps looks up in it
			continue
		}
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

// stringTable returns a catalog value that is a table for catalog_map:, a
// mapping whose values are strings, as map[string]string.
func stringTable(v any) (map[string]string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil, false
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		s, ok := x.(string)
		if !ok || s == "" {
			return nil, false
		}
		out[k] = s
	}
	return out, true
}

// anyTable is v as a table whose values may be mappings (catalog_map:
// with map_by:), or false when v is no non-empty mapping.
func anyTable(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil, false
	}
	for _, x := range m {
		if x == nil {
			return nil, false
		}
	}
	return m, true
}

// imageRepo is a full reference (normalImage) without its tag and digest.
func imageRepo(full string) string {
	name, _, _ := strings.Cut(full, "@")
	if i := strings.LastIndexByte(name, ':'); i > strings.LastIndexByte(name, '/') {
		name = name[:i]
	}
	return name
}

// lookupTable is the table's entry for the present value of the field
// named key: the entry written as the value is, or, for an image (key
// "image"), the one that names the same image as Docker reads a
// reference (nginx, nginx:latest and docker.io/library/nginx:latest are
// one image: the registry docker.io, library/ for one-part names on it,
// the tag latest when none is given). With anyTag (catalog_map: with
// map_by:, a liveness probe for postgres whichever version), a key
// without a tag or digest stands for every tag of its image, after the
// keys that name the tag. Two spellings of one image: ambiguous, none.
func lookupTable[V any](table map[string]V, key, present string, anyTag bool) (V, bool) {
	var none V
	if v, ok := table[present]; ok {
		return v, true
	}
	if key != "image" {
		return none, false
	}
	want, ok := normalImage(present)
	if !ok {
		return none, false
	}
	repo := imageRepo(want)
	var tagged, untagged []V
	for k, x := range table {
		n, ok := normalImage(k)
		switch {
		case !ok:
		case n == want:
			tagged = append(tagged, x)
		case anyTag && !strings.ContainsAny(k[strings.LastIndexByte(k, '/')+1:], ":@") && imageRepo(n) == repo:
			untagged = append(untagged, x)
		}
	}
	switch {
	case len(tagged) == 1:
		return tagged[0], true
	case len(tagged) == 0 && len(untagged) == 1:
		return untagged[0], true
	}
	return none, false
}

// normalImage is an image reference in Docker's full form
// (docker.io/library/nginx:latest), or false when ref is not one.
func normalImage(ref string) (string, bool) {
	if ref == "" || strings.ContainsAny(ref, " \t\n\"'{}$") {
		return "", false
	}
	name, digest, hasDigest := strings.Cut(ref, "@")
	tag := ""
	if i := strings.LastIndexByte(name, ':'); i > strings.LastIndexByte(name, '/') {
		name, tag = name[:i], name[i+1:]
		if tag == "" {
			return "", false
		}
	}
	if name == "" || (hasDigest && digest == "") {
		return "", false
	}
	host, rest, ok := strings.Cut(name, "/")
	if !ok || !(strings.ContainsAny(host, ".:") || host == "localhost") {
		host, rest = "docker.io", name
	}
	if host == "index.docker.io" {
		host = "docker.io"
	}
	if host == "docker.io" && !strings.Contains(rest, "/") {
		rest = "library/" + rest
	}
	if tag == "" && !hasDigest {
		tag = "latest"
	}
	out := host + "/" + rest
	if tag != "" {
		out += ":" + tag
	}
	if hasDigest {
		out += "@" + digest
	}
	return out, true
}
