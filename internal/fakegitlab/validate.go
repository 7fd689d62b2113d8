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

// repoContract holds the repository and merge request operations of
// `ignore request` (repository.go), hand-written like contract, in a file
// of their own.
var repoContract = &fakeforge.Contract{
	File:     here("testdata/contracts/gitlab/exceptions.openapi.yaml"),
	Server:   contract.Server,
	Prefix:   contract.Prefix,
	CheckDoc: true,
}

// validate checks a request against the contracts and returns its
// operation id and path parameters. path is relative to /api/v4, with the
// project segment already resolved to its numeric id. A request that the
// discussions contract does not match cleanly is looked up in the
// repository contract.
func validate(r *http.Request, path string, body []byte) (string, map[string]string, error) {
	op, pp, err := contract.Validate(r, path, body)
	if err == nil {
		return op, pp, nil
	}
	op2, pp2, err2 := repoContract.Validate(r, path, body)
	if op2 == "" || (err2 != nil && op != "") {
		return op, pp, err
	}
	return op2, pp2, err2
}
