package exception

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/runbook-translator/runbook-translator/messages"
)

// msgKey finds the literal key of a Text made with msg or Msg, or of a
// row of the request's table.
var msgKey = regexp.MustCompile(`(?:\bmsg|exception\.Msg|refuse|row)\("([a-z_.]+)"`)

// TestTextKeysExist reads this package and the forges' sides: every key a
// Text names is in the table (messages.TestKeysUsedExist sees only calls
// of messages.T, N and Get), so a misspelt key cannot post itself.
func TestTextKeysExist(t *testing.T) {
	files := []string{"command.go", "finding.go", "rule.go", "run.go", "../../github/exception.go", "../../gitlab/exception.go"}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgKey.FindAllStringSubmatch(string(b), -1) {
			n++
			if messages.Get("en", messages.Key(m[1])) == m[1] {
				t.Errorf("%s: key %q is not in the table", f, m[1])
			}
		}
	}
	if n < 30 {
		t.Fatalf("found %d keys: the pattern is out of date", n)
	}
}

func TestTextIn(t *testing.T) {
	role := msg("exc.role.gitlab", "Reporter")
	r := msg("exc.no_write", "bob", role)
	if got := r.In("ja"); got != "例外を申請できるのは、リポジトリに write 権限を持つユーザーだけです。bob の権限: Reporter ロール。" {
		t.Errorf("ja = %q", got)
	}
	if got := r.Error(); got != "only users with write access to the repository may ask for an exception; bob has the Reporter role." {
		t.Errorf("en = %q", got)
	}
	// A login with a verb in it is an argument, not a format.
	if got := msg("exc.not_bot", "%d%s").In("ja"); !strings.Contains(got, "投稿者: %d%s") {
		t.Errorf("verbs in an argument: %q", got)
	}
	if got := plain("policy says 100%").In("ja"); got != "policy says 100%" {
		t.Errorf("plain = %q", got)
	}
	if _, err := ParseCommand("/runbook-translator ignore 30d"); err == nil || err.Error() != "a reason is required: "+Usage {
		t.Errorf("English error = %v", err)
	}
}
