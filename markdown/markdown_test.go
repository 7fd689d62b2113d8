package markdown

import (
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	in := "ping @org/team <script>alert(1)</script> `x` [a](http://e) **b** | c\nd \x1b[31mred\x00"
	got := Escape(in)
	for _, bad := range []string{"<script", "@org", "\n", "\x1b", "\x00", "[a](http"} {
		if strings.Contains(got, bad) {
			t.Errorf("Escape left %q in %q", bad, got)
		}
	}
	if !strings.Contains(got, "@\u200borg/team") {
		t.Errorf("mention not broken: %q", got)
	}
}

func TestCodeCannotBeClosed(t *testing.T) {
	for _, s := range []string{"a`b", "``x``", "`", "plain"} {
		c := Code(s)
		fence := c[:strings.IndexFunc(c, func(r rune) bool { return r != '`' })]
		inner := strings.TrimSuffix(strings.TrimPrefix(c, fence), fence)
		if strings.Contains(inner, fence) {
			t.Errorf("Code(%q) = %q: content contains the fence", s, c)
		}
	}
}

func TestCodeBlockCannotBeClosed(t *testing.T) {
	b := CodeBlock("x\n```\n<img src=x>\n````", "yaml")
	lines := strings.Split(strings.TrimSuffix(b, "\n"), "\n")
	fence := strings.TrimSuffix(lines[0], "yaml")
	if lines[len(lines)-1] != fence {
		t.Fatalf("block does not end with its fence: %q", b)
	}
	for _, l := range lines[1 : len(lines)-1] {
		if strings.HasPrefix(l, fence) {
			t.Errorf("inner line %q can close fence %q", l, fence)
		}
	}
}

func TestTruncate(t *testing.T) {
	s := strings.Repeat("é", 100) // 200 bytes
	got := Truncate(s, 51, "…cut")
	if len(got) > 51 || !strings.HasSuffix(got, "…cut") {
		t.Errorf("Truncate = %q (%d bytes)", got, len(got))
	}
	if Truncate("short", 10, "x") != "short" {
		t.Error("Truncate changed a short string")
	}
}

func TestSanitizeDropsControlsAfterNonASCII(t *testing.T) {
	if got := Sanitize("é\x01\x1b[2Jx"); got != "éx" {
		t.Errorf("Sanitize kept control characters after a non-ASCII rune: %q", got)
	}
}
