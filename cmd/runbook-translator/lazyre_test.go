package main

import (
	"testing"

	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

// TestLazyRegexpsCompile compiles every regular expression the packages of
// the binary declare with lazyre.New: they are compiled on first use, so a
// bad one would otherwise panic only when some input reaches it.
func TestLazyRegexpsCompile(t *testing.T) {
	if expr, err := lazyre.All(); err != nil {
		t.Fatalf("%q: %v", expr, err)
	}
}
