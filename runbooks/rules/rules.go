// Package rules holds the rule lists of the tools the built-in catalog
// covers, extracted from each tool's source (see sources/extract.py and
// README.md), so that `runbooks coverage` can say which of a tool's default
// rules only get a generic runbook.
package rules

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// listsFS is the kept rule lists, one file per tool.
//
//go:embed *.yaml
var listsFS embed.FS

// List is one tool's rule list.
type List struct {
	Tool   string `yaml:"tool"`
	Source Source `yaml:"source"`
	// Note says what "default" means for this tool when it is not obvious.
	Note  string `yaml:"note,omitempty"`
	Rules []Rule `yaml:"rules"`
	// File is where the list was read from (set by the loader).
	File string `yaml:"-"`
}

// Source says where a list was extracted from.
type Source struct {
	Repo   string `yaml:"repo"`
	Commit string `yaml:"commit"`
	Path   string `yaml:"path"`
}

// Rule is one rule of a tool.
type Rule struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	// Default is true when the tool runs the rule without configuration
	// (or, for shellcheck, when the rule is one of the most frequent codes;
	// see the list's note).
	Default bool `yaml:"default"`
	// Aliases are other spellings the tool prints for the rule (trivy's
	// AVD ids, tfsec's AVD ids).
	Aliases  []string `yaml:"aliases,omitempty"`
	Severity string   `yaml:"severity,omitempty"`
	// Path is the rule's file in the source repository, when it has one.
	Path string `yaml:"path,omitempty"`
}

// Defaults returns the rules with Default set.
func (l *List) Defaults() []Rule {
	var out []Rule
	for _, r := range l.Rules {
		if r.Default {
			out = append(out, r)
		}
	}
	return out
}

// Parse decodes one rule list strictly: unknown keys, a missing tool,
// source or rule id, and duplicate ids are errors naming the file and line.
func Parse(name string, data []byte) (*List, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var l List
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("parse rule list %s: %w", name, err)
	}
	l.File = name
	if strings.TrimSpace(l.Tool) == "" {
		return nil, fmt.Errorf("parse rule list %s: no tool", name)
	}
	if l.Source.Repo == "" || l.Source.Commit == "" {
		return nil, fmt.Errorf("parse rule list %s: source needs repo and commit", name)
	}
	if len(l.Rules) == 0 {
		return nil, fmt.Errorf("parse rule list %s: no rules", name)
	}
	seen := map[string]int{}
	for i, r := range l.Rules {
		if strings.TrimSpace(r.ID) == "" {
			return nil, fmt.Errorf("parse rule list %s: rule %d has no id", name, i+1)
		}
		if j, dup := seen[r.ID]; dup {
			return nil, fmt.Errorf("parse rule list %s: rule %d repeats the id %q of rule %d", name, i+1, r.ID, j+1)
		}
		seen[r.ID] = i
	}
	return &l, nil
}

// Builtin returns the kept rule lists, sorted by tool.
func Builtin() ([]*List, error) {
	return loadFS(listsFS)
}

func loadFS(fsys fs.FS) ([]*List, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	var out []*List
	tools := map[string]string{}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		l, err := Parse(path.Join("runbooks/rules", n), data)
		if err != nil {
			return nil, err
		}
		if prev, dup := tools[l.Tool]; dup {
			return nil, fmt.Errorf("rule lists %s and %s are both for tool %q", prev, l.File, l.Tool)
		}
		tools[l.Tool] = l.File
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Tool < out[j].Tool })
	return out, nil
}
