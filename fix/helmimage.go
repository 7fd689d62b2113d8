package fix

import (
	"strings"

	"gopkg.in/yaml.v3"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// An image a Helm template writes from two values, as `helm create` and
// most charts do,
//
//	image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
//
// (the tag with `| default .Chart.AppVersion` too), is replaced through a
// catalog_map: table in the chart's values.yaml: the reference is the two
// values joined by ":", its entry in the table is split again at its tag,
// and both values are replaced. Only for a fix of that one edit, a tag
// that values.yaml sets (not the default), and an entry that has a tag
// and no digest; otherwise no suggestion, and the note says why.

// imageValuesLine matches the template line: the two dotted values paths.
var imageValuesLine = lazyre.New(`^\s*(?:- )?image:\s*"\{\{-?\s*\.Values\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*-?\}\}:\{\{-?\s*\.Values\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(?:\s*\|\s*default\s+\.Chart\.AppVersion)?\s*-?\}\}"\s*$`)

// imageValuesFix returns, for a fix whose one edit is a catalog_map:
// replace of a container's image that the template src writes from two
// values, the values paths of the repository and the tag; ok false when
// the fix or the line is not of that shape.
func imageValuesFix(src string, f *translator.Finding, fx runbooks.Fix) (repo, tag string, ok bool) {
	if len(fx.Edits) != 1 || fx.Edits[0].CatalogMap == "" {
		return "", "", false
	}
	op, p := fx.Edits[0].Op()
	if op != "replace" {
		return "", "", false
	}
	fp, err := locate.ParseFieldPath(p)
	if err != nil {
		return "", "", false
	}
	if steps := fp.Steps(); steps[len(steps)-1].Key != "image" {
		return "", "", false
	}
	m := helmMask(src)
	loc := templateLocator(f, m)
	d, _, err := loc(m.masked)
	if err != nil {
		return "", "", false
	}
	v := vars(m.masked, f, &d)
	ps, err := expandPaths(fp, v)
	if err != nil || len(ps) != 1 {
		if v["container"] != "" && !strings.Contains(v["container"], helmMarker) {
			return "", "", false
		}
		ps = []locate.FieldPath{withAnyName(fp)} // the template's one container
	}
	n := presentScalar(d.Root, d.Kind, ps[0])
	if n == nil && strings.Contains(p, "[name=$container]") {
		// the container the tool named is named by an action here: the
		// pod's one container, when it has one
		if cs, err := locate.ParseFieldPath("spec.containers"); err == nil {
			if l := presentOf(d.Root, d.Kind, cs, yaml.SequenceNode); l != nil && len(l.Content) == 1 {
				if q, err := locate.ParseFieldPath(strings.Replace(p, "[name=$container]", "[0]", 1)); err == nil {
					n = presentScalar(d.Root, d.Kind, q)
				}
			}
		}
	}
	if n == nil || !strings.Contains(n.Value, helmMarker) {
		return "", "", false
	}
	sm := imageValuesLine().FindStringSubmatch(strings.TrimRight(newText(src).line(n.Line), "\r"))
	if sm == nil {
		return "", "", false
	}
	return sm[1], sm[2], true
}

// imageValuesEdits are the two replace edits of values.yaml (its text
// vsrc, at vp) that give the repository and tag values the copy the table
// gives for the image they make now.
func imageValuesEdits(vsrc, vp, repo, tag string, ed runbooks.FixEdit) (runbooks.Fix, error) {
	table, _ := ed.Value.(map[string]string)
	d, _, err := valuesLocator(vp)(vsrc)
	if err != nil {
		return runbooks.Fix{}, err
	}
	get := func(p string) *yaml.Node {
		cur := deref(d.Root)
		for _, k := range strings.Split(p, ".") {
			if cur == nil || cur.Kind != yaml.MappingNode {
				return nil
			}
			_, cur = entry(cur, k)
			cur = deref(cur)
		}
		if cur == nil || cur.Kind != yaml.ScalarNode || isNull(cur) || cur.Value == "" {
			return nil
		}
		return cur
	}
	r, t := get(repo), get(tag)
	if r == nil || t == nil {
		missing := repo
		if r != nil {
			missing = tag
		}
		return runbooks.Fix{}, helm("fixnote.helm_image_values", missing, vp)
	}
	present := r.Value + ":" + t.Value
	if isTableValue(table, present) {
		return runbooks.Fix{}, nil
	}
	copyRef, ok := lookupTable(table, "image", present, false)
	if !ok {
		return runbooks.Fix{}, notHereP("fixnote.map_no_entry", ed.CatalogMap, present)
	}
	i := strings.LastIndexByte(copyRef, ':')
	if strings.Contains(copyRef, "@") || i <= strings.LastIndexByte(copyRef, '/') {
		return runbooks.Fix{}, helm("fixnote.helm_image_split", copyRef)
	}
	return runbooks.Fix{Edits: []runbooks.FixEdit{
		{Replace: repo, Value: copyRef[:i]},
		{Replace: tag, Value: copyRef[i+1:]},
	}}, nil
}
