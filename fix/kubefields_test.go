package fix

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var updateFields = flag.Bool("update-fields", false, "rewrite fix/kubefields.txt from testdata/inputs/kubeconform-schemas")

const kubeSchemaDir = "../testdata/inputs/kubeconform-schemas/v1.27.0-strict"

// schemaNode is the part of a JSON schema the table is made from.
type schemaNode struct {
	Properties           map[string]*schemaNode `json:"properties"`
	Items                *schemaNode            `json:"items"`
	AdditionalProperties json.RawMessage        `json:"additionalProperties"`
	OneOf                []*schemaNode          `json:"oneOf"`
	AnyOf                []*schemaNode          `json:"anyOf"`
	AllOf                []*schemaNode          `json:"allOf"`
	GVK                  []struct {
		Group, Version, Kind string
	} `json:"x-kubernetes-group-version-kind"`
}

// generateKubeFields builds kubefields.txt from the strict schemas:
// identical subtrees are written once (the pod spec of a Deployment and
// of a CronJob is one node).
func generateKubeFields(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(kubeSchemaDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no schemas in %s: %v", kubeSchemaDir, err)
	}
	sort.Strings(files)
	var lines []string
	ids := map[string]int{}
	var node func(n *schemaNode, depth int) (string, int)
	// node returns the wrappers and id of the object under n, or id -1.
	node = func(n *schemaNode, depth int) (string, int) {
		if n == nil || depth > 64 {
			return "", -1
		}
		props := map[string]*schemaNode{}
		for _, alt := range [][]*schemaNode{{n}, n.OneOf, n.AnyOf, n.AllOf} {
			for _, a := range alt {
				if a != nil {
					for k, v := range a.Properties {
						props[k] = v
					}
				}
			}
		}
		if len(props) == 0 {
			if n.Items != nil {
				w, id := node(n.Items, depth+1)
				return "*" + w, id
			}
			if len(n.AdditionalProperties) > 0 && n.AdditionalProperties[0] == '{' {
				var ap schemaNode
				if err := json.Unmarshal(n.AdditionalProperties, &ap); err == nil {
					w, id := node(&ap, depth+1)
					return "~" + w, id
				}
			}
			return "", -1
		}
		names := make([]string, 0, len(props))
		for k := range props {
			names = append(names, k)
		}
		sort.Strings(names)
		var b strings.Builder
		for _, k := range names {
			b.WriteString(" " + k)
			if w, id := node(props[k], depth+1); id >= 0 {
				fmt.Fprintf(&b, "=%s%d", w, id)
			}
		}
		body := b.String()
		if id, ok := ids[body]; ok {
			return "", id
		}
		id := len(lines)
		ids[body] = id
		lines = append(lines, fmt.Sprintf("%d%s", id, body))
		return "", id
	}
	var roots []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var s schemaNode
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(s.GVK) != 1 {
			t.Fatalf("%s: %d group-version-kinds", f, len(s.GVK))
		}
		g := s.GVK[0]
		av := g.Version
		if g.Group != "" {
			av = g.Group + "/" + g.Version
		}
		w, id := node(&s, 0)
		if w != "" || id < 0 {
			t.Fatalf("%s: the root is not an object", f)
		}
		roots = append(roots, fmt.Sprintf("root %s %s %d", av, g.Kind, id))
	}
	head := "# Kubernetes field names by position, generated from the v1.27.0 strict JSON schemas in\n" +
		"# testdata/inputs/kubeconform-schemas by `go test ./fix -run TestKubeFieldsTable -update-fields`.\n" +
		"# Do not edit; see kubefields.go for the format.\n"
	return head + strings.Join(roots, "\n") + "\n" + strings.Join(lines, "\n") + "\n"
}

// TestKubeFieldsTable checks that the embedded table is the one the
// schemas give, that it parses whole, and that it answers for the
// positions the corpus's kubeconform findings are at.
func TestKubeFieldsTable(t *testing.T) {
	want := generateKubeFields(t)
	if *updateFields {
		if err := os.WriteFile("kubefields.txt", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if kubeFieldsText != want {
		t.Fatal("fix/kubefields.txt is not what the schemas give: run go test ./fix -run TestKubeFieldsTable -update-fields")
	}
	tb := parseKubeFields(kubeFieldsText)
	nodes := 0
	for _, ln := range strings.Split(kubeFieldsText, "\n") {
		if ln != "" && ln[0] >= '0' && ln[0] <= '9' {
			nodes++
		}
	}
	if len(tb.nodes) != nodes || len(tb.roots) != 16 {
		t.Fatalf("parsed %d of %d nodes and %d roots, want all and 16", len(tb.nodes), nodes, len(tb.roots))
	}
	for _, c := range []struct {
		av, kind, ptr string
		has, lacks    string
		ok            bool
	}{
		{"batch/v1", "CronJob", "/metadata", "labels", "lables", true},
		{"apps/v1", "Deployment", "/spec/template/spec/containers/0", "readinessProbe", "readinessprobe", true},
		{"batch/v1", "CronJob", "/spec/jobTemplate/spec/template/spec/containers/3/securityContext", "runAsNonRoot", "image", true},
		{"apps/v1", "Deployment", "/spec/template/spec/containers/x", "", "", false}, // a list is indexed by number
		{"apps/v1", "Deployment", "/metadata/labels", "", "", false},                 // labels take any key
		{"v1", "Service", "/spec/ports/0", "targetPort", "containerPort", true},      // the Service's own ports
		{"example.com/v1", "Widget", "/spec", "", "", false},                         // a kind the table does not hold
		{"apps/v1", "Deployment", "/spec/template/spec/volumes/0/configMap/items/1", "path", "name", true},
	} {
		toks, _ := pointerTokens(c.ptr)
		names, ok := tb.fieldsAt(c.av, c.kind, toks)
		if ok != c.ok {
			t.Errorf("%s %s %s: known %v, want %v", c.av, c.kind, c.ptr, ok, c.ok)
			continue
		}
		if !ok {
			continue
		}
		if !contains(names, c.has) || contains(names, c.lacks) {
			t.Errorf("%s %s %s: %v, want %s and not %s", c.av, c.kind, c.ptr, names, c.has, c.lacks)
		}
	}
}
