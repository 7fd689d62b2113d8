package locate

import (
	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/internal/fieldpath"
)

// This file exports the field-path syntax, the pod-template resolution and
// the manifest reading of the locate stage for the fix stage (package fix),
// which edits the field a catalog entry names: one syntax for `locate:` and
// `fix:`, parsed in one place.

// FieldPath is a parsed field path (see CheckHint for the syntax).
type FieldPath struct{ p fieldPath }

// ParseFieldPath parses one field path (no "|" alternatives).
func ParseFieldPath(s string) (FieldPath, error) {
	p, err := parsePath(s)
	return FieldPath{p}, err
}

// Expand replaces $name selector values by extra[name]; it fails when a
// placeholder has no single value.
func (p FieldPath) Expand(extra map[string]string) (FieldPath, error) {
	q, err := p.p.expand(extra)
	return FieldPath{q}, err
}

// ForKind rewrites a pod path into the pod template of kind (see the
// package documentation): spec.containers[...] on a CronJob becomes
// spec.jobTemplate.spec.template.spec.containers[...].
func (p FieldPath) ForKind(kind string) FieldPath { return FieldPath{p.p.forKind(kind)} }

// ContainerVariants returns the path with its first containers[...]
// selector moved to initContainers and ephemeralContainers.
func (p FieldPath) ContainerVariants() []FieldPath {
	var out []FieldPath
	for _, q := range p.p.containerVariants() {
		out = append(out, FieldPath{q})
	}
	return out
}

// String renders the path in hint syntax.
func (p FieldPath) String() string { return p.p.String() }

// Steps returns the path as parsed steps.
func (p FieldPath) Steps() []fieldpath.Step {
	out := make([]fieldpath.Step, len(p.p))
	for i, seg := range p.p {
		out[i].Key = seg.key
		if s := seg.sel; s != nil {
			sel := &fieldpath.Selector{Index: s.index, Field: s.field, Value: s.value}
			switch s.kind {
			case selIndex:
				sel.Kind = fieldpath.Index
			case selMatch:
				sel.Kind = fieldpath.Match
			case selAny:
				sel.Kind = fieldpath.Any
			}
			out[i].Sel = sel
		}
	}
	return out
}

// Document is one document of a manifest file. Lines of its nodes count
// from the start of the file (multi-document files included); columns are
// those of the file.
type Document struct {
	Root                  *yaml.Node
	Kind, Name, Namespace string
	// Source is the "# Source:" path of a helm template stream, "" otherwise.
	Source string
}

// Documents parses the documents of a manifest file the way the locate
// stage does: each document on its own, so that one malformed document
// does not hide the others; those that do not parse are left out.
func Documents(data []byte) []Document {
	yf := parseYAMLFile("", data)
	out := make([]Document, len(yf.docs))
	for i, d := range yf.docs {
		out[i] = Document{Root: d.root, Kind: d.kind, Name: d.name, Namespace: d.namespace, Source: d.source}
	}
	return out
}

// FindDocument returns the one document of docs that the resource
// ("Kind/name", "Kind/namespace/name"; namespace is the fallback for the
// short form) names, as the locate stage picks it; false when none or
// several fit.
func FindDocument(docs []Document, resource, namespace string) (Document, bool) {
	kind, ns, name := splitResource(resource, namespace)
	if kind == "" {
		return Document{}, false
	}
	cs := make([]candDoc, len(docs))
	for i := range docs {
		d := docs[i]
		cs[i] = candDoc{doc: &yamlDoc{root: d.Root, kind: d.Kind, name: d.Name, namespace: d.Namespace, source: d.Source}}
	}
	c, ok := best(cs, kind, ns, name)
	if !ok {
		return Document{}, false
	}
	for _, d := range docs {
		if d.Root == c.doc.root {
			return d, true
		}
	}
	return Document{}, false
}

// TerraformResource splits a resource address (module.m.aws_s3_bucket.logs,
// aws_sqs_queue.dlq[0], data.t.n) into its mode ("resource" or "data"),
// type and name; false when it is not an address.
func TerraformResource(addr string) (mode, typ, name string, ok bool) {
	a, ok := parseAddress(addr)
	if !ok {
		return "", "", "", false
	}
	return a.mode, a.typ, a.name, true
}
