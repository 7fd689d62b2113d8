package authoring

import (
	"errors"
	"fmt"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/fix"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// ExampleFix applies the entry's fix to an example's manifest as the fix
// stage would: the first alternative that changes the file. It returns
// the finding (with its Fixes), the fixed text, and an error that says why
// no alternative applies. The example's values: stand for the
// organisation catalog's.
func ExampleFix(e *runbooks.Entry, x runbooks.Example) (*translator.Finding, string, error) {
	if len(e.Fix) == 0 {
		return nil, "", errors.New("the entry has no fix: block")
	}
	f, err := x.Finding.Finding()
	if err != nil {
		return nil, "", err
	}
	if f.Path == "" {
		f.Path = "example.yaml"
		if _, _, _, ok := locate.TerraformResource(f.Resource); ok {
			f.Path = "main.tf"
		}
	}
	vals := runbooks.ExampleValues(x)
	var first error
	for _, spec := range e.Fix {
		if !fix.ForFinding(spec, f) {
			continue
		}
		got, err := fix.ComputeWith([]byte(x.Manifest), f, spec, "runbook:"+e.ID, vals)
		switch {
		case err != nil:
			if first == nil {
				first = fmt.Errorf("%s: %w", spec.Description, err)
			}
			continue
		case len(got.Edits) == 0:
			if first == nil {
				first = fmt.Errorf("%s: the manifest already holds what the fix sets", spec.Description)
			}
			continue
		}
		out, err := fix.Apply(x.Manifest, got.Edits)
		if err != nil {
			return nil, "", err
		}
		f.Fixes = append(f.Fixes, got)
		return f, out, nil
	}
	if first == nil {
		first = fmt.Errorf("no alternative of the fix is for this finding of %s (tools:, message:)", f.Tool)
	}
	return nil, "", first
}

// checkExampleFix checks an example's manifest and fixed text (runbooks
// test): the entry's fix must turn the one into the other exactly.
func checkExampleFix(e *runbooks.Entry, x runbooks.Example, fail func(string, ...any)) {
	switch {
	case x.Manifest == "" && x.Fixed == "":
		return
	case x.Manifest == "":
		fail("fixed needs the manifest the fix is applied to")
		return
	}
	f, got, err := ExampleFix(e, x)
	if err != nil {
		fail("fix: %v", err)
		return
	}
	if x.Fixed != "" && got != x.Fixed {
		fail("the fixed manifest differs from fixed:\n%s", fix.UnifiedDiff(f.Path, x.Fixed, got))
	}
}
