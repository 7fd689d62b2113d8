package fakegithub

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// contract is the official GitHub REST description (PR-review subset),
// copied from shared/contracts/github with its README.
const contract = "testdata/contracts/github/pr-review.openapi.json"

var (
	loadOnce sync.Once
	router   routers.Router
	loadErr  error
)

// mediaTypes are the media types go-github v60 sends that are JSON in all
// but name (see the contract README).
var mediaTypes = []string{
	"application/vnd.github.v3+json",
	"application/vnd.github+json",
	"application/vnd.github.comfort-fade-preview+json",
	"application/vnd.github.squirrel-girl-preview",
	"application/vnd.github.squirrel-girl-preview+json",
}

func loadRouter() (routers.Router, error) {
	loadOnce.Do(func() {
		_, self, _, _ := runtime.Caller(0)
		p := filepath.Join(filepath.Dir(self), contract)
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(p)
		if err != nil {
			loadErr = fmt.Errorf("load contract %s: %w", p, err)
			return
		}
		for _, mt := range mediaTypes {
			openapi3filter.RegisterBodyDecoder(mt, openapi3filter.JSONBodyDecoder)
		}
		// GitHub's own examples do not all satisfy its schemas (a team
		// example lacks "type"); the schemas are what requests must meet.
		router, loadErr = legacy.NewRouter(doc, openapi3.DisableExamplesValidation())
	})
	return router, loadErr
}

// validate checks a request against the contract and returns its operation
// id and path parameters. The body is read and restored.
func validate(r *http.Request, path string, body []byte) (string, map[string]string, error) {
	rt, err := loadRouter()
	if err != nil {
		return "", nil, err
	}
	// Match against the description's server, whatever host the test uses.
	u := *r.URL
	u.Scheme, u.Host, u.Path, u.RawPath = "https", "api.github.com", path, ""
	vr, err := http.NewRequestWithContext(context.Background(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return "", nil, err
	}
	vr.Header = r.Header.Clone()
	route, params, err := rt.FindRoute(vr)
	if err != nil {
		return "", nil, fmt.Errorf("no operation for %s %s: %w", r.Method, path, err)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: vr, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return route.Operation.OperationID, params, err
	}
	return route.Operation.OperationID, params, nil
}

func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	defer r.Body.Close()
	return io.ReadAll(io.LimitReader(r.Body, 32<<20))
}
