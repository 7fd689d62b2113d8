package runbooks

import (
	"reflect"
	"testing"
)

// A document takes catalog values at field paths of its own
// (catalog_values:): they load, and CatalogNames lists them in the order
// of their paths.
func TestLoadDocumentCatalogValues(t *testing.T) {
	l, err := loadString(t, `entries:
  - id: np
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: d
        edits:
          - document:
              apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata: {name: $object_name}
              spec:
                podSelector: {matchLabels: $pod_labels}
                policyTypes: [Ingress, Egress]
            catalog_values:
              spec.ingress: np_ingress
              spec.egress: np_egress
              spec.rules.extra: np_extra
`)
	if err != nil {
		t.Fatal(err)
	}
	ed := l.Entries()[0].Fix[0].Edits[0]
	if got, want := ed.CatalogNames(), []string{"np_egress", "np_ingress", "np_extra"}; !reflect.DeepEqual(got, want) {
		t.Errorf("CatalogNames = %v, want %v", got, want)
	}
	if got := (FixEdit{Set: "spec.x", CatalogValue: "x"}).CatalogNames(); !reflect.DeepEqual(got, []string{"x"}) {
		t.Errorf("CatalogNames of catalog_value = %v", got)
	}
}

// catalog_values is checked strictly, each problem at its edit's line:
// only with document; field paths of plain keys outside apiVersion, kind
// and metadata; not a field the document writes, nor under one it writes
// as a scalar or list; no path inside another; value names; at most 8.
func TestLoadRejectsBadDocumentCatalogValues(t *testing.T) {
	_, err := loadString(t, `entries:
  - id: np
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: d
        edits:
          - set: spec.replicas
            value: 2
            catalog_values: {spec.x: v}
          - document: {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: $object_name}, spec: {podSelector: {matchLabels: $pod_labels}, policyTypes: [Ingress, Egress]}}
            catalog_values: {spec.policyTypes: v}
          - document: {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: $object_name}, spec: {podSelector: {matchLabels: $pod_labels}, policyTypes: [Ingress, Egress]}}
            catalog_values: {spec.podSelector.matchLabels.app: v}
          - document: {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: $object_name}, spec: {podSelector: {matchLabels: $pod_labels}, policyTypes: [Ingress, Egress]}}
            catalog_values: {spec.policyTypes.x: v}
          - document: {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: $object_name}, spec: {podSelector: {matchLabels: $pod_labels}, policyTypes: [Ingress, Egress]}}
            catalog_values: {metadata.labels: v}
          - document: {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: $object_name}, spec: {podSelector: {matchLabels: $pod_labels}, policyTypes: [Ingress, Egress]}}
            catalog_values: {"spec.containers[name=web].x": v}
          - document: {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: $object_name}, spec: {podSelector: {matchLabels: $pod_labels}, policyTypes: [Ingress, Egress]}}
            catalog_values: {spec.$name: v}
          - document: {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: $object_name}, spec: {podSelector: {matchLabels: $pod_labels}, policyTypes: [Ingress, Egress]}}
            catalog_values: {spec.ingress: Bad-Name}
          - document: {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: $object_name}, spec: {podSelector: {matchLabels: $pod_labels}, policyTypes: [Ingress, Egress]}}
            catalog_values: {spec.rules: a, spec.rules.ingress: b}
          - document: {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: $object_name}, spec: {podSelector: {matchLabels: $pod_labels}, policyTypes: [Ingress, Egress]}}
            catalog_values: {spec.a: a, spec.b: a, spec.c: a, spec.d: a, spec.e: a, spec.f: a, spec.g: a, spec.h: a, spec.i: a}
          - document: {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: $object_name}, spec: {podSelector: {matchLabels: $pod_labels}, policyTypes: [Ingress, Egress]}}
            catalog_value: v
`)
	if err == nil {
		t.Fatal("loaded")
	}
	wantProblems(t, err, []string{
		`t.yaml:9: entry "np": fix[0].edits[0]: set: catalog_values is for document (fields of the new object); give catalog_value`,
		`t.yaml:12: entry "np": fix[0].edits[1]: document: catalog_values: the document writes spec.policyTypes itself; a field comes from the document or from the catalog, not both`,
		`t.yaml:14: entry "np": fix[0].edits[2]: document: catalog_values: "spec.podSelector.matchLabels.app": the document writes spec.podSelector.matchLabels as a scalar, not a mapping`,
		`t.yaml:16: entry "np": fix[0].edits[3]: document: catalog_values: "spec.policyTypes.x": the document writes spec.policyTypes as a list, not a mapping`,
		`t.yaml:18: entry "np": fix[0].edits[4]: document: catalog_values: "metadata.labels": the document's apiVersion, kind and metadata are the fix's`,
		`t.yaml:20: entry "np": fix[0].edits[5]: document: catalog_values: "spec.containers[name=web].x" must be plain keys (spec.ingress): no list selector or $name`,
		`t.yaml:22: entry "np": fix[0].edits[6]: document: catalog_values: "spec.$name" must be plain keys`,
		`t.yaml:24: entry "np": fix[0].edits[7]: document: catalog_values: spec.ingress: "Bad-Name" is not a value name`,
		`t.yaml:26: entry "np": fix[0].edits[8]: document: catalog_values: spec.rules and spec.rules.ingress overlap; a field comes from one value`,
		`t.yaml:28: entry "np": fix[0].edits[9]: document: catalog_values: 9 fields, at most 8`,
		`t.yaml:30: entry "np": fix[0].edits[10]: document takes no value, from or catalog_value: the document is the value (catalog_values: names its fields that take catalog values)`,
	})
}

// An empty mapping is a label selector's only ({} selects every pod or
// namespace: a NetworkPolicy peer of the policy's own namespace), in a
// fix value and in a catalog value; anywhere else it is refused.
func TestEmptyMappingOnlyForSelectors(t *testing.T) {
	l, err := loadString(t, `values:
  np_ingress:
    - from:
        - podSelector: {}
        - namespaceSelector: {}
entries:
  - id: np
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: d
        edits:
          - set: spec.ingress
            value:
              - from:
                  - podSelector: {}
`)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := l.Values().Get("np_ingress"); !ok {
		t.Error("np_ingress not loaded")
	}
	_, err = loadString(t, `values:
  probe:
    httpGet: {}
entries:
  - id: np
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: d
        edits:
          - set: spec.template
            value: {metadata: {}}
`)
	if err == nil {
		t.Fatal("empty mappings that are no selectors loaded")
	}
	wantProblems(t, err, []string{
		`t.yaml:2: values: probe: value has an empty mapping at line 3`,
		`t.yaml:12: entry "np": fix[0].edits[0]: set: value has an empty mapping at line 13`,
	})
}
