package runbooks

import "testing"

// catalog_map: a replace whose value is the entry of a values: table for
// the field's present value; the loader refuses it on any other edit, with
// a value beside it, and on every item of a list.
func TestLoadCatalogMap(t *testing.T) {
	l, err := loadString(t, `entries:
  - id: ok
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: Use the approved copy
        edits:
          - replace: spec.containers[name=$container].image
            catalog_map: image_mirrors
`)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Entries()[0].Fix[0].Edits[0].CatalogMap; got != "image_mirrors" {
		t.Errorf("catalog_map = %q", got)
	}
	_, err = loadString(t, `entries:
  - id: fx
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: d
        edits:
          - set: spec.containers[name=$container].image
            catalog_map: image_mirrors
          - replace: spec.containers[name=$container].image
            catalog_map: Image-Mirrors
          - replace: spec.containers[name=$container].image
            catalog_map: image_mirrors
            value: nginx:1.27.3
          - replace: spec.containers[name=$container].image
            catalog_map: image_mirrors
            if_value: nginx:latest
          - replace: spec.containers[*].image
            catalog_map: image_mirrors
          - delete: spec.containers[name=$container].image
            catalog_map: image_mirrors
`)
	if err == nil {
		t.Fatal("bad catalog_map edits loaded")
	}
	wantProblems(t, err, []string{
		`t.yaml:9: entry "fx": fix[0].edits[0]: set: catalog_map is for replace (the present value is looked up in the table), or fill with map_by`,
		`t.yaml:11: entry "fx": fix[0].edits[1]: replace: catalog_map "Image-Mirrors" is not a value name (lower case letters, digits and _, starting with a letter)`,
		`t.yaml:13: entry "fx": fix[0].edits[2]: replace: give catalog_map alone: the table gives the value`,
		`t.yaml:16: entry "fx": fix[0].edits[3]: replace: catalog_map and if_value: the table's keys are the values replaced`,
		`t.yaml:19: entry "fx": fix[0].edits[4]: replace: "spec.containers[*].image": catalog_map edits one field, or one per name of a $name selector, not every item ([*])`,
		`t.yaml:21: entry "fx": fix[0].edits[5]: delete: catalog_map is for replace (the present value is looked up in the table), or fill with map_by`,
	})
	_, err = loadString(t, `entries:
  - id: tf
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: d
        kinds: [aws_s3_bucket]
        edits:
          - replace: bucket
            catalog_map: bucket_names
`)
	wantProblems(t, err, []string{
		`t.yaml:10: entry "tf": fix[0].edits[0]: replace: catalog_map is for Kubernetes manifests, and the fix's kinds are Terraform resource types`,
	})
}

// map_by: a fill whose value is a table's entry for another field of the
// object (a probe for the container's image); the loader refuses it
// without catalog_map, on a replace, a fill of catalog_map without it,
// and a path that does not end in a key.
func TestLoadCatalogMapBy(t *testing.T) {
	l, err := loadString(t, `entries:
  - id: ok
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: The probe for the image
        edits:
          - fill: spec.containers[name=$container].livenessProbe
            catalog_map: liveness_probes
            map_by: spec.containers[name=$container].image
`)
	if err != nil {
		t.Fatal(err)
	}
	if ed := l.Entries()[0].Fix[0].Edits[0]; ed.MapBy != "spec.containers[name=$container].image" || ed.CatalogMap != "liveness_probes" {
		t.Errorf("edit %+v", ed)
	}
	_, err = loadString(t, `entries:
  - id: fx
    title: t
    match: [{codes: [F-1]}]
    body: b
    fix:
      - description: d
        edits:
          - fill: spec.containers[name=$container].livenessProbe
            map_by: spec.containers[name=$container].image
          - replace: spec.containers[name=$container].image
            catalog_map: image_mirrors
            map_by: spec.containers[name=$container].name
          - fill: spec.containers[name=$container].livenessProbe
            catalog_map: liveness_probes
          - fill: spec.containers[name=$container].livenessProbe
            catalog_map: liveness_probes
            map_by: spec.containers[name=$container]
`)
	wantProblems(t, err, []string{
		`t.yaml:9: entry "fx": fix[0].edits[0]: fill: map_by is for catalog_map (the field looked up in the table)`,
		`t.yaml:11: entry "fx": fix[0].edits[1]: replace: map_by is for fill (replace looks up the field's own value)`,
		`t.yaml:14: entry "fx": fix[0].edits[2]: fill: catalog_map needs map_by (the field whose value is looked up in the table)`,
		`t.yaml:16: entry "fx": fix[0].edits[3]: map_by: "spec.containers[name=$container]" must end in a key, not a list selector`,
	})
}
