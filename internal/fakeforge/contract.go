package fakeforge

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Contract is an OpenAPI description every request to a fake is checked
// against, with kin-openapi: one that does not validate fails the test.
type Contract struct {
	// File is the description's absolute path.
	File string
	// Server is the scheme and host of the description's server
	// ("https://api.github.com"); a request is matched against it,
	// whatever host the test uses.
	Server string
	// Prefix is put before the path given to Validate ("/api/v4").
	Prefix string
	// MediaTypes are decoded as JSON (go-github sends vendor media types).
	MediaTypes []string
	// CheckDoc validates the description itself when it is loaded (a
	// description written by hand).
	CheckDoc bool
	// NoExamples skips validating the description's examples (GitHub's own
	// examples do not all satisfy its schemas).
	NoExamples bool

	once   sync.Once
	router routers.Router
	err    error
}

// Load reads the description once.
func (c *Contract) Load() (routers.Router, error) {
	c.once.Do(func() {
		doc, err := openapi3.NewLoader().LoadFromFile(c.File)
		if err != nil {
			c.err = fmt.Errorf("load contract %s: %w", c.File, err)
			return
		}
		if c.CheckDoc {
			if err := doc.Validate(context.Background()); err != nil {
				c.err = fmt.Errorf("validate contract %s: %w", c.File, err)
				return
			}
		}
		for _, mt := range c.MediaTypes {
			openapi3filter.RegisterBodyDecoder(mt, openapi3filter.JSONBodyDecoder)
		}
		var opts []openapi3.ValidationOption
		if c.NoExamples {
			opts = append(opts, openapi3.DisableExamplesValidation())
		}
		c.router, c.err = legacy.NewRouter(doc, opts...)
	})
	return c.router, c.err
}

// Validate checks a request (its body already read) against the
// description and returns its operation id and path parameters.
func (c *Contract) Validate(r *http.Request, path string, body []byte) (string, map[string]string, error) {
	rt, err := c.Load()
	if err != nil {
		return "", nil, err
	}
	srv, err := url.Parse(c.Server)
	if err != nil {
		return "", nil, err
	}
	u := *r.URL
	u.Scheme, u.Host, u.Path, u.RawPath = srv.Scheme, srv.Host, c.Prefix+path, ""
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

// ReadBody reads a request body, at most 32 MiB.
func ReadBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	defer r.Body.Close()
	return io.ReadAll(io.LimitReader(r.Body, 32<<20))
}
