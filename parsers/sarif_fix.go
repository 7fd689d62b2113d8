package parsers

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/messages"
)

// sarifFix is a result's fix (SARIF 2.1.0 §3.55): changes to artifacts,
// each a list of replacements (§3.57) of a deletedRegion by
// insertedContent.
type sarifFix struct {
	Description     *sarifMessage `json:"description"`
	ArtifactChanges []struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Replacements     []sarifReplacement    `json:"replacements"`
	} `json:"artifactChanges"`
}

type sarifReplacement struct {
	DeletedRegion   sarifFixRegion `json:"deletedRegion"`
	InsertedContent *struct {
		Text   *string `json:"text"`
		Binary string  `json:"binary"`
	} `json:"insertedContent"`
}

// sarifFixRegion is a region with the offsets a fix may use instead of
// lines (§3.30: charOffset/charLength for text, byteOffset/byteLength).
type sarifFixRegion struct {
	StartLine   int  `json:"startLine"`
	StartColumn int  `json:"startColumn"`
	EndLine     int  `json:"endLine"`
	EndColumn   int  `json:"endColumn"`
	CharOffset  *int `json:"charOffset"`
	CharLength  *int `json:"charLength"`
	ByteOffset  *int `json:"byteOffset"`
	ByteLength  *int `json:"byteLength"`
}

// sarifByteColumns are drivers known to write UTF-8 byte columns whatever
// columnKind says. Staticcheck: "we're currently reporting column
// information using UTF-8 byte offsets, not using Unicode code points or
// UTF-16, which are the only two ways allowed by SARIF" (lintcmd/sarif.go,
// dominikh/go-tools); its fixes land a character off after each emoji
// when read as the UTF-16 the log declares by default.
var sarifByteColumns = map[string]bool{"Staticcheck": true}

// fixes turns a result's fixes into the finding's, best first as the log
// lists them. SARIF columns count UTF-16 code units unless the run's
// columnKind is unicodeCodePoints (§3.14.17: "If this property is absent,
// it SHALL default to utf16CodeUnits"); an absent endColumn is the end of
// endLine, "excluding any newline sequence" (§3.30.8); charOffset counts
// characters from the file's start and byteOffset bytes. These become
// byte columns with the file's text (Options.ReadFile). Without the text
// only positions at column 1 are exact; a fix that needs more is left out
// and FixNote says so, as it does for a fix of a file outside the
// repository or with binary content that is not text.
func (sr *sarifReader) fixes(run *sarifRun, f *translator.Finding, fixes []sarifFix) {
	if sr.files == nil {
		sr.files = newFileCache(sr.opts)
	}
	unit := unitUTF16
	switch {
	case sarifByteColumns[run.driverName()]:
		unit = unitBytes
	case run.ColumnKind == "unicodeCodePoints":
		unit = unitRunes
	}
	var notes []messages.Msg
	for i, fx := range fixes {
		out := translator.Fix{Source: f.Tool, Description: bounded(msgText(fx.Description), maxExtra)}
		err := func() error {
			for _, ch := range fx.ArtifactChanges {
				al := ch.ArtifactLocation
				if al.URI == "" && al.Index != nil && *al.Index >= 0 && *al.Index < len(run.Artifacts) {
					al = run.Artifacts[*al.Index].Location
				}
				path := sarifPath(sr.opts, run, al)
				if path == "" || hasURIScheme(path) || strings.HasPrefix(path, "/") {
					return messages.Errorf("pfix.not_repo", bounded(al.URI, 200))
				}
				for _, r := range ch.Replacements {
					e, err := sr.sarifEdit(path, r, unit)
					if err != nil {
						return err
					}
					out.Edits = append(out.Edits, e)
				}
			}
			if len(out.Edits) == 0 {
				return messages.Errorf("pfix.no_replacements")
			}
			return nil
		}()
		if err != nil {
			notes = append(notes, messages.M("pfix.fix", i+1, messages.Of(err)))
			continue
		}
		f.Fixes = append(f.Fixes, out)
	}
	if len(notes) > 0 {
		f.FixNoteText = messages.M("pfix.sarif", messages.Join(notes...))
		f.FixNote = f.FixNoteText.In(messages.Default)
	}
}

func (sr *sarifReader) sarifEdit(path string, r sarifReplacement, unit int) (translator.Edit, error) {
	e := translator.Edit{Path: path}
	if ic := r.InsertedContent; ic != nil {
		switch {
		case ic.Text != nil:
			e.Text = *ic.Text
		case ic.Binary != "":
			b, err := base64.StdEncoding.DecodeString(ic.Binary)
			if err != nil || !utf8.Valid(b) {
				return e, messages.Errorf("pfix.binary")
			}
			e.Text = string(b)
		}
	}
	reg := r.DeletedRegion
	// Column 1 is a byte column in every unit, and byte columns need no
	// conversion: no text needed when the end column is given.
	if reg.StartLine > 0 && reg.EndColumn > 0 && (unit == unitBytes || (reg.StartColumn <= 1 && reg.EndColumn == 1)) {
		endLine := reg.EndLine
		if endLine == 0 {
			endLine = reg.StartLine
		}
		e.StartLine, e.StartColumn, e.EndLine, e.EndColumn = reg.StartLine, max(reg.StartColumn, 1), endLine, reg.EndColumn
		if e.EndLine < e.StartLine || (e.EndLine == e.StartLine && e.EndColumn < e.StartColumn) {
			return e, messages.Errorf("pfix.del_order", e.StartLine, e.StartColumn, e.EndLine, e.EndColumn)
		}
		return e, nil
	}
	text, err := sr.files.get(path)
	if err != nil {
		return e, messages.Errorf("pfix.unread", needsText(unit, reg), path, messages.Of(err))
	}
	switch {
	case reg.StartLine > 0:
		endLine := reg.EndLine
		if endLine == 0 {
			endLine = reg.StartLine
		}
		sc, err := text.byteColumn(reg.StartLine, max(reg.StartColumn, 1), unit)
		if err != nil {
			return e, messages.Errorf("pfix.del_start", path, messages.Of(err))
		}
		var ec int
		if reg.EndColumn > 0 {
			ec, err = text.byteColumn(endLine, reg.EndColumn, unit)
		} else {
			var ok bool
			if ec, ok = text.lineEndColumn(endLine); !ok {
				err = messages.Errorf("pfix.lines", endLine, len(text.starts))
			}
		}
		if err != nil {
			return e, messages.Errorf("pfix.del_end", path, messages.Of(err))
		}
		e.StartLine, e.StartColumn, e.EndLine, e.EndColumn = reg.StartLine, sc, endLine, ec
	case reg.CharOffset != nil && *reg.CharOffset >= 0:
		start, err := unitsToBytes(text.src, *reg.CharOffset, unit)
		if err != nil {
			return e, messages.Errorf("pfix.del_charoffset", *reg.CharOffset, path, messages.Of(err))
		}
		n := 0
		if reg.CharLength != nil {
			n = *reg.CharLength
		}
		length, err := unitsToBytes(text.src[start:], n, unit)
		if err != nil || n < 0 {
			return e, messages.Errorf("pfix.del_charlength", n, path, messages.Of(err))
		}
		e.StartLine, e.StartColumn = text.position(start)
		e.EndLine, e.EndColumn = text.position(start + length)
	case reg.ByteOffset != nil && *reg.ByteOffset >= 0:
		start := *reg.ByteOffset
		n := 0
		if reg.ByteLength != nil {
			n = *reg.ByteLength
		}
		if n < 0 || start > len(text.src) || n > len(text.src)-start {
			return e, messages.Errorf("pfix.del_past", start, n, path, len(text.src))
		}
		e.StartLine, e.StartColumn = text.position(start)
		e.EndLine, e.EndColumn = text.position(start + n)
	default:
		return e, messages.Errorf("pfix.del_none")
	}
	if e.EndLine < e.StartLine || (e.EndLine == e.StartLine && e.EndColumn < e.StartColumn) {
		return e, messages.Errorf("pfix.del_order", e.StartLine, e.StartColumn, e.EndLine, e.EndColumn)
	}
	return e, nil
}

// needsText says why a region needs the file's text.
func needsText(unit int, reg sarifFixRegion) messages.Msg {
	units := messages.M("pfix.units_utf16")
	if unit == unitRunes {
		units = messages.M("pfix.units_runes")
	}
	switch {
	case reg.StartLine == 0 && reg.CharOffset != nil:
		return messages.M("pfix.need_charoffset", units)
	case reg.StartLine == 0 && reg.ByteOffset != nil:
		return messages.M("pfix.need_byteoffset")
	case reg.StartLine > 0 && reg.EndColumn == 0:
		return messages.M("pfix.need_eol", max(reg.EndLine, reg.StartLine))
	}
	return messages.M("pfix.need_columns", units)
}
