package locate

import (
	"io/fs"
	"path"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/messages"
)

// tfAddr is a parsed resource address without its instance keys.
type tfAddr struct {
	modules []string
	mode    string // "resource" or "data"
	typ     string
	name    string
}

var (
	tfIdent    = lazyre.New(`^[A-Za-z_][A-Za-z0-9_-]*$`)
	tfTypeName = lazyre.New(`^[a-z][a-z0-9]*_[a-z0-9_]+$`)
)

// parseAddress parses module.a["k"].data.t.n[0]-style addresses. Instance
// keys ([0], ["key"]) are skipped: they select an instance of the one block.
func parseAddress(s string) (tfAddr, bool) {
	var parts []string
	i := 0
	for i < len(s) {
		j := i
		for j < len(s) && s[j] != '.' && s[j] != '[' {
			j++
		}
		if j == i {
			return tfAddr{}, false
		}
		parts = append(parts, s[i:j])
		i = j
		if i < len(s) && s[i] == '[' {
			// skip the key, honouring quotes: ["a.b]c"]
			inq := false
			for i++; i < len(s); i++ {
				switch {
				case inq && s[i] == '\\':
					i++
				case s[i] == '"':
					inq = !inq
				case !inq && s[i] == ']':
					goto closed
				}
			}
			return tfAddr{}, false
		closed:
			i++
		}
		if i < len(s) {
			if s[i] != '.' || i+1 == len(s) {
				return tfAddr{}, false
			}
			i++
		}
	}
	var a tfAddr
	for len(parts) >= 2 && parts[0] == "module" {
		a.modules = append(a.modules, parts[1])
		parts = parts[2:]
	}
	a.mode = "resource"
	if len(parts) == 3 && parts[0] == "data" {
		a.mode = "data"
		parts = parts[1:]
	}
	if len(parts) != 2 || !tfTypeName().MatchString(parts[0]) || !tfIdent().MatchString(parts[1]) {
		return tfAddr{}, false
	}
	for _, m := range a.modules {
		if !tfIdent().MatchString(m) {
			return tfAddr{}, false
		}
	}
	a.typ, a.name = parts[0], parts[1]
	return a, true
}

// isTerraformAddress reports whether res looks like a Terraform resource
// address (aws_s3_bucket.logs), as opposed to a Kubernetes "Kind/name".
func isTerraformAddress(res string) bool {
	_, ok := parseAddress(res)
	return ok
}

// tfBlock is one resource, data or module block.
type tfBlock struct {
	file   string
	block  *hclsyntax.Block
	source string // module source, when a literal string
}

// tfModule holds the blocks of one directory's .tf files.
type tfModule struct {
	blocks map[string][]tfBlock
}

// tfModule parses the .tf files of a root-relative directory, cached. A
// file with syntax errors contributes only the blocks that end before its
// first error, whose positions are sure.
func (s *Stage) tfModule(dir string) *tfModule {
	if m, ok := s.tf[dir]; ok {
		return m
	}
	m := &tfModule{blocks: map[string][]tfBlock{}}
	s.tf[dir] = m
	entries, err := fs.ReadDir(s.root.FS(), dir)
	if err != nil {
		return m
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		rel := path.Join(dir, e.Name())
		data, err := s.readFile(rel)
		if err != nil {
			continue
		}
		file, diags := hclsyntax.ParseConfig(data, rel, hcl.Pos{Line: 1, Column: 1})
		if file == nil {
			continue
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		firstErr := 1 << 30
		for _, d := range diags {
			if d.Severity == hcl.DiagError {
				if d.Subject == nil {
					firstErr = 0
				} else if d.Subject.Start.Line < firstErr {
					firstErr = d.Subject.Start.Line
				}
			}
		}
		for _, b := range body.Blocks {
			if b.Range().End.Line >= firstErr {
				continue
			}
			switch {
			case (b.Type == "resource" || b.Type == "data") && len(b.Labels) == 2:
				k := b.Type + "." + b.Labels[0] + "." + b.Labels[1]
				m.blocks[k] = append(m.blocks[k], tfBlock{file: rel, block: b})
			case b.Type == "module" && len(b.Labels) == 1:
				tb := tfBlock{file: rel, block: b}
				if a, ok := b.Body.Attributes["source"]; ok {
					if v, d := a.Expr.Value(nil); !d.HasErrors() && v.Type().FriendlyName() == "string" && v.IsKnown() && !v.IsNull() {
						tb.source = v.AsString()
					}
				}
				k := "module." + b.Labels[0]
				m.blocks[k] = append(m.blocks[k], tb)
			}
		}
	}
	return m
}

// findTerraform looks the address up from a root-relative directory,
// following local module sources.
func (s *Stage) findTerraform(dir string, a tfAddr) (tfBlock, bool) {
	for _, mod := range a.modules {
		bs := s.tfModule(dir).blocks["module."+mod]
		if len(bs) != 1 {
			return tfBlock{}, false
		}
		src := bs[0].source
		if !strings.HasPrefix(src, "./") && !strings.HasPrefix(src, "../") {
			return tfBlock{}, false // registry or git module: not on disk
		}
		next, ok := cleanRel(path.Join(dir, src))
		if !ok {
			return tfBlock{}, false
		}
		dir = next
	}
	bs := s.tfModule(dir).blocks[a.mode+"."+a.typ+"."+a.name]
	if len(bs) != 1 {
		return tfBlock{}, false
	}
	return bs[0], true
}

// locateTerraform points a finding with a resource address at its block.
func (s *Stage) locateTerraform(f *translator.Finding) bool {
	a, ok := parseAddress(f.Resource)
	if !ok {
		return false
	}
	dirs := s.opts.TerraformDirs
	if len(dirs) == 0 && f.Path != "" {
		dirs = []string{path.Dir(f.Path)}
	}
	seen := map[string]bool{}
	var hits []tfBlock
	for _, d := range dirs {
		rel := path.Clean(d)
		if rel != "." {
			var ok bool
			if rel, ok = cleanRel(d); !ok {
				continue
			}
		}
		if seen[rel] {
			continue
		}
		seen[rel] = true
		if b, ok := s.findTerraform(rel, a); ok {
			hits = append(hits, b)
		}
	}
	if len(hits) != 1 {
		return false
	}
	b := hits[0]
	res := truncate(f.Resource, 200)
	def := b.block.DefRange()
	line, col, end := def.Start.Line, def.Start.Column, b.block.Range().End.Line
	desc := messages.M("loc.resource", res)
	if h := s.hint(f); h != "" {
		if p, err := parsePath(h); err == nil {
			if rng, got, ok := tfAttribute(b.block.Body, p); ok {
				line, col, end = rng.Start.Line, rng.Start.Column, rng.End.Line
				if got == p.String() {
					desc = messages.M("loc.attr", got, res)
				} else {
					desc = messages.M("loc.attr_unset", p.String(), res, got)
				}
			} else {
				desc = messages.M("loc.attr_block", p.String(), res)
			}
		}
	}
	if end <= line {
		end = 0
	}
	f.Path = b.file
	f.Line, f.Column, f.EndLine, f.EndColumn = line, col, end, 0
	setLocated(f, messages.M("loc.at", desc, b.file, line))
	return true
}

// tfAttribute follows an attribute path (tags.team, versioning.enabled)
// into a block body: nested blocks by type, attributes by name, and keys of
// a literal object ({ team = "x" }). It returns the range of the deepest
// part found and its path, false when not even the first part exists.
func tfAttribute(body *hclsyntax.Body, p fieldPath) (hcl.Range, string, bool) {
	var rng hcl.Range
	var got []string
	var expr hclsyntax.Expression
	for i, seg := range p {
		if seg.key == "" || seg.sel != nil && i < len(p)-1 {
			break
		}
		if expr != nil {
			obj, ok := expr.(*hclsyntax.ObjectConsExpr)
			if !ok {
				break
			}
			var hit *hclsyntax.ObjectConsItem
			for j := range obj.Items {
				k, d := obj.Items[j].KeyExpr.Value(nil)
				if !d.HasErrors() && k.IsKnown() && !k.IsNull() && k.Type().FriendlyName() == "string" && k.AsString() == seg.key {
					hit = &obj.Items[j]
					break
				}
			}
			if hit == nil {
				break
			}
			rng = hcl.RangeBetween(hit.KeyExpr.Range(), hit.ValueExpr.Range())
			expr = hit.ValueExpr
			got = append(got, seg.key)
			continue
		}
		if body == nil {
			break
		}
		if a, ok := body.Attributes[seg.key]; ok {
			rng, expr, body = a.SrcRange, a.Expr, nil
			got = append(got, seg.key)
			continue
		}
		var blocks []*hclsyntax.Block
		for _, b := range body.Blocks {
			if b.Type == seg.key {
				blocks = append(blocks, b)
			}
		}
		if len(blocks) != 1 {
			break
		}
		rng, body = blocks[0].Range(), blocks[0].Body
		rng.Start = blocks[0].DefRange().Start
		got = append(got, seg.key)
	}
	if len(got) == 0 {
		return hcl.Range{}, "", false
	}
	return rng, strings.Join(got, "."), true
}
