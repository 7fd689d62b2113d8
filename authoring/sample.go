package authoring

import (
	"fmt"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// sampleTool is the tool of a sample finding for an entry whose first
// matcher names none (codes alone match any tool).
const sampleTool = "example-tool"

// SampleFinding builds a plausible finding for an entry from its first
// matcher: its tool and first code, or a message the matcher's pattern
// accepts, with a path and resource typical of the tool. Lint renders every
// entry against it; preview shows it when the entry has no examples.
func SampleFinding(e *runbooks.Entry) *translator.Finding {
	f := &translator.Finding{
		Tool:         sampleTool,
		Severity:     translator.SeverityWarning,
		ToolSeverity: "warning",
		Location:     translator.Location{Line: 12},
	}
	if len(e.Match) > 0 {
		m := e.Match[0]
		if m.Tool != "" {
			f.Tool = m.Tool
		}
		switch {
		case len(m.Codes) > 0:
			f.Code = m.Codes[0]
		case m.Default:
			f.Code = "EXAMPLE-001"
		}
		if m.Message != "" {
			if msg, ok := MatchingString(m.Message); ok {
				f.Message = msg
			}
		}
	}
	f.Path, f.Resource = samplePlace(f.Tool)
	if f.Message == "" {
		what := f.Code
		if what == "" {
			what = e.ID
		}
		f.Message = fmt.Sprintf("Sample finding for %s reported by %s", what, f.Tool)
	}
	return f
}

// samplePlace returns a path and resource typical of a tool's findings.
func samplePlace(tool string) (path, resource string) {
	switch strings.ToLower(tool) {
	case "hadolint", "dockerfilelint":
		return "Dockerfile", ""
	case "tflint", "tfsec":
		return "terraform/main.tf", "aws_s3_bucket.logs"
	case "actionlint":
		return ".github/workflows/ci.yml", ""
	case "shellcheck":
		return "scripts/deploy.sh", ""
	case "gitleaks":
		return "config/settings.env", ""
	case "yamllint":
		return "k8s/deployment.yaml", ""
	}
	return "k8s/deployment.yaml", "Deployment/web"
}

// MatchingString returns a short string that the RE2 pattern matches (a
// best effort: it follows literals, takes the first alternative and the
// first character of each class); false when it cannot build one.
func MatchingString(pattern string) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	if !gen(&b, re.Simplify()) {
		return "", false
	}
	return b.String(), true
}

func gen(b *strings.Builder, re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpNoMatch:
		return false
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 {
				r = unicode.ToLower(r)
			}
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return false
		}
		r := re.Rune[0]
		// Prefer a readable character inside the class.
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for _, c := range []rune{'a', 'A', '0', ' ', '-'} {
				if c >= re.Rune[i] && c <= re.Rune[i+1] {
					r = c
					goto found
				}
			}
		}
		if r < ' ' && len(re.Rune) > 1 && re.Rune[1] >= ' ' {
			r = ' '
		}
	found:
		b.WriteRune(r)
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		b.WriteByte('x')
	case syntax.OpCapture:
		return gen(b, re.Sub[0])
	case syntax.OpPlus:
		return gen(b, re.Sub[0])
	case syntax.OpRepeat:
		for i := 0; i < re.Min; i++ {
			if !gen(b, re.Sub[0]) {
				return false
			}
		}
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !gen(b, s) {
				return false
			}
		}
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			var t strings.Builder
			if gen(&t, s) {
				b.WriteString(t.String())
				return true
			}
		}
		return false
	case syntax.OpWordBoundary:
		// Word boundaries between literals are satisfied by the literals
		// themselves in the usual patterns; nothing to write.
	}
	// Empty-width ops, star and quest write nothing.
	return true
}

// NeverMatches reports why an RE2 pattern can match no string at all, or
// "" when it can: a class with no characters, or text required before ^ or
// after $ (without the m flag).
func NeverMatches(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return ""
	}
	re = re.Simplify()
	if reason := dead(re); reason != "" {
		return reason
	}
	return ""
}

// dead walks the pattern looking for parts that can never match.
func dead(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpNoMatch:
		return "it contains a character class that matches nothing"
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return "it contains a character class that matches nothing"
		}
	case syntax.OpConcat:
		consumed := false
		for i, s := range re.Sub {
			if s.Op == syntax.OpBeginText && consumed {
				return "it requires text before ^ (start of the message); use (?m) or drop the ^"
			}
			if s.Op == syntax.OpEndText {
				for _, t := range re.Sub[i+1:] {
					if minLen(t) > 0 {
						return "it requires text after $ (end of the message); use (?m) or drop the $"
					}
				}
			}
			if minLen(s) > 0 {
				consumed = true
			}
			if r := dead(s); r != "" {
				return r
			}
		}
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if dead(s) == "" {
				return ""
			}
		}
		return dead(re.Sub[0])
	case syntax.OpCapture, syntax.OpPlus:
		return dead(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min > 0 {
			return dead(re.Sub[0])
		}
	}
	return ""
}

// minLen is the least number of characters re consumes.
func minLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minLen(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * minLen(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, s := range re.Sub {
			n += minLen(s)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, s := range re.Sub {
			if m := minLen(s); n < 0 || m < n {
				n = m
			}
		}
		return max(n, 0)
	}
	return 0
}

// splitSource splits "file:line" (the entry Source form) into its parts.
func splitSource(src string) (string, int) {
	i := strings.LastIndexByte(src, ':')
	if i < 0 {
		return src, 0
	}
	n, err := strconv.Atoi(src[i+1:])
	if err != nil {
		return src, 0
	}
	return src[:i], n
}
