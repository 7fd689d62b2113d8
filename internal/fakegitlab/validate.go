package fakegitlab

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

// contract is the OpenAPI description written from GitLab's REST
// documentation (see its README.md).
const contract = "testdata/contracts/gitlab/mr-discussions.openapi.yaml"

var (
	loadOnce sync.Once
	router   routers.Router
	loadErr  error
)

func loadRouter() (routers.Router, error) {
	loadOnce.Do(func() {
		_, self, _, _ := runtime.Caller(0)
		p := filepath.Join(filepath.Dir(self), contract)
		doc, err := openapi3.NewLoader().LoadFromFile(p)
		if err != nil {
			loadErr = fmt.Errorf("load contract %s: %w", p, err)
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			loadErr = fmt.Errorf("validate contract %s: %w", p, err)
			return
		}
		router, loadErr = legacy.NewRouter(doc)
	})
	return router, loadErr
}

// validate checks a request against the contract and returns its operation
// id and path parameters. path is relative to /api/v4, with the project
// segment already resolved to its numeric id.
func validate(r *http.Request, path string, body []byte) (string, map[string]string, error) {
	rt, err := loadRouter()
	if err != nil {
		return "", nil, err
	}
	u := *r.URL
	u.Scheme, u.Host, u.Path, u.RawPath = "https", "gitlab.example.com", "/api/v4"+path, ""
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
