package markdown

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Cut bounds Markdown s to at most max bytes and appends notice (which
// counts toward max), choosing a cut that a renderer shows as the start
// of the same document: never inside a UTF-8 sequence or between a
// character and the marks that combine with it (が written か + U+3099,
// an emoji and its variation selector), at a line end when one is near,
// and otherwise before any inline construct the cut would leave open (a
// code span, emphasis, a link, an HTML tag, an entity, a backslash
// escape), whose markup would show literally. A fenced code block, a
// <details> or a <summary> left open is closed after the text, so the
// notice and whatever follows stay outside it. It returns s unchanged
// when it fits.
//
// The bound is in bytes, as Truncate's: GitHub and GitLab count their
// body limits in characters, and a Japanese character is three bytes, so
// a byte bound is never over the forge's limit.
func Cut(s string, max int, notice string) string {
	if len(s) <= max {
		return s
	}
	if len(notice) > max {
		return Truncate(notice, max, "")
	}
	room := max - len(notice)
	for room > 0 {
		out := closeOpen(s[:cutPoint(s, room)])
		if len(out) <= room {
			return out + notice
		}
		// The closers did not fit: cut earlier by what they overshot.
		room -= len(out) - room
	}
	return notice
}

// cutPoint is the end of the longest prefix of s, at most room bytes,
// that leaves no inline construct open.
func cutPoint(s string, room int) int {
	p := runeCut(s, room)
	inFence, lineStart, blockStart := blockState(s[:p])
	if p > 0 && s[p-1] != '\n' && lineStart > 0 && p-lineStart <= p/2 {
		// A line end is near: cut there, leaving every line whole.
		p = lineStart
	}
	if inFence {
		return p // code: no inline markup to leave open
	}
	// Cutting before one open construct can leave an earlier one open
	// (the ** of "**a [b** c" once the [ is gone): a few rounds, then the
	// start of the block, which leaves nothing open, so that a hostile
	// paragraph of nested constructs costs linear time.
	for range 8 {
		q := blockStart + inlineSafe(s[blockStart:p])
		if q == p {
			return p
		}
		p = q
	}
	return blockStart
}

// runeCut is the largest cut at most n that starts a character: not in a
// UTF-8 sequence, not before a combining mark, a variation selector or a
// zero-width joiner, nor after a joiner.
func runeCut(s string, n int) int {
	if n >= len(s) {
		return len(s)
	}
	for n > 0 {
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		r, _ := utf8.DecodeRuneInString(s[n:])
		prev, _ := utf8.DecodeLastRuneInString(s[:n])
		if !joins(r) && prev != '\u200d' {
			return n
		}
		n--
	}
	return 0
}

// joins reports whether r attaches to the character before it.
func joins(r rune) bool {
	return r == '\u200d' || r >= 0xfe00 && r <= 0xfe0f || r >= 0xe0100 && r <= 0xe01ef ||
		r == '\u3099' || r == '\u309a' || unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc)
}

// blockState scans the lines of s (a prefix being cut): whether its end is
// inside a fenced code block, where its last line starts, and where the
// block of the cut (its paragraph, or the line after a fence) starts.
func blockState(s string) (inFence bool, lineStart, blockStart int) {
	open := ""
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			lineStart = i
			break
		}
		line := s[i : i+j]
		next := i + j + 1
		if f, rest, ok := fenceOf(line); ok {
			switch {
			case open == "":
				open = f
			case f[0] == open[0] && len(f) >= len(open) && strings.TrimSpace(rest) == "":
				open = ""
				blockStart = next
			}
		} else if open == "" && strings.TrimSpace(line) == "" {
			blockStart = next
		}
		i = next
		lineStart = next
	}
	return open != "", lineStart, blockStart
}

// fenceOf returns the fence a line opens or closes (three or more
// backticks or tildes after at most three spaces) and what follows it.
func fenceOf(line string) (fence, rest string, ok bool) {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 || t == "" || (t[0] != '`' && t[0] != '~') {
		return "", "", false
	}
	n := len(t) - len(strings.TrimLeft(t, t[:1]))
	if n < 3 {
		return "", "", false
	}
	return t[:n], t[n:], true
}

// inlineSafe is the end of the longest prefix of block (the text of one
// paragraph up to the cut) that leaves nothing open: len(block) when the
// cut is safe, else the start of the earliest construct left open.
func inlineSafe(b string) int {
	cut := len(b)
	earlier := func(i int) {
		if i < cut {
			cut = i
		}
	}
	var (
		codeAt, codeRun = -1, 0
		brackets        []int // open [ (or ![) positions
		linkAt          = -1  // the [ of a link whose (destination) is open
		delims          = map[string]int{}
	)
	for i := 0; i < len(b); {
		c := b[i]
		if codeAt >= 0 {
			if c == '`' {
				n := run(b, i, '`')
				if n == codeRun {
					codeAt = -1
				}
				i += n
				continue
			}
			i++
			continue
		}
		switch c {
		case '\\':
			if i+1 == len(b) {
				earlier(i) // an escape without what it escapes
			}
			i += 2
			continue
		case '`':
			n := run(b, i, '`')
			codeAt, codeRun = i, n
			i += n
			continue
		case '&':
			j := i + 1
			for j < len(b) && j-i <= 32 && (isAlnum(b[j]) || b[j] == '#') {
				j++
			}
			if j == len(b) && j > i+1 {
				earlier(i) // a cut entity: "&am"
			}
		case '<':
			if i+1 < len(b) && (isAlpha(b[i+1]) || b[i+1] == '/' || b[i+1] == '!') && strings.IndexByte(b[i:], '>') < 0 {
				earlier(i) // a cut tag or autolink
			}
		case '[':
			at := i
			if i > 0 && b[i-1] == '!' {
				at = i - 1
			}
			brackets = append(brackets, at)
		case ']':
			if len(brackets) > 0 {
				at := brackets[len(brackets)-1]
				brackets = brackets[:len(brackets)-1]
				if i+1 < len(b) && b[i+1] == '(' && linkAt < 0 {
					if k := strings.IndexByte(b[i+1:], ')'); k < 0 {
						linkAt = at
					} else {
						i += 1 + k
					}
				}
			}
		case '*', '_', '~':
			n := run(b, i, c)
			if delimiter(b, i, n) {
				k := string(b[i : i+n])
				if _, open := delims[k]; open {
					delete(delims, k)
				} else {
					delims[k] = i
				}
			}
			i += n
			continue
		}
		i++
	}
	if codeAt >= 0 {
		earlier(codeAt)
	}
	if len(brackets) > 0 {
		earlier(brackets[0])
	}
	if linkAt >= 0 {
		earlier(linkAt)
	}
	for _, at := range delims {
		earlier(at)
	}
	if cut < len(b) {
		// Leave no trailing space before the notice.
		for cut > 0 && (b[cut-1] == ' ' || b[cut-1] == '\t') {
			cut--
		}
	}
	return cut
}

// delimiter reports whether the run of n c's at i can open or close
// emphasis: not surrounded by spaces (a list bullet, "a * b"), and for _
// not inside a word (snake_case).
func delimiter(b string, i, n int) bool {
	// The end of the prefix counts as a letter: what the cut removed
	// may have made the run a delimiter.
	before, after := rune(' '), rune('a')
	if i > 0 {
		before, _ = utf8.DecodeLastRuneInString(b[:i])
	}
	if i+n < len(b) {
		after, _ = utf8.DecodeRuneInString(b[i+n:])
	}
	if unicode.IsSpace(before) && unicode.IsSpace(after) {
		return false
	}
	if b[i] == '~' && n == 1 {
		return false // GFM strikethrough takes ~~
	}
	if b[i] == '_' && isWord(before) && isWord(after) {
		return false
	}
	return true
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func run(s string, i int, c byte) int {
	j := i
	for j < len(s) && s[j] == c {
		j++
	}
	return j - i
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool { return isAlpha(c) || c >= '0' && c <= '9' }

// closeOpen closes what a cut prefix leaves open across lines: a fenced
// code block, and <summary> and <details> elements (outside code).
func closeOpen(s string) string {
	open := ""
	details, summary := 0, 0
	for _, line := range strings.Split(s, "\n") {
		if f, rest, ok := fenceOf(line); ok {
			switch {
			case open == "":
				open = f
			case f[0] == open[0] && len(f) >= len(open) && strings.TrimSpace(rest) == "":
				open = ""
			}
			continue
		}
		if open != "" {
			continue
		}
		details += strings.Count(line, "<details>") + strings.Count(line, "<details ") - strings.Count(line, "</details>")
		summary += strings.Count(line, "<summary>") - strings.Count(line, "</summary>")
	}
	if open == "" && details <= 0 && summary <= 0 {
		return s
	}
	var b strings.Builder
	b.WriteString(s)
	if open != "" {
		if !strings.HasSuffix(s, "\n") {
			b.WriteByte('\n')
		}
		b.WriteString(open + "\n")
	}
	if summary > 0 {
		b.WriteString("</summary>")
	}
	if details > 0 {
		b.WriteString("\n\n" + strings.Repeat("</details>\n", details))
	}
	return b.String()
}
