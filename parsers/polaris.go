package parsers

import (
	"io"
	"sort"

	translator "github.com/runbook-translator/runbook-translator"
)

func init() {
	Register(Format{
		Name:        "polaris",
		Tool:        "polaris",
		Description: "Polaris audit JSON (failed checks at controller, pod and container level)",
		Example:     "polaris audit --audit-path k8s/ --format json",
		Detect:      detectPolaris,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parsePolaris(opts, r, emit)
			}), nil
		},
	})
}

// polarisCheck is one entry of a Polaris result set; passing checks are
// listed too (Success true) unless --only-show-failed-tests is given.
type polarisCheck struct {
	ID       string `json:"ID"`
	Message  string `json:"Message"`
	Success  bool   `json:"Success"`
	Severity string `json:"Severity"`
	Category string `json:"Category"`
}

type polarisReport struct {
	Results []struct {
		Name      string                  `json:"Name"`
		Namespace string                  `json:"Namespace"`
		Kind      string                  `json:"Kind"`
		Results   map[string]polarisCheck `json:"Results"`
		PodResult *struct {
			Name             string                  `json:"Name"`
			Results          map[string]polarisCheck `json:"Results"`
			ContainerResults []struct {
				Name    string                  `json:"Name"`
				Results map[string]polarisCheck `json:"Results"`
			} `json:"ContainerResults"`
		} `json:"PodResult"`
	} `json:"Results"`
}

// detectPolaris looks for the PolarisOutputVersion key that starts every
// audit report.
func detectPolaris(head []byte) int {
	h := trimHead(head)
	if len(h) > 0 && h[0] == '{' && containsAll(h, `"PolarisOutputVersion"`) {
		return 2
	}
	return 0
}

// parsePolaris emits one finding per failed check (Success false) at the
// controller, pod and container level, the way Polaris counts them (121 in
// the k8s-shop corpus run). Polaris's audit JSON names no file, even with
// --audit-path, so Path is empty and Resource identifies the object.
// Result sets are Go maps in Polaris, so their order varies between runs;
// checks are emitted sorted by ID for deterministic output.
func parsePolaris(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	const format = "polaris"
	data, err := io.ReadAll(r)
	if err != nil {
		return &ParseError{Format: format, File: opts.File, Offset: -1, Err: err}
	}
	var rep polarisReport
	if err := decodeObject(format, opts.File, data, &rep, "PolarisOutputVersion", "Results"); err != nil {
		return err
	}
	for _, x := range rep.Results {
		res := kubeResource(x.Kind, x.Namespace, x.Name)
		if err := emitPolarisChecks(x.Results, res, x.Namespace, "", emit); err != nil {
			return err
		}
		if x.PodResult == nil {
			continue
		}
		if err := emitPolarisChecks(x.PodResult.Results, res, x.Namespace, "", emit); err != nil {
			return err
		}
		for _, c := range x.PodResult.ContainerResults {
			if err := emitPolarisChecks(c.Results, res, x.Namespace, c.Name, emit); err != nil {
				return err
			}
		}
	}
	return nil
}

func emitPolarisChecks(set map[string]polarisCheck, resource, namespace, container string, emit func(*translator.Finding) error) error {
	ids := make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c := set[id]
		if c.Success {
			continue
		}
		code := c.ID
		if code == "" {
			code = id
		}
		f := &translator.Finding{
			Tool:         "polaris",
			Code:         code,
			Severity:     polarisSeverity(c.Severity),
			ToolSeverity: c.Severity,
			Message:      c.Message,
			Resource:     resource,
		}
		if f.Message == "" {
			f.Message = "polaris check " + code + " failed"
		}
		f.SetExtra("category", c.Category)
		f.SetExtra("namespace", namespace)
		f.SetExtra("container", container)
		if err := emit(f); err != nil {
			return err
		}
	}
	return nil
}

// polarisSeverity maps Polaris levels: danger fails `--set-exit-code-on-danger`
// (error); warning does not; "ignore" checks are not run, so they only show
// up as info if a config marks one failed.
func polarisSeverity(s string) translator.Severity {
	switch s {
	case "danger":
		return translator.SeverityError
	case "ignore":
		return translator.SeverityInfo
	}
	return translator.SeverityWarning
}
