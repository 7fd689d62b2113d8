package parsers

import (
	"io"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
)

func init() {
	Register(Format{
		Name:        "kubeconform",
		Tool:        "kubeconform",
		Description: "kubeconform JSON (one finding per invalid or unvalidated resource)",
		Example:     "kubeconform -summary -output json k8s/",
		Detect:      detectKubeconform,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseKubeconform(opts, r, emit)
			}), nil
		},
	})
}

// kubeconform has no rule IDs; these codes name its three kinds of failure.
const (
	// KubeconformInvalid is a resource that does not match its schema
	// (status statusInvalid).
	KubeconformInvalid = "invalid-schema"
	// KubeconformMissingSchema is a resource whose schema was not found
	// (statusError with "could not find schema"), e.g. a custom resource.
	KubeconformMissingSchema = "missing-schema"
	// KubeconformError is any other error (statusError): unreadable YAML, a
	// document without kind, a schema that failed to load.
	KubeconformError = "error"
)

type kubeconformReport struct {
	Resources []struct {
		Filename         string `json:"filename"`
		Kind             string `json:"kind"`
		Name             string `json:"name"`
		Version          string `json:"version"`
		Status           string `json:"status"`
		Msg              string `json:"msg"`
		ValidationErrors []struct {
			Path string `json:"path"`
			Msg  string `json:"msg"`
		} `json:"validationErrors"`
	} `json:"resources"`
}

// detectKubeconform needs "resources" plus a kubeconform status or the
// -summary block (valid/invalid/errors/skipped).
func detectKubeconform(head []byte) int {
	h := trimHead(head)
	if len(h) == 0 || h[0] != '{' || !containsAll(h, `"resources"`) {
		return 0
	}
	for _, s := range []string{`"statusInvalid"`, `"statusError"`, `"statusValid"`, `"statusSkipped"`} {
		if containsAll(h, s) {
			return 2
		}
	}
	if containsAll(h, `"summary"`, `"valid"`, `"invalid"`, `"errors"`, `"skipped"`) {
		return 2
	}
	return 0
}

// parseKubeconform emits one finding per failing resource, the unit
// kubeconform itself counts (its summary, its exit code, the text output's
// one line per resource): k8s-invalid has 3 findings although the Deployment
// carries 3 validationErrors. Those are joined into the message and their
// JSON pointers kept in Extra["json_pointer"] (the first, for the locate
// stage) and Extra["json_pointers"] (all, comma-separated).
//
// The message is built from validationErrors when there are any, because
// msg repeats them after the schema's URL, an absolute path of the machine
// that ran kubeconform (it would make fingerprints machine-dependent); msg is
// kept in Extra["kubeconform_msg"].
func parseKubeconform(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	const format = "kubeconform"
	data, err := io.ReadAll(r)
	if err != nil {
		return &ParseError{Format: format, File: opts.File, Offset: -1, Err: err}
	}
	var rep kubeconformReport
	if err := decodeObject(format, opts.File, data, &rep, "resources"); err != nil {
		return err
	}
	for _, x := range rep.Resources {
		status := strings.ToLower(strings.TrimPrefix(x.Status, "status"))
		var code string
		switch status {
		case "valid", "skipped", "empty":
			continue
		case "invalid":
			code = KubeconformInvalid
		default: // "error", and any status a later kubeconform adds
			code = KubeconformError
			if strings.Contains(x.Msg, "could not find schema") {
				code = KubeconformMissingSchema
			}
		}
		f := &translator.Finding{
			Tool:         "kubeconform",
			Code:         code,
			Severity:     translator.SeverityError,
			ToolSeverity: x.Status,
			Message:      x.Msg,
			Resource:     kubeResource(x.Kind, "", x.Name),
		}
		f.Path = CleanPath(x.Filename, opts.BaseDir)
		f.SetExtra("api_version", x.Version)
		if len(x.ValidationErrors) > 0 {
			msgs := make([]string, 0, len(x.ValidationErrors))
			ptrs := make([]string, 0, len(x.ValidationErrors))
			var unknown []string
			for _, ve := range x.ValidationErrors {
				msgs = append(msgs, ve.Path+": "+ve.Msg)
				ptrs = append(ptrs, ve.Path)
				unknown = append(unknown, unknownFields(ve.Path, ve.Msg)...)
			}
			f.SetExtra("unknown_fields", strings.Join(unknown, ","))
			f.Message = strings.Join(msgs, "; ")
			f.SetExtra("json_pointer", ptrs[0])
			if len(ptrs) > 1 {
				f.SetExtra("json_pointers", strings.Join(ptrs, ","))
			}
			f.SetExtra("kubeconform_msg", x.Msg)
		}
		if f.Message == "" {
			f.Message = "kubeconform: " + x.Kind + " " + x.Name + " is " + status
		}
		if err := emit(f); err != nil {
			return err
		}
	}
	return nil
}

// unknownFields returns the JSON pointers of the keys a validation error
// "additional properties 'a', 'b' not allowed" (strict mode, at the
// mapping path) names: the keys the schema does not know, which a fix may
// rename. A key with a quote or a comma in it is left out: the message
// (and the comma-separated Extra) cannot say where it ends.
func unknownFields(path, msg string) []string {
	const pre, suf = "additional properties ", " not allowed"
	if !strings.HasPrefix(msg, pre) || !strings.HasSuffix(msg, suf) || (path != "" && !strings.HasPrefix(path, "/")) {
		return nil
	}
	list := strings.TrimSuffix(strings.TrimPrefix(msg, pre), suf)
	if len(list) < 2 || list[0] != '\'' || list[len(list)-1] != '\'' {
		return nil
	}
	var out []string
	for _, k := range strings.Split(list[1:len(list)-1], "', '") {
		if k == "" || strings.ContainsAny(k, "',") {
			return nil
		}
		k = strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
		out = append(out, path+"/"+k)
	}
	return out
}
