package runbooks

import (
	"fmt"
	"io/fs"

	translator "github.com/runbook-translator/runbook-translator"
)

// RenderEntry renders the entry with the given id for f, whether or not f
// would match it, which is what catalog tools need: `runbooks lint` and
// `runbooks preview` show every entry, including the ones a more specific
// entry steals a sample from. Named groups of the entry's first message
// pattern that matches f.Message become .Captures. The severity override
// is not applied (see Apply). It returns nil for an unknown id.
func (c *Catalog) RenderEntry(id string, f *translator.Finding) *translator.Runbook {
	ce, _ := c.find(id)
	if ce == nil {
		return nil
	}
	var caps map[string]string
	ce.full()
	for _, re := range ce.regexps() {
		if re == nil {
			continue
		}
		sub := re.FindStringSubmatch(f.Message)
		if sub == nil {
			continue
		}
		for i, name := range re.SubexpNames() {
			if name != "" && i < len(sub) {
				if caps == nil {
					caps = map[string]string{}
				}
				caps[name] = sub[i]
			}
		}
		break
	}
	rb := render(ce, f, caps)
	got, _, lvl := c.match(f, true)
	rb.Generic = got == ce && lvl == LevelDefault
	return rb
}

// EntrySeverity returns the parsed severity override of the entry with the
// given id, or translator.SeverityUnknown when it has none.
func (c *Catalog) EntrySeverity(id string) translator.Severity {
	if ce, _ := c.find(id); ce != nil {
		return ce.sev
	}
	return translator.SeverityUnknown
}

// BuiltinFile returns the text of one embedded catalog file ("pod-security.yaml"),
// so tools can point at lines of builtin sources.
func BuiltinFile(name string) ([]byte, error) {
	b, err := fs.ReadFile(builtinFS, "builtin/"+name)
	if err != nil {
		return nil, fmt.Errorf("read builtin catalog: %w", err)
	}
	return b, nil
}
