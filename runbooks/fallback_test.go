package runbooks

import (
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// TestFallbackTemplate: the fallback bodies are parsed on first use, and a
// body that does not parse (or is not bounded) would render as nothing; so
// every one of them must parse and pass the bound check here.
func TestFallbackTemplate(t *testing.T) {
	bodies := map[string]string{"en": FallbackBody}
	for lang, b := range FallbackBodies {
		bodies[lang] = b
	}
	for lang, body := range bodies {
		tm, err := newTemplate(translator.FallbackID).Parse(body)
		if err == nil {
			err = checkBounded(tm)
		}
		if err != nil {
			t.Errorf("%s fallback body: %v", lang, err)
		}
	}
	rb := Merge().Render(&translator.Finding{Tool: "hadolint", Code: "DL9999", Message: "msg"})
	if !rb.IsFallback() || rb.Error != "" || rb.Body == "" {
		t.Fatalf("fallback runbook = %+v", rb)
	}
}
