package fix

import (
	"reflect"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// tcpReadiness is the built-in TCP readiness alternative's edits, with
// the organisation's timings given as a value.
var tcpReadiness = runbooks.Fix{Description: "tcp", Edits: []runbooks.FixEdit{
	{Fill: "spec.containers[name=$container].readinessProbe", Value: map[string]any{"periodSeconds": 10}},
	{Fill: "spec.containers[name=$container].readinessProbe.tcpSocket.port", Value: "$container_port"},
}}

func podWith(ports string) string {
	return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n    - name: db\n      image: postgres:16\n" + ports
}

// $container_port is the container's one TCP port: its name, or its
// number (written as a number: a string would be a port name); a
// container with no TCP port, or several, gets no fix and the note says
// which; UDP ports do not count.
func TestContainerPort(t *testing.T) {
	for _, c := range []struct {
		name, ports, want, note string
	}{
		{"named", "      ports:\n        - name: pg\n          containerPort: 5432\n", "        tcpSocket:\n          port: pg\n", ""},
		{"unnamed", "      ports:\n        - containerPort: 5432\n", "        tcpSocket:\n          port: 5432\n", ""},
		{"udp beside", "      ports:\n        - name: pg\n          containerPort: 5432\n        - name: stats\n          containerPort: 8125\n          protocol: UDP\n", "          port: pg\n", ""},
		{"none", "", "", "container db declares no TCP port"},
		{"only udp", "      ports:\n        - name: dns\n          containerPort: 53\n          protocol: UDP\n", "", "container db declares no TCP port"},
		{"several", "      ports:\n        - name: pg\n          containerPort: 5432\n        - name: metrics\n          containerPort: 9187\n", "", "container db declares 2 TCP ports"},
	} {
		src := podWith(c.ports)
		f := &translator.Finding{Tool: "polaris", Resource: "Pod/db", Extra: map[string]string{"container": "db"}}
		f.Path = "db.yaml"
		got, err := Compute([]byte(src), f, tcpReadiness, "runbook:t")
		if c.note != "" {
			if err == nil || !NotHere(err) || !strings.Contains(err.Error(), c.note) {
				t.Errorf("%s: err %v, want %q", c.name, err, c.note)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		out := mustApply(t, src, got.Edits)
		if !strings.Contains(out, "      readinessProbe:\n        periodSeconds: 10\n") || !strings.Contains(out, c.want) {
			t.Errorf("%s: got\n%s", c.name, out)
		}
	}
}

// A probe the fix leaves with two handlers (an organisation's probe that
// writes an httpGet, and the port the fix adds) is refused.
func TestProbeWithTwoHandlersRefused(t *testing.T) {
	fx := tcpReadiness
	fx.Edits = append([]runbooks.FixEdit(nil), fx.Edits...)
	fx.Edits[0].Value = map[string]any{"httpGet": map[string]any{"path": "/", "port": 8080}}
	f := &translator.Finding{Tool: "polaris", Resource: "Pod/db", Extra: map[string]string{"container": "db"}}
	f.Path = "db.yaml"
	_, err := Compute([]byte(podWith("      ports:\n        - name: pg\n          containerPort: 5432\n")), f, fx, "runbook:t")
	if err == nil || !strings.Contains(err.Error(), "would have more than one of httpGet, tcpSocket, exec and grpc") {
		t.Errorf("err %v", err)
	}
}

// An alternative with message: is for findings whose message matches it:
// Conftest's K8S-021 "has no readinessProbe" gets the TCP readiness
// probe, its "has no livenessProbe" does not (skipped, not a reason).
func TestFixForMessage(t *testing.T) {
	fx := tcpReadiness
	fx.Message = "has no readinessProbe"
	r := &translator.Finding{Tool: "conftest", Message: `K8S-021: Pod/db: container "db" has no readinessProbe`}
	l := &translator.Finding{Tool: "conftest", Message: `K8S-021: Pod/db: container "db" has no livenessProbe`}
	if !ForFinding(fx, r) || ForFinding(fx, l) {
		t.Errorf("readiness %v, liveness %v", ForFinding(fx, r), ForFinding(fx, l))
	}
	fx.Tools = []string{"polaris"}
	if ForFinding(fx, r) {
		t.Error("tools: is still checked")
	}
	l.Resource, l.Path, l.Extra = "Pod/db", "db.yaml", map[string]string{"container": "db"}
	_, err := Compute([]byte(podWith("      ports:\n        - containerPort: 5432\n")), l, runbooks.Fix{Description: "t", Message: "has no readinessProbe", Edits: tcpReadiness.Edits}, "runbook:t")
	if err == nil || !strings.Contains(err.Error(), `the fix is for findings whose message matches "has no readinessProbe"`) {
		t.Errorf("err %v", err)
	}
}

const identicalProbes = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          ports:
            - name: http
              containerPort: 8080
          livenessProbe:
            # the same check as readiness
            httpGet:
              path: /
              port: http
          readinessProbe:
            httpGet:
              path: /
              port: http
`

// set: of a mapping on a key whose value is a block mapping replaces the
// value's lines, keeping the key's line; a result whose readiness and
// liveness probes are the same check (kube-score's definition: the same
// path, and any two named ports) is refused.
func TestSetReplacesBlockMapping(t *testing.T) {
	fx := runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{{Set: "spec.containers[name=$container].livenessProbe", Value: map[string]any{"httpGet": map[string]any{"path": "/healthz", "port": "http"}}}}}
	f := &translator.Finding{Tool: "kube-score", Resource: "Deployment/api", Extra: map[string]string{"container": "api"}}
	f.Path = "api.yaml"
	out := fixedWith(t, identicalProbes, f, fx, nil)
	want := strings.Replace(identicalProbes, "          livenessProbe:\n            # the same check as readiness\n            httpGet:\n              path: /\n", "          livenessProbe:\n            httpGet:\n              path: /healthz\n", 1)
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	for name, v := range map[string]any{
		"same path, another name": map[string]any{"httpGet": map[string]any{"path": "/", "port": "web"}},
		"same tcp port":           map[string]any{"tcpSocket": map[string]any{"port": "http"}},
	} {
		src := identicalProbes
		if name == "same tcp port" {
			src = strings.Replace(src, "          readinessProbe:\n            httpGet:\n              path: /\n              port: http\n", "          readinessProbe:\n            tcpSocket:\n              port: http\n", 1)
		}
		fx.Edits[0].Value = v
		if _, err := Compute([]byte(src), f, fx, "runbook:t"); err == nil || !strings.Contains(err.Error(), "would be the same check") {
			t.Errorf("%s: err %v", name, err)
		}
	}
	// a value on the key's line is not replaced
	flow := strings.Replace(identicalProbes, "          livenessProbe:\n            # the same check as readiness\n            httpGet:\n              path: /\n              port: http\n", "          livenessProbe: {httpGet: {path: /, port: http}}\n", 1)
	fx.Edits[0].Value = map[string]any{"httpGet": map[string]any{"path": "/healthz", "port": "http"}}
	if _, err := Compute([]byte(flow), f, fx, "runbook:t"); err == nil || !strings.Contains(err.Error(), "already holds a value") {
		t.Errorf("flow: err %v", err)
	}
}

// The probes-identical fix in the chart's deployment, whose one container
// is named by an action ({{ .Chart.Name }}): the container holding the
// finding's line is unambiguous, and the liveness probe is replaced on its
// literal lines.
func TestTemplateOneContainerNamedByAction(t *testing.T) {
	fx := runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{{Set: "spec.containers[name=$container].livenessProbe", Value: map[string]any{"httpGet": map[string]any{"path": "/healthz", "port": "http"}}}}}
	src, out, err := templateFix(t, "deployment.yaml", "", 39, "Deployment/shop-recommendations", nil, fx)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(src, "          livenessProbe:\n            httpGet:\n              path: /\n", "          livenessProbe:\n            httpGet:\n              path: /healthz\n", 1)
	if out != want || out == src {
		t.Errorf("got\n%s", out)
	}
}

// A new metadata key goes above the mapping's spec (and the comments
// right above it), where objects and pod templates have it; other new
// keys go at the end.
func TestMetadataBeforeSpec(t *testing.T) {
	src := "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    # the pod\n    spec:\n      containers:\n        - name: c\n          image: c\n"
	fx := runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{{Fill: `spec.template.metadata.labels."app.kubernetes.io/name"`, Value: "$object_name"}}}
	f := &translator.Finding{Tool: "polaris", Resource: "Job/j"}
	f.Path = "j.yaml"
	out := fixedWith(t, src, f, fx, nil)
	want := strings.Replace(src, "  template:\n    # the pod\n", "  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: j\n    # the pod\n", 1)
	if out != want {
		t.Errorf("got\n%s", out)
	}
}

// "{{ toYaml .Values.x | indent N }}" at column 0 is masked at column N,
// among the keys it writes: a fix does not add keys beside it.
func TestIndentActionMaskedAtItsColumn(t *testing.T) {
	m := helmMask("spec:\n  resources:\n{{ toYaml .Values.resources | indent 4 }}\n  image: x\n")
	if !strings.Contains(m.masked, "\n    "+helmMarker) {
		t.Errorf("masked:\n%s", m.masked)
	}
	for ln, want := range map[string]int{
		"{{ toYaml .Values.resources | indent 12 }}": 12,
		"{{- toYaml .Values.r | indent 4 -}}":        4,
		"  {{ toYaml .Values.r | indent 4 }}":        0,
		"{{ toYaml .Values.r | nindent 4 }}":         0,
		"{{ .Values.a }} {{ .Values.b | indent 2 }}": 0,
	} {
		if got := indentAction(ln); got != want {
			t.Errorf("%q: %d, want %d", ln, got, want)
		}
	}
}

// lookupTable with anyTag: an image is matched as Docker reads a reference; a key
// without a tag stands for every tag, after the keys with the tag; two
// keys for one image are no entry.
func TestLookupBy(t *testing.T) {
	pg := map[string]any{"exec": "pg"}
	tagged := map[string]any{"exec": "16"}
	for _, c := range []struct {
		name    string
		table   map[string]any
		present string
		want    any
	}{
		{"repository for any tag", map[string]any{"postgres": pg}, "docker.io/library/postgres:16.2", pg},
		{"full name for any tag", map[string]any{"docker.io/library/postgres": pg}, "postgres:16.2", pg},
		{"the tag first", map[string]any{"postgres": pg, "postgres:16.2": tagged}, "postgres:16.2", tagged},
		{"another tag", map[string]any{"postgres:15": tagged}, "postgres:16.2", nil},
		{"another image", map[string]any{"postgres": pg}, "redis:7", nil},
		{"two spellings", map[string]any{"postgres": pg, "docker.io/library/postgres": tagged}, "postgres:16.2", nil},
		{"a mirror", map[string]any{"registry.example.internal/mirror/postgres": pg}, "registry.example.internal/mirror/postgres:16.2.0", pg},
	} {
		got, ok := lookupTable(c.table, "image", c.present, true)
		if (c.want == nil) == ok || c.want != nil && !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v %v, want %v", c.name, got, ok, c.want)
		}
	}
	if _, ok := lookupTable(map[string]any{"postgres": pg}, "image", "postgres:16.2", false); ok {
		t.Error("without anyTag (image_mirrors), a key without a tag is the latest tag only")
	}
	if _, ok := lookupTable(map[string]any{"postgres": pg}, "name", "postgres:16", true); ok {
		t.Error("a field other than image is matched as written only")
	}
}

// A fill from a table by the container's image: the image's probe; an
// image the table lacks is no fix, and the note names the table and the
// image; an image a Helm action writes is refused.
func TestFillByImage(t *testing.T) {
	fx := runbooks.Fix{Description: "t", Edits: []runbooks.FixEdit{{Fill: "spec.containers[name=$container].livenessProbe", CatalogMap: "liveness_probes", MapBy: "spec.containers[name=$container].image"}}}
	vals := runbooks.Values{"liveness_probes": {V: map[string]any{"postgres": map[string]any{"exec": map[string]any{"command": []any{"pg_isready"}}}}, Source: "org.yaml:3"}}
	f := &translator.Finding{Tool: "polaris", Resource: "Pod/db", Extra: map[string]string{"container": "db"}}
	f.Path = "db.yaml"
	out := fixedWith(t, podWith(""), f, fx, vals)
	if !strings.Contains(out, "      livenessProbe:\n        exec:\n          command:\n            - pg_isready\n") {
		t.Errorf("got\n%s", out)
	}
	_, err := ComputeWith([]byte(strings.Replace(podWith(""), "postgres:16", "mysql:8", 1)), f, fx, "t", vals)
	if err == nil || !strings.Contains(err.Error(), `liveness_probes (values:) has no entry for "mysql:8"`) {
		t.Errorf("no entry: %v", err)
	}
	tmpl := strings.Replace(podWith(""), "image: postgres:16", "image: {{ .Values.image }}", 1)
	f.Path = "templates/db.yaml"
	f.Line = 7
	_, err = ComputeWith([]byte(tmpl), f, fx, "t", vals)
	if err == nil || !strings.Contains(err.Error(), "Helm template") {
		t.Errorf("template: %v", err)
	}
}
