package parsers

import (
	"bytes"
	"io"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

func init() {
	Register(Format{
		Name:        "kube-linter",
		Tool:        "kube-linter",
		Description: "kube-linter JSON report (Reports[] with check, object and remediation)",
		Example:     "kube-linter lint --format json k8s/",
		Detect:      detectKubeLinter,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseKubeLinter(opts, r, emit)
			}), nil
		},
	})
}

// kubeLinterReport is `kube-linter lint --format json` (v0.8): Checks lists
// every enabled check, Reports every problem and is null when clean.
type kubeLinterReport struct {
	Checks []struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	} `json:"Checks"`
	Reports []struct {
		Diagnostic struct {
			Message string `json:"Message"`
		} `json:"Diagnostic"`
		Check       string `json:"Check"`
		Remediation string `json:"Remediation"`
		Object      struct {
			Metadata struct {
				FilePath string `json:"FilePath"`
			} `json:"Metadata"`
			K8sObject struct {
				Namespace        string `json:"Namespace"`
				Name             string `json:"Name"`
				GroupVersionKind struct {
					Group   string `json:"Group"`
					Version string `json:"Version"`
					Kind    string `json:"Kind"`
				} `json:"GroupVersionKind"`
			} `json:"K8sObject"`
		} `json:"Object"`
	} `json:"Reports"`
}

var kubeLinterChecksKey = jsonKeyPattern("Checks")

// kubeLinterContainer finds the container kube-linter names in its
// diagnostics: `container "api" does not have a read-only root file system`,
// `container postgres mounts path ... on the host as writable`.
var kubeLinterContainer = lazyre.New(`\bcontainer (?:"([^"]+)"|([a-z0-9][-a-z0-9.]*) mounts )`)

// detectKubeLinter looks for the report's first key, "Checks" (an array of
// check definitions with a "template"), or for the K8sObject of a report.
func detectKubeLinter(head []byte) int {
	h := trimHead(head)
	if len(h) == 0 || h[0] != '{' {
		return 0
	}
	if loc := kubeLinterChecksKey().FindIndex(h); loc != nil && bytes.Count(h[:loc[0]], []byte(`"`)) == 0 &&
		containsAll(h, `"template"`, `"remediation"`) {
		return 2
	}
	if containsAll(h, `"Reports"`, `"K8sObject"`, `"Diagnostic"`) {
		return 2
	}
	return 0
}

// parseKubeLinter emits one error finding per report: kube-linter fails on
// any report and has no severity. It gives no line, so Line stays 0 for the
// locate stage to fill from the object.
func parseKubeLinter(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	const format = "kube-linter"
	data, err := io.ReadAll(r)
	if err != nil {
		return &ParseError{Format: format, File: opts.File, Offset: -1, Err: err}
	}
	var rep kubeLinterReport
	if err := decodeObject(format, opts.File, data, &rep, "Reports"); err != nil {
		return err
	}
	desc := make(map[string]string, len(rep.Checks))
	for _, c := range rep.Checks {
		desc[c.Name] = c.Description
	}
	for _, x := range rep.Reports {
		obj := x.Object.K8sObject
		f := &translator.Finding{
			Tool:        "kube-linter",
			Code:        x.Check,
			Severity:    translator.SeverityError,
			Message:     x.Diagnostic.Message,
			Title:       desc[x.Check],
			Remediation: x.Remediation,
			Resource:    kubeResource(obj.GroupVersionKind.Kind, obj.Namespace, obj.Name),
		}
		f.Path = CleanPath(x.Object.Metadata.FilePath, opts.BaseDir)
		f.SetExtra("namespace", obj.Namespace)
		if m := kubeLinterContainer().FindStringSubmatch(x.Diagnostic.Message); m != nil {
			f.SetExtra("container", m[1]+m[2])
		}
		gv := obj.GroupVersionKind.Version
		if obj.GroupVersionKind.Group != "" {
			gv = obj.GroupVersionKind.Group + "/" + gv
		}
		f.SetExtra("api_version", gv)
		if f.Message == "" {
			f.Message = "kube-linter check " + x.Check + " failed"
		}
		if err := emit(f); err != nil {
			return err
		}
	}
	return nil
}
