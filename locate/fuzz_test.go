package locate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// FuzzLocateYAML feeds arbitrary manifests (seeded with the corpus inputs)
// and hints to the stage: it must never panic, and a line it sets must exist
// in the file and hold what Located says is there.
func FuzzLocateYAML(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(inputsRoot, "*", "*.yaml"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "spec.containers[name=$container].securityContext.privileged")
		f.Add(data, "spec.template.metadata.labels|metadata.labels")
	}
	f.Add([]byte("kind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: web, image: x}]\n"), "spec.containers[*].image")
	f.Add([]byte("--- &a\nkind: Pod\nmetadata: *a\n"), "spec.containers[0]")
	f.Add([]byte("kind: Pod\rmetadata:\r  name: p\r"), "")
	f.Fuzz(func(t *testing.T, data []byte, hint string) {
		if len(data) > 1<<16 {
			return
		}
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, "m.yaml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		var fs translator.Findings
		yf := parseYAMLFile("m.yaml", data)
		for _, d := range yf.docs {
			for _, c := range []string{"", "web", "a,b"} {
				for _, path := range []string{"m.yaml", ""} {
					fs = append(fs, finding(path, d.kind+"/"+d.namespace+"/"+d.name, map[string]string{"container": c}),
						finding(path, d.kind+"/"+d.name, map[string]string{"container": c, "json_pointer": "/" + strings.ReplaceAll(hint, ".", "/")}))
				}
			}
		}
		fs = append(fs, finding("m.yaml", "Pod/p", nil), finding("m.yaml", "Deployment", nil))
		s, err := New(Options{Root: root, Candidates: []string{"m.yaml"}, Hint: func(*translator.Finding) string { return hint }})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := (&translator.Pipeline{Stages: []translator.Stage{s}}).Run(context.Background(), fs); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		for _, f := range fs {
			if f.Line == 0 {
				if f.Located != "" {
					t.Errorf("Located without a line: %q", f.Located)
				}
				continue
			}
			if f.Path != "m.yaml" || f.Line > len(lines) || f.EndLine > len(lines) || (f.EndLine != 0 && f.EndLine < f.Line) || f.Located == "" {
				t.Fatalf("bad location %s:%d-%d of %d lines, %q", f.Path, f.Line, f.EndLine, len(lines), f.Located)
			}
			if strings.HasPrefix(f.Located, "resource ") {
				l := lines[f.Line-1]
				if !strings.Contains(l, "name") && !strings.Contains(l, "kind") && !strings.ContainsAny(l, `\"'`) {
					t.Fatalf("resource line %d %q holds neither name nor kind", f.Line, l)
				}
			}
		}
	})
}
