package locate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// writeTree writes files (slash paths) under a new temporary root.
func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// markerLine returns the 1-based line of the first line containing marker.
func markerLine(t *testing.T, text, marker string) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, marker) {
			return i + 1
		}
	}
	t.Fatalf("marker %q not found", marker)
	return 0
}

func finding(path, res string, extra map[string]string) *translator.Finding {
	return &translator.Finding{Tool: "test", Code: "X", Message: "m", Location: translator.Location{Path: path}, Resource: res, Extra: extra}
}

func run(t *testing.T, opts Options, fs ...*translator.Finding) *Stage {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := (&translator.Pipeline{Stages: []translator.Stage{s}}).Run(context.Background(), fs); err != nil {
		t.Fatal(err)
	}
	return s
}

// workloads holds one object of every workload kind, each with a
// privileged container "web" and hostPID; the "# <kind>-..." comments mark
// the lines a hint must land on.
const workloads = `apiVersion: v1
kind: Pod
metadata:
  name: w
spec:
  hostPID: true # Pod-hostPID
  containers:
    - name: side
      image: x
    - name: web # Pod-web
      image: x
      securityContext:
        privileged: true # Pod-privileged
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: w
spec:
  replicas: 2 # Deployment-replicas
  template:
    spec:
      hostPID: true # Deployment-hostPID
      containers:
        - name: web # Deployment-web
          securityContext:
            privileged: true # Deployment-privileged
---
kind: StatefulSet
metadata:
  name: w
spec:
  template:
    spec:
      hostPID: true # StatefulSet-hostPID
      containers:
        - name: web # StatefulSet-web
          securityContext: {privileged: true} # StatefulSet-privileged
---
kind: DaemonSet
metadata: {name: w}
spec:
  template:
    spec:
      hostPID: true # DaemonSet-hostPID
      initContainers:
        - name: init
      containers:
        - name: web # DaemonSet-web
          securityContext:
            privileged: true # DaemonSet-privileged
---
kind: ReplicaSet
metadata:
  name: w
spec:
  template:
    spec:
      hostPID: true # ReplicaSet-hostPID
      containers:
        - name: web # ReplicaSet-web
          securityContext:
            privileged: true # ReplicaSet-privileged
---
kind: Job
metadata:
  name: w
spec:
  template:
    spec:
      hostPID: true # Job-hostPID
      containers:
        - name: web # Job-web
          securityContext:
            privileged: true # Job-privileged
---
kind: CronJob
metadata:
  name: w
spec:
  jobTemplate:
    spec:
      template:
        spec:
          hostPID: true # CronJob-hostPID
          containers:
            - name: web # CronJob-web
              securityContext:
                privileged: true # CronJob-privileged
`

var workloadKinds = []string{"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}

// TestHintEveryWorkloadKind checks that one hint, in each of its spellings,
// lands on the same field of every workload kind.
func TestHintEveryWorkloadKind(t *testing.T) {
	root := writeTree(t, map[string]string{"k8s/all.yaml": workloads})
	hints := map[string]string{
		"spec.containers[name=web].securityContext.privileged":                                       "privileged",
		"spec.template.spec.containers[name=web].securityContext.privileged":                         "privileged",
		"spec.jobTemplate.spec.template.spec.containers[name=$container].securityContext.privileged": "privileged",
		"spec.containers[*].securityContext.privileged":                                              "privileged",
		"spec.hostPID":                     "hostPID",
		"spec.template.spec.hostPID":       "hostPID",
		"spec.containers[name=$container]": "web",
	}
	for hint, marker := range hints {
		for _, kind := range workloadKinds {
			f := finding("k8s/all.yaml", kind+"/w", map[string]string{"container": "web"})
			h := hint
			run(t, Options{Root: root, Hint: func(*translator.Finding) string { return h }}, f)
			want := markerLine(t, workloads, kind+"-"+marker)
			if f.Line != want {
				t.Errorf("%s on %s: line %d, want %d (%s)", hint, kind, f.Line, want, f.Located)
			}
			if strings.Contains(f.Located, "not set") || !strings.Contains(f.Located, "k8s/all.yaml:") {
				t.Errorf("%s on %s: Located %q", hint, kind, f.Located)
			}
		}
	}
	// spec.replicas is not a pod-spec field: not moved into the template.
	f := finding("k8s/all.yaml", "Deployment/w", nil)
	run(t, Options{Root: root, Hint: func(*translator.Finding) string { return "spec.replicas" }}, f)
	if want := markerLine(t, workloads, "Deployment-replicas"); f.Line != want {
		t.Errorf("spec.replicas: line %d, want %d", f.Line, want)
	}
}

func TestMissingFieldPointsAtParent(t *testing.T) {
	root := writeTree(t, map[string]string{"k8s/all.yaml": workloads})
	f := finding("k8s/all.yaml", "Deployment/w", map[string]string{"container": "web"})
	run(t, Options{Root: root, Hint: func(*translator.Finding) string {
		return "spec.containers[name=$container].securityContext.readOnlyRootFilesystem"
	}}, f)
	if want := markerLine(t, workloads, "Deployment-privileged") - 1; f.Line != want {
		t.Errorf("line %d, want the securityContext line %d", f.Line, want)
	}
	if !strings.Contains(f.Located, "readOnlyRootFilesystem") || !strings.Contains(f.Located, "is not set; pointing at spec.template.spec.containers[name=web].securityContext") {
		t.Errorf("Located %q", f.Located)
	}
	if f.EndLine != f.Line+1 {
		t.Errorf("EndLine %d, want the end of the securityContext block %d", f.EndLine, f.Line+1)
	}
}

func TestSelectorsAndPlaceholders(t *testing.T) {
	root := writeTree(t, map[string]string{"k8s/all.yaml": workloads})
	cases := []struct {
		name, res, hint string
		extra           map[string]string
		wantLine        int
		wantLocated     string
	}{
		// two containers, only web has a securityContext: [*] finds it
		{"any-one-has-it", "Pod/w", "spec.containers[*].securityContext", nil, markerLine(t, workloads, "Pod-privileged") - 1, "field spec.containers[name=web].securityContext of Pod/w"},
		// two containers, none has ports: which one is meant is unknown
		{"any-none-has-it", "Pod/w", "spec.containers[*].ports", nil, markerLine(t, workloads, "Pod-hostPID") + 1, "matches several items; pointing at spec.containers"},
		{"index", "Pod/w", "spec.containers[1]", nil, markerLine(t, workloads, "Pod-web"), "field spec.containers[name=web] of Pod/w"},
		// kube-score lists several containers: the placeholder is unusable,
		// the finding falls back to the resource.
		{"comma-list", "Pod/w", "spec.containers[name=$container].image", map[string]string{"container": "side,web"}, 4, "resource Pod/w found"},
		// a hint that does not exist at all: the resource
		{"unknown-root", "Pod/w", "status.phase", nil, 4, "resource Pod/w found"},
		// a bad hint is ignored
		{"bad-hint", "Pod/w", "spec.containers[", nil, 4, "resource Pod/w found"},
		// alternatives: the first that exists wins
		{"alternatives", "Deployment/w", "spec.containers[name=web].securityContext.runAsUser | spec.hostPID", nil, markerLine(t, workloads, "Deployment-hostPID"), "field spec.template.spec.hostPID"},
		// a container named by the tool that is an init container
		{"init-container", "DaemonSet/w", "spec.containers[name=$container]", map[string]string{"container": "init"}, markerLine(t, workloads, "- name: init"), "initContainers[name=init]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := finding("k8s/all.yaml", c.res, c.extra)
			run(t, Options{Root: root, Hint: func(*translator.Finding) string { return c.hint }}, f)
			if f.Line != c.wantLine || !strings.Contains(f.Located, c.wantLocated) {
				t.Errorf("got %d %q, want %d %q", f.Line, f.Located, c.wantLine, c.wantLocated)
			}
		})
	}
}

func TestResourceMatching(t *testing.T) {
	a := "kind: Deployment\nmetadata:\n  name: web\n  namespace: a\n---\nkind: Deployment\nmetadata:\n  name: web\n  namespace: b\n---\nkind: Service\nmetadata:\n  name: web\n"
	b := "kind: Deployment\nmetadata:\n  name: api\n---\nkind: Service\nmetadata:\n  name: web\n"
	root := writeTree(t, map[string]string{"a.yaml": a, "b.yaml": b, "c.yml": "kind: ConfigMap\nmetadata:\n  name: only\n"})
	cands, err := Candidates(root, 0)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path, res string
		wantPath  string
		wantLine  int
	}{
		{"a.yaml", "Deployment/b/web", "a.yaml", 8},
		{"a.yaml", "Deployment/a/web", "a.yaml", 3},
		{"a.yaml", "Deployment/web", "", 0},   // two namespaces: ambiguous
		{"a.yaml", "Deployment/c/web", "", 0}, // wrong namespace
		{"a.yaml", "Service", "a.yaml", 13},   // no name, one Service in the file
		{"a.yaml", "Deployment", "", 0},       // no name, two Deployments
		{"", "Deployment/api", "b.yaml", 3},   // no path: candidates
		{"", "Service/web", "", 0},            // in two candidate files
		{"", "ConfigMap", "", 0},              // no path and no name: never
		{"b.yaml", "Deployment/web", "", 0},   // not in the file the tool named
		{"missing.yaml", "Deployment/api", "", 0},
	}
	for _, c := range cases {
		f := finding(c.path, c.res, nil)
		run(t, Options{Root: root, Candidates: cands}, f)
		if f.Line != c.wantLine || (c.wantLine > 0 && f.Path != c.wantPath) || (c.wantLine == 0 && (f.Path != c.path || f.Located != "")) {
			t.Errorf("%s %s: got %s:%d %q", c.path, c.res, f.Path, f.Line, f.Located)
		}
	}
}

func TestOnlyLinelessFindings(t *testing.T) {
	root := writeTree(t, map[string]string{"a.yaml": "kind: Pod\nmetadata:\n  name: p\n"})
	f := finding("a.yaml", "Pod/p", nil)
	f.Line = 7
	s := run(t, Options{Root: root}, f, finding("", "", nil), nil)
	if f.Line != 7 || f.Located != "" {
		t.Errorf("a finding with a line was changed: %+v", f)
	}
	if st := s.Stats(); st.Considered != 0 || st.Located != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestRefusesOutsideRoot: absolute paths, "..", symlinks out of the root,
// huge, missing and malformed files never give a line, and never panic.
func TestRefusesOutsideRoot(t *testing.T) {
	outside := writeTree(t, map[string]string{"secret.yaml": "kind: Pod\nmetadata:\n  name: p\n"})
	big := "kind: Pod\nmetadata:\n  name: big\n" + strings.Repeat("# padding\n", 2000)
	root := writeTree(t, map[string]string{
		"ok.yaml":    "kind: Pod\nmetadata:\n  name: p\n",
		"big.yaml":   big,
		"bad.yaml":   "kind: Pod\nmetadata: [\n---\nkind: Pod\nmetadata:\n  name: good\n",
		"dir.yaml/x": "",
	})
	if err := os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(root, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "linkdir")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		filepath.Join(outside, "secret.yaml"), "/etc/passwd", "../" + filepath.Base(outside) + "/secret.yaml",
		"a/../../secret.yaml", "link.yaml", "linkdir/secret.yaml", "big.yaml", "missing.yaml", "dir.yaml",
		"ok.yaml\x00", `..\secret.yaml`,
	} {
		f := finding(p, "Pod/p", nil)
		if strings.HasPrefix(p, "big") {
			f.Resource = "Pod/big"
		}
		run(t, Options{Root: root, MaxFileSize: 1024, Candidates: []string{p}}, f)
		if f.Line != 0 || f.Located != "" {
			t.Errorf("%q: located %d %q", p, f.Line, f.Located)
		}
		g := finding("", "Pod/p", nil)
		run(t, Options{Root: root, MaxFileSize: 1024, Candidates: []string{p}}, g)
		if g.Line != 0 {
			t.Errorf("candidate %q: located %d %q", p, g.Line, g.Located)
		}
	}
	// a malformed document does not hide the next one
	f := finding("bad.yaml", "Pod/good", nil)
	run(t, Options{Root: root}, f)
	if f.Line != 6 {
		t.Errorf("document after a malformed one: line %d %q", f.Line, f.Located)
	}
}

func TestCacheParsesOnce(t *testing.T) {
	root := writeTree(t, map[string]string{"a.yaml": "kind: Pod\nmetadata:\n  name: p\n"})
	s, err := New(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f1, f2 := finding("a.yaml", "Pod/p", nil), finding("a.yaml", "Pod/p", nil)
	if err := s.Map(context.Background(), f1); err != nil {
		t.Fatal(err)
	}
	// the file changes on disk: the cached parse is used for the run
	if err := os.WriteFile(filepath.Join(root, "a.yaml"), []byte("\n\nkind: Pod\nmetadata:\n  name: p\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Map(context.Background(), f2); err != nil {
		t.Fatal(err)
	}
	if f1.Line != 3 || f2.Line != 3 {
		t.Errorf("lines %d %d, want 3 3 from one parse", f1.Line, f2.Line)
	}
	if st := s.Stats(); st.Considered != 2 || st.Located != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestCheckHint(t *testing.T) {
	good := []string{
		"spec.template.spec.hostPID", "spec.containers[name=web].securityContext.privileged",
		"spec.containers[*].securityContext", "spec.containers[0].ports[1]", "spec.containers[name=$container]",
		`metadata.annotations."helm.sh/hook"`, "spec.containers[name=${container}].image", "a[0][1]",
	}
	for _, h := range good {
		p, err := parsePath(h)
		if err != nil {
			t.Errorf("%q: %v", h, err)
			continue
		}
		if again, err := parsePath(p.String()); err != nil || again.String() != p.String() {
			t.Errorf("%q: round trip %q: %v", h, p.String(), err)
		}
	}
	for _, h := range []string{"spec.hostPID|spec.hostIPC", "a | b[name=$container].c"} {
		if err := CheckHint(h); err != nil {
			t.Errorf("%q: %v", h, err)
		}
	}
	bad := []string{"spec.hostPID|", "a|spec[", "|a", "", "spec.", ".spec", "spec..x", "spec[", "spec[]", "spec[-1]", "spec[a]", `spec."x`, "spec]x", "a b", strings.Repeat("a.", MaxHintLen)}
	for _, h := range bad {
		if err := CheckHint(h); err == nil {
			t.Errorf("%q: no error", h)
		}
	}
}

func TestNamedAlternatives(t *testing.T) {
	var alts []fieldPath
	for _, h := range []string{"spec.hostPID", "spec.hostIPC", "spec.hostNetwork"} {
		p, err := parsePath(h)
		if err != nil {
			t.Fatal(err)
		}
		alts = append(alts, p)
	}
	for _, c := range []struct{ text, want string }{
		{"host-ipc resource shares host's IPC namespace (via hostIPC=true).", "spec.hostIPC"},
		{"hostNetworkSet Host network should not be configured", "spec.hostNetwork"},
		{"K8S-014 must not share the host namespaces", "spec.hostPID spec.hostIPC spec.hostNetwork"},
		{"x xhostPID", "spec.hostPID spec.hostIPC spec.hostNetwork"},
		{"hostPID and hostIPC", "spec.hostPID spec.hostIPC"},
	} {
		var got []string
		for _, p := range named(alts, c.text) {
			got = append(got, p.String())
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%q: got %q, want %q", c.text, got, c.want)
		}
	}
}

// FindCandidates is asked for the files once, and only when a finding
// needs them (one without a path): a run of findings that name their
// files walks nothing.
func TestFindCandidatesIsLazy(t *testing.T) {
	b := "kind: Deployment\nmetadata:\n  name: api\n"
	root := writeTree(t, map[string]string{"b.yaml": b})
	calls := 0
	find := func() []string { calls++; return []string{"b.yaml"} }
	run(t, Options{Root: root, FindCandidates: find}, finding("b.yaml", "Deployment/api", nil), finding("missing.yaml", "Deployment/api", nil))
	if calls != 0 {
		t.Errorf("findings with paths walked the files %d times", calls)
	}
	f, g := finding("", "Deployment/api", nil), finding("", "Deployment/api", nil)
	run(t, Options{Root: root, FindCandidates: find}, f, g)
	if calls != 1 {
		t.Errorf("the files were listed %d times, want once", calls)
	}
	if f.Path != "b.yaml" || f.Line != 3 || g.Path != "b.yaml" {
		t.Errorf("pathless findings: %s:%d and %s:%d, want b.yaml:3 (the name)", f.Path, f.Line, g.Path, g.Line)
	}
}
