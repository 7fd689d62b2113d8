package runbooks

import (
	"bytes"
	"encoding/gob"
	"reflect"
	"testing"
)

// A structured fix value goes through the snapshot's gob as the YAML
// loader gave it (whole numbers as int), and always as the same bytes.
func TestFixEditGobRoundTrip(t *testing.T) {
	in := FixEdit{Set: "spec.topologySpreadConstraints", Value: []any{map[string]any{
		"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "labelSelector": map[string]any{"matchLabels": "$selector_labels"},
	}}}
	doc := FixEdit{Document: map[string]any{"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "spec": map[string]any{"maxUnavailable": 1, "x": 1.5}}}
	scalar := FixEdit{Fill: "a.b", From: "a.c"}
	for _, e := range []FixEdit{in, doc, scalar, {Set: "a", Value: 10001}} {
		var first []byte
		for i := 0; i < 5; i++ {
			var buf bytes.Buffer
			if err := gob.NewEncoder(&buf).Encode(e); err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = buf.Bytes()
			} else if !bytes.Equal(first, buf.Bytes()) {
				t.Fatalf("%+v: gob bytes differ between runs", e)
			}
			var out FixEdit
			if err := gob.NewDecoder(&buf).Decode(&out); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(out, e) {
				t.Fatalf("round trip:\n got %#v\nwant %#v", out, e)
			}
		}
	}
}
