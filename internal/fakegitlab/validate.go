package fakegitlab

import (
	"net/http"
	"path/filepath"
	"runtime"

	"github.com/runbook-translator/runbook-translator/internal/fakeforge"
)

// contract is the OpenAPI description written from GitLab's REST
// documentation (see its README.md); being hand-written, it is validated
// itself when loaded.
var contract = &fakeforge.Contract{
	File:     here("testdata/contracts/gitlab/mr-discussions.openapi.yaml"),
	Server:   "https://gitlab.example.com",
	Prefix:   "/api/v4",
	CheckDoc: true,
}

// here is a path relative to this package's directory.
func here(rel string) string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), rel)
}

// validate checks a request against the contract and returns its operation
// id and path parameters. path is relative to /api/v4, with the project
// segment already resolved to its numeric id.
func validate(r *http.Request, path string, body []byte) (string, map[string]string, error) {
	return contract.Validate(r, path, body)
}
