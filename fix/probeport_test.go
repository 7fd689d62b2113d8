package fix

import (
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/messages"
)

func docOf(t *testing.T, src string) *locate.Document {
	t.Helper()
	ds := locate.Documents([]byte(src))
	if len(ds) != 1 {
		t.Fatalf("%d documents", len(ds))
	}
	return &ds[0]
}

const probeBefore = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cache}
spec:
  template:
    spec:
      containers:
        - name: redis
          image: redis:7
          ports:
            - name: redis
              containerPort: 6379
        - name: web
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 80
`

// A probe added on a port name the container declares passes; on one it
// does not, the fix is refused with the probe, the name and the container;
// a numeric port, or a probe the object had already, is not checked.
func TestCheckProbePorts(t *testing.T) {
	before := docOf(t, probeBefore)
	add := func(container, probe string) string {
		return strings.Replace(probeBefore, "        - name: "+container+"\n", "        - name: "+container+"\n"+probe, 1)
	}
	for _, c := range []struct {
		name, after, want string
	}{
		{"declared", add("web", "          readinessProbe: {httpGet: {path: /ready, port: http}}\n"), ""},
		{"undeclared", add("redis", "          livenessProbe: {httpGet: {path: /healthz, port: http}}\n"), "the livenessProbe would use the port named http, which container redis does not declare"},
		{"tcp undeclared", add("redis", "          startupProbe: {tcpSocket: {port: metrics}}\n"), "port named metrics, which container redis"},
		{"numeric", add("redis", "          readinessProbe: {httpGet: {path: /, port: 8080}}\n"), ""},
		{"no probe added", probeBefore, ""},
	} {
		err := checkProbePorts(before, docOf(t, c.after))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// a probe the object had before is the authors': not checked again
	had := docOf(t, add("redis", "          livenessProbe: {httpGet: {path: /healthz, port: http}}\n"))
	if err := checkProbePorts(had, had); err != nil {
		t.Errorf("an existing probe: %v", err)
	}
}

// A fix path's placeholder without a value (locate's Expand) is a note of
// the message table, in the run's language.
func TestPlaceholderNoteTranslated(t *testing.T) {
	fp, err := locate.ParseFieldPath("spec.containers[name=$container].livenessProbe")
	if err != nil {
		t.Fatal(err)
	}
	_, err = fp.Expand(map[string]string{})
	note := noteOf(err)
	if note == nil || note.Error() != "placeholder $container has no single value" {
		t.Fatalf("note %v", note)
	}
	p, ok := notePhrase(note).(messages.Msg)
	if !ok || p.In("ja") != "プレースホルダー $container の値が 1 つに決まりません" {
		t.Errorf("phrase %#v", notePhrase(note))
	}
}
