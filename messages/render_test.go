package messages

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// TestMarkdownOfEveryMessage renders every message that holds Markdown
// (emphasis, code spans) with GitHub-flavoured Markdown and fails when the
// markup shows literally: CommonMark closes "**" and "_" only when the
// characters beside them allow it, which full-width punctuation (、。)
// and letters without spaces (日本語) change, and a code span needs its
// backticks balanced.
func TestMarkdownOfEveryMessage(t *testing.T) {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	strip := regexp.MustCompile(`(?s)<pre>.*?</pre>|<code>.*?</code>`)
	for _, l := range Langs() {
		for k, f := range table[l] {
			if !markdownKey(k) {
				continue
			}
			if !strings.ContainsAny(f, "*_`") {
				continue
			}
			var b bytes.Buffer
			if err := md.Convert([]byte(fmt.Sprintf(f, sample(f)...)), &b); err != nil {
				t.Fatal(err)
			}
			text := strip.ReplaceAllString(b.String(), "")
			if strings.Contains(text, "**") || strings.Contains(text, "`") || regexp.MustCompile(`(^|[\s>])_|_($|[\s<])`).MatchString(text) {
				t.Errorf("%s %q renders with stray markup: %s", l, k, b.String())
			}
		}
	}
}

// sample returns arguments of the kinds a format's verbs take.
func sample(f string) []any {
	var args []any
	for _, p := range strings.Fields(placeholders(f)) {
		if p[len(p)-1] == 'd' {
			args = append(args, 3)
		} else {
			args = append(args, "x")
		}
	}
	return args
}

// markdownKey reports whether a message is Markdown (the reports that are
// rendered: the Markdown report, comments, summaries, the fix section,
// annotations' summaries).
func markdownKey(k Key) bool {
	for _, p := range []string{"md.", "comment.", "summary.", "ann.", "fix."} {
		if strings.HasPrefix(string(k), p) {
			return true
		}
	}
	return false
}
