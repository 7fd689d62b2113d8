package runbooks

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

const langCatalog = `entries:
  - id: priv
    title: Privileged container
    controls: ["PSS baseline"]
    match:
      - {tool: trivy, codes: [KSV-0017]}
    body: |
      **{{.Resource}}** runs a privileged container.
    translations:
      ja:
        title: 特権コンテナ
        body: |
          **{{.Resource}}** は特権コンテナを実行しています。
  - id: other
    title: Other
    match:
      - {tool: trivy, default: true}
    body: Other thing.
`

func TestWithLang(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(langCatalog), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	ja, missing := c.WithLang("ja"), c.MissingTranslations("ja")
	if !reflect.DeepEqual(missing, []string{"other"}) {
		t.Errorf("missing = %v, want [other]", missing)
	}
	f := &translator.Finding{Tool: "trivy", Code: "KSV017", Resource: "Deployment/web"}
	rb := ja.Render(f)
	if rb.Title != "特権コンテナ" || !strings.Contains(rb.Body, "Deployment/web** は特権コンテナ") {
		t.Errorf("ja render = %q / %q", rb.Title, rb.Body)
	}
	if en := c.Render(f); en.Title != "Privileged container" || strings.Contains(en.Body, "特権") {
		t.Errorf("default language changed: %q", en.Body)
	}
	if rb := ja.Render(&translator.Finding{Tool: "trivy", Code: "X"}); rb.Body != "Other thing." {
		t.Errorf("untranslated entry falls back: %q", rb.Body)
	}
	if got := ja.Entry("priv").Controls; !reflect.DeepEqual(got, []string{"PSS baseline"}) {
		t.Errorf("controls = %v", got)
	}
	if c2, m := c.WithLang("en"), c.MissingTranslations("en"); c2 != c || m != nil {
		t.Error("en must be the catalog itself")
	}
}

func TestTranslationErrors(t *testing.T) {
	bad := strings.Replace(langCatalog, "は特権コンテナを実行しています。", "{{.Nope", 1)
	bad = strings.Replace(bad, "title: 特権コンテナ", "title: ''", 1)
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), `translation "ja"`) {
		t.Fatalf("err = %v, want a translation error", err)
	}
}
