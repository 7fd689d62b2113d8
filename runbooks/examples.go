package runbooks

import (
	"errors"
	"fmt"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
)

// Finding converts an example finding into the finding it describes.
func (x ExampleFinding) Finding() (*translator.Finding, error) {
	f := &translator.Finding{
		Tool: x.Tool, Code: x.Code, Message: x.Message, Resource: x.Resource,
		Location: translator.Location{Path: x.Path, Line: x.Line},
		Severity: translator.SeverityWarning, ToolSeverity: x.Severity,
	}
	if x.Severity != "" {
		s, err := translator.ParseSeverity(x.Severity)
		if err != nil {
			return nil, fmt.Errorf("parse example severity: %w", err)
		}
		f.Severity = s
	}
	for k, v := range x.Extra {
		f.SetExtra(k, v)
	}
	return f, nil
}

// CheckExamples runs the examples of every entry (what `runbooks test`
// does): each example finding must match its own entry, render without
// error, contain every Contains string and, when Want is set, render to
// exactly Want. All failures are returned together, each naming the
// entry's source.
func (c *Catalog) CheckExamples() error {
	var errs []error
	for _, e := range c.Entries() {
		for i, x := range e.Examples {
			fail := func(format string, args ...any) {
				errs = append(errs, fmt.Errorf("%s: entry %q: example %d: %s", e.Source, e.ID, i+1, fmt.Sprintf(format, args...)))
			}
			f, err := x.Finding.Finding()
			if err != nil {
				fail("%v", err)
				continue
			}
			got, _ := c.Match(f)
			if got != e {
				name := translator.FallbackID
				if got != nil {
					name = got.ID
				}
				fail("matches entry %q instead", name)
				continue
			}
			rb := c.Render(f)
			if rb.Error != "" {
				fail("%s", rb.Error)
				continue
			}
			for _, s := range x.Contains {
				if !strings.Contains(rb.Body, s) {
					fail("body does not contain %q", s)
				}
			}
			if x.Want != "" && rb.Body != x.Want {
				fail("body is %q, want %q", rb.Body, x.Want)
			}
		}
	}
	return errors.Join(errs...)
}
