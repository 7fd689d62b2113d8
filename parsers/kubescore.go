package parsers

import (
	"io"
	"strconv"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
)

func init() {
	Register(Format{
		Name:        "kube-score",
		Tool:        "kube-score",
		Description: "kube-score JSON (objects with graded checks; one finding per failed check)",
		Example:     "kube-score score -o json k8s/*.yaml",
		Detect:      detectKubeScore,
		New: func(opts Options) (Parser, error) {
			return ParserFunc(func(r io.Reader, emit func(*translator.Finding) error) error {
				return parseKubeScore(opts, r, emit)
			}), nil
		},
	})
}

// kube-score grades (scorecard.Grade in github.com/zegl/kube-score): 1
// CRITICAL, 5 WARNING, 7 ALMOST_OK and 10 ALL_OK; the last two print as "OK".
const (
	kubeScoreGradeWarning  = 5
	kubeScoreGradeAlmostOK = 7
)

type kubeScoreObject struct {
	ObjectName string `json:"object_name"`
	FileName   string `json:"file_name"`
	FileRow    int    `json:"file_row"`
	TypeMeta   struct {
		Kind       string `json:"kind"`
		APIVersion string `json:"apiVersion"`
	} `json:"type_meta"`
	ObjectMeta struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"object_meta"`
	Checks []struct {
		Check struct {
			ID         string `json:"id"`
			Name       string `json:"name"`
			TargetType string `json:"target_type"`
			Comment    string `json:"comment"`
		} `json:"check"`
		Grade    int  `json:"grade"`
		Skipped  bool `json:"skipped"`
		Comments []struct {
			Path             string `json:"path"`
			Summary          string `json:"summary"`
			Description      string `json:"description"`
			DocumentationURL string `json:"documentation_url"`
		} `json:"comments"`
	} `json:"checks"`
}

// detectKubeScore looks for an array of objects with kube-score's
// object_name and type_meta keys.
func detectKubeScore(head []byte) int {
	h := trimHead(head)
	if len(h) == 0 || h[0] != '[' {
		return 0
	}
	if containsAll(h, `"object_name"`, `"type_meta"`, `"file_row"`) {
		return 2
	}
	return 0
}

// parseKubeScore emits one finding per failed check (grade below ALMOST_OK,
// not skipped), as kube-score's JSON counts them: 49 in the k8s-shop corpus
// run, where SARIF and the ci format list one entry per comment (89). The
// message is the comments' summaries, each prefixed by its path (the
// container, or the Ingress path for ingress checks), followed by their
// distinct descriptions.
//
// file_row is the line where the object's YAML document starts, not the line
// of the problem, so Line stays 0 and the document start goes to
// Extra["document_line"] for the locate stage. file_name is what kube-score
// read: for a `helm template` stream it is the "# Source:" template path.
func parseKubeScore(opts Options, r io.Reader, emit func(*translator.Finding) error) error {
	const format = "kube-score"
	data, err := io.ReadAll(r)
	if err != nil {
		return &ParseError{Format: format, File: opts.File, Offset: -1, Err: err}
	}
	els, err := jsonArrayElements(format, opts.File, data)
	if err != nil {
		return err
	}
	for i, el := range els {
		var o kubeScoreObject
		if err := decodeElement(format, opts.File, data, i, el, &o, "object_name", "checks"); err != nil {
			return err
		}
		for _, c := range o.Checks {
			if c.Skipped || c.Grade >= kubeScoreGradeAlmostOK {
				continue
			}
			f := &translator.Finding{
				Tool:         "kube-score",
				Code:         c.Check.ID,
				Severity:     translator.SeverityError,
				ToolSeverity: "CRITICAL",
				Title:        c.Check.Name,
				Resource:     kubeResource(o.TypeMeta.Kind, o.ObjectMeta.Namespace, o.ObjectMeta.Name),
			}
			if c.Grade >= kubeScoreGradeWarning {
				f.Severity, f.ToolSeverity = translator.SeverityWarning, "WARNING"
			}
			f.Path = CleanPath(o.FileName, opts.BaseDir)
			var msgs, descs, paths []string
			seenDesc, seenPath := map[string]bool{}, map[string]bool{}
			for _, cm := range c.Comments {
				m := cm.Summary
				if cm.Path != "" {
					m = "(" + cm.Path + ") " + m
					if !seenPath[cm.Path] {
						seenPath[cm.Path] = true
						paths = append(paths, cm.Path)
					}
				}
				msgs = append(msgs, m)
				if cm.Description != "" && !seenDesc[cm.Description] {
					seenDesc[cm.Description] = true
					descs = append(descs, cm.Description)
				}
				if f.URL == "" {
					f.URL = cm.DocumentationURL
				}
			}
			f.Message = strings.Join(msgs, "; ")
			if f.Message == "" {
				f.Message = c.Check.Name
			}
			if len(descs) > 0 {
				f.Message += ". " + strings.Join(descs, " ")
			}
			if c.Check.TargetType == "Pod" {
				// Pod checks comment per container.
				f.SetExtra("container", strings.Join(paths, ","))
			} else {
				f.SetExtra("comment_path", strings.Join(paths, ","))
			}
			f.SetExtra("namespace", o.ObjectMeta.Namespace)
			f.SetExtra("api_version", o.TypeMeta.APIVersion)
			if o.FileRow > 0 {
				f.SetExtra("document_line", strconv.Itoa(o.FileRow))
			}
			f.SetExtra("grade", strconv.Itoa(c.Grade))
			if err := emit(f); err != nil {
				return err
			}
		}
	}
	return nil
}
