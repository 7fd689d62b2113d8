package fakegithub

import (
	"net/http"
	"path/filepath"
	"runtime"

	"github.com/runbook-translator/runbook-translator/internal/fakeforge"
)

// contract is the official GitHub REST description (PR-review subset),
// copied from shared/contracts/github with its README. GitHub's own
// examples do not all satisfy its schemas (a team example lacks "type");
// the schemas are what requests must meet. The media types are those
// go-github v60 sends that are JSON in all but name (see the contract
// README).
var contract = &fakeforge.Contract{
	File:       here("testdata/contracts/github/pr-review.openapi.json"),
	Server:     "https://api.github.com",
	NoExamples: true,
	MediaTypes: []string{
		"application/vnd.github.v3+json",
		"application/vnd.github+json",
		"application/vnd.github.comfort-fade-preview+json",
		"application/vnd.github.squirrel-girl-preview",
		"application/vnd.github.squirrel-girl-preview+json",
	},
}

// here is a path relative to this package's directory.
func here(rel string) string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), rel)
}

// validate checks a request against the contract and returns its operation
// id and path parameters; path is without /api/v3.
func validate(r *http.Request, path string, body []byte) (string, map[string]string, error) {
	return contract.Validate(r, path, body)
}
