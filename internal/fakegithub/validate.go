package fakegithub

import (
	"net/http"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"

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

// repoContract holds the repository operations of `ignore request`
// (contents.go), copied from the same @octokit/openapi description (see
// the README) into a file of their own.
var repoContract = &fakeforge.Contract{
	File:       here("testdata/contracts/github/exceptions.openapi.json"),
	Server:     contract.Server,
	NoExamples: true,
	MediaTypes: contract.MediaTypes,
}

// validate checks a request against the contracts and returns its
// operation id and path parameters; path is without /api/v3. A request
// that no operation of the review contract matches is looked up in the
// repository contract; the last parameter of contents/{path} and
// git/ref/{ref} may hold slashes and is matched as one parameter.
func validate(r *http.Request, path string, body []byte) (string, map[string]string, error) {
	op, pp, err := contract.Validate(r, path, body)
	if err == nil {
		return op, pp, nil
	}
	// The router can match a path with an empty parameter ("/pulls" as
	// "/pulls/{pull_number}"): the repository contract's clean match wins
	// over the review contract's failed one.
	p, tail := escapeTail(path)
	op2, pp2, err2 := repoContract.Validate(r, p, body)
	if op2 == "" || (err2 != nil && op != "") {
		return op, pp, err
	}
	if tail {
		for _, k := range []string{"path", "ref"} {
			if v, ok := pp2[k]; ok {
				// The router leaves the parameter as the URL has it.
				if u, uerr := url.PathUnescape(v); uerr == nil {
					v = u
				}
				pp2[k] = strings.ReplaceAll(v, slash, "/")
			}
		}
	}
	return op2, pp2, err2
}
