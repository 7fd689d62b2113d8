package authoring

import (
	"errors"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/runbooks"
)

// Catalog is a merged catalog and which of its layers are the ones being
// worked on: the built-in layer when no path was given, otherwise the
// layers read from the paths (the built-in catalog below them only serves
// to detect shadowing and stolen examples).
type Catalog struct {
	*runbooks.Catalog
	// Targets are the names of the layers under work.
	Targets map[string]bool
	// Files are the catalog files of the target layers.
	Files map[string]bool
}

// Load reads the built-in catalog (unless noBuiltin) and each path as one
// layer, in order, and merges them. With no paths the built-in layer is the
// target. Load errors of all paths are returned together; each wraps
// *runbooks.LoadError values with file and line.
func Load(paths []string, noBuiltin bool) (*Catalog, error) {
	layers, errs := loadLayers(paths, noBuiltin)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return merge(layers, paths), nil
}

func loadLayers(paths []string, noBuiltin bool) ([]*runbooks.Layer, []error) {
	var layers []*runbooks.Layer
	var errs []error
	if !noBuiltin || len(paths) == 0 {
		b, err := runbooks.Builtin()
		if err != nil {
			errs = append(errs, err)
		} else {
			layers = append(layers, b)
		}
	}
	for _, p := range paths {
		l, err := runbooks.LoadPath(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		layers = append(layers, l)
	}
	return layers, errs
}

func merge(layers []*runbooks.Layer, paths []string) *Catalog {
	c := &Catalog{Catalog: runbooks.Merge(layers...), Targets: map[string]bool{}, Files: map[string]bool{}}
	for _, l := range layers {
		if (len(paths) == 0 && l.Name == "builtin") || (len(paths) > 0 && l.Name != "builtin") {
			c.Targets[l.Name] = true
			for _, f := range l.Files {
				c.Files[f] = true
			}
		}
	}
	return c
}

// TargetEntries returns the surviving entries of the target layers, sorted
// by id.
func (c *Catalog) TargetEntries() []*runbooks.Entry {
	var out []*runbooks.Entry
	for _, e := range c.Entries() {
		if c.Targets[c.LayerOf(e.ID)] {
			out = append(out, e)
		}
	}
	return out
}

// InTarget reports whether a source ("file:line") is in a target file.
func (c *Catalog) InTarget(src string) bool {
	f, _ := splitSource(src)
	return c.Files[f]
}

// loadErrors flattens joined load errors into *runbooks.LoadError values;
// other errors (a missing file) become a LoadError without a line.
func loadErrors(err error) []*runbooks.LoadError {
	var out []*runbooks.LoadError
	var walk func(error)
	walk = func(err error) {
		if le, ok := err.(*runbooks.LoadError); ok {
			out = append(out, le)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var le *runbooks.LoadError
		if errors.As(err, &le) {
			out = append(out, le)
			return
		}
		var pe *os.PathError
		if errors.As(err, &pe) {
			out = append(out, &runbooks.LoadError{File: pe.Path, Msg: err.Error()})
			return
		}
		out = append(out, &runbooks.LoadError{File: "?", Msg: err.Error()})
	}
	walk(err)
	return out
}

// fileLines is what catalog tools need to know about lines of a catalog
// file that the loader does not record.
type fileLines struct {
	// examples maps an entry's line (as in Entry.Source) to the line of
	// each of its examples.
	examples map[int][]int
	// matchers maps an entry's line to the line of each of its matchers.
	matchers map[int][]int
	// disable maps a disabled id to its line.
	disable map[string]int
}

// readLines parses a catalog file ("builtin:name.yaml" for the embedded
// ones) for example and disable lines; empty maps when it cannot.
func readLines(file string) fileLines {
	var data []byte
	var err error
	if name, ok := strings.CutPrefix(file, "builtin:"); ok {
		data, err = runbooks.BuiltinFile(name)
	} else {
		data, err = os.ReadFile(file)
	}
	fl := fileLines{examples: map[int][]int{}, matchers: map[int][]int{}, disable: map[string]int{}}
	var root yaml.Node
	if err != nil || yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return fl
	}
	doc := root.Content[0]
	if seq := mapValue(doc, "entries"); seq != nil && seq.Kind == yaml.SequenceNode {
		for _, e := range seq.Content {
			if ms := mapValue(e, "match"); ms != nil && ms.Kind == yaml.SequenceNode {
				for _, m := range ms.Content {
					fl.matchers[e.Line] = append(fl.matchers[e.Line], m.Line)
				}
			}
			if xs := mapValue(e, "examples"); xs != nil && xs.Kind == yaml.SequenceNode {
				for _, x := range xs.Content {
					fl.examples[e.Line] = append(fl.examples[e.Line], x.Line)
				}
			}
		}
	}
	if seq := mapValue(doc, "disable"); seq != nil && seq.Kind == yaml.SequenceNode {
		for _, d := range seq.Content {
			fl.disable[d.Value] = d.Line
		}
	}
	return fl
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// lineIndex caches readLines per file.
type lineIndex map[string]fileLines

func (x lineIndex) get(file string) fileLines {
	fl, ok := x[file]
	if !ok {
		fl = readLines(file)
		x[file] = fl
	}
	return fl
}

// exampleLine returns the file and line of example i of the entry, or the
// entry's own line when unknown.
func (x lineIndex) exampleLine(e *runbooks.Entry, i int) (string, int) {
	file, line := splitSource(e.Source)
	if ex := x.get(file).examples[line]; i < len(ex) {
		return file, ex[i]
	}
	return file, line
}

// matcherLine returns the line of matcher j of the entry, or the entry's
// own line when unknown.
func (x lineIndex) matcherLine(e *runbooks.Entry, j int) int {
	file, line := splitSource(e.Source)
	if ms := x.get(file).matchers[line]; j < len(ms) {
		return ms[j]
	}
	return line
}
