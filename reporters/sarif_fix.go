package reporters

import (
	"strings"
	"unicode/utf8"

	translator "github.com/runbook-translator/runbook-translator"
)

// SARIF fixes (§3.55): one per Fix, best first, each an artifactChange per
// file with its replacements (§3.57): the deleted region and the inserted
// text. GitHub code scanning does not show fixes but ingests a log that
// has them; editors (the SARIF viewer of VS Code) offer them.

type sarifFixOut struct {
	Description     *sarifText            `json:"description,omitempty"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifact         `json:"artifactLocation"`
	Replacements     []sarifReplacementOut `json:"replacements"`
}

// sarifReplacementOut always gives all four region numbers: an absent
// endColumn would mean the end of the line (§3.30.8).
type sarifReplacementOut struct {
	DeletedRegion   sarifRegion `json:"deletedRegion"`
	InsertedContent *sarifText  `json:"insertedContent,omitempty"`
}

// maxSARIFFixText bounds the inserted text a log carries per finding, as
// messages are bounded.
const maxSARIFFixText = 64 << 10

// sarifFixes converts a finding's fixes. SARIF columns count UTF-16 code
// units by default (§3.14.17 columnKind), Edit columns bytes: a column
// past 1 is converted with the file's text (read), and a fix whose file
// cannot be read, or whose text is over the bound, is left out and counted
// in the result's properties.
func sarifFixes(f *translator.Finding, read func(string) ([]byte, error)) (out []sarifFixOut, left int) {
	texts := map[string][]string{}
	lines := func(p string) []string {
		if ls, ok := texts[p]; ok {
			return ls
		}
		var ls []string
		if read != nil {
			if b, err := read(p); err == nil {
				ls = strings.Split(string(b), "\n")
			}
		}
		texts[p] = ls
		return ls
	}
	for _, fx := range f.Fixes {
		o, ok := sarifFix(fx, lines)
		if !ok {
			left++
			continue
		}
		out = append(out, o)
	}
	return out, left
}

func sarifFix(fx translator.Fix, lines func(string) []string) (sarifFixOut, bool) {
	var o sarifFixOut
	if d := strings.TrimSpace(fx.Description); d != "" {
		o.Description = &sarifText{Text: truncate(d, sarifMaxMessage)}
	}
	size := 0
	byPath := map[string]int{}
	for _, e := range fx.Edits {
		if e.Path == "" || strings.HasPrefix(e.Path, "/") || e.StartLine < 1 || e.EndLine < e.StartLine {
			return o, false
		}
		size += len(e.Text)
		if size > maxSARIFFixText || !utf8.ValidString(e.Text) {
			return o, false
		}
		sc, ok1 := utf16Column(lines, e.Path, e.StartLine, e.StartColumn)
		ec, ok2 := utf16Column(lines, e.Path, e.EndLine, e.EndColumn)
		if !ok1 || !ok2 {
			return o, false
		}
		i, seen := byPath[e.Path]
		if !seen {
			i = len(o.ArtifactChanges)
			byPath[e.Path] = i
			o.ArtifactChanges = append(o.ArtifactChanges, sarifArtifactChange{
				ArtifactLocation: sarifArtifact{URI: pathURI(e.Path), URIBaseID: sarifSrcRoot}})
		}
		r := sarifReplacementOut{DeletedRegion: sarifRegion{StartLine: e.StartLine, StartColumn: sc, EndLine: e.EndLine, EndColumn: ec}}
		if e.Text != "" {
			r.InsertedContent = &sarifText{Text: e.Text}
		}
		o.ArtifactChanges[i].Replacements = append(o.ArtifactChanges[i].Replacements, r)
	}
	return o, len(o.ArtifactChanges) > 0
}

// utf16Column converts a byte column of a line to UTF-16 code units.
// Column 1 is the same in every unit and needs no text.
func utf16Column(lines func(string) []string, path string, line, col int) (int, bool) {
	if col <= 1 {
		return 1, true
	}
	ls := lines(path)
	if line > len(ls) {
		return 0, false
	}
	l := strings.TrimSuffix(ls[line-1], "\r")
	if col-1 > len(l) {
		return 0, false
	}
	prefix := l[:col-1]
	if !utf8.ValidString(prefix) {
		return 0, false
	}
	n := 0
	for _, r := range prefix {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n + 1, true
}
