package messages

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The tests read the tables directly: build them first (load runs on the
// first lookup otherwise).
func init() { load() }

func TestGetFallsBack(t *testing.T) {
	if got := Get("ja", NeedException); got != "例外が必要な場合" {
		t.Errorf("ja = %q", got)
	}
	if got := Get("fr", NeedException); got != "Need an exception?" {
		t.Errorf("unknown language = %q, want English", got)
	}
	if got := Get("ja", Key("nope")); got != "nope" {
		t.Errorf("unknown key = %q", got)
	}
}

// TestEveryKeyTranslated: every English message has a translation in
// every language of the table, and no language has a key English lacks
// (a typo in a key would silently never be shown).
func TestEveryKeyTranslated(t *testing.T) {
	for _, l := range Langs() {
		if table[l] == nil {
			t.Fatalf("Langs lists %s but the table has no %s map", l, l)
		}
		for k := range table[Default] {
			if s, ok := table[l][k]; !ok || strings.TrimSpace(s) == "" {
				t.Errorf("%s: no translation of %q", l, k)
			}
		}
		for k := range table[l] {
			if _, ok := table[Default][k]; !ok {
				t.Errorf("%s: key %q is not in the English table", l, k)
			}
		}
		for k := range one[l] {
			if _, ok := table[l][k]; !ok {
				t.Errorf("%s: singular form of %q, which has no plural form", l, k)
			}
		}
	}
	if len(table) != len(Langs()) {
		t.Errorf("the table has %d languages, Langs lists %d", len(table), len(Langs()))
	}
}

// verb matches one fmt verb, with its optional explicit argument index.
var verb = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])`)

// placeholders returns, for a format, argument number → verb letter
// ("1:d 2:q"); "%%" takes no argument.
func placeholders(f string) string {
	next := 1
	var out []string
	for _, m := range verb.FindAllStringSubmatch(f, -1) {
		if m[2] == "%" {
			continue
		}
		n := next
		if m[1] != "" {
			n, _ = strconv.Atoi(m[1])
		}
		next = n + 1
		out = append(out, strconv.Itoa(n)+":"+m[2])
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestPlaceholdersHelper(t *testing.T) {
	for f, want := range map[string]string{
		"%d of %d":                "1:d 2:d",
		"%[2]d 件中 %[1]d 件":        "1:d 2:d",
		"fail level %[2]q, %[1]d": "1:d 2:q",
		"100%% %s":                "1:s",
		"none":                    "",
	} {
		if got := placeholders(f); got != want {
			t.Errorf("placeholders(%q) = %q, want %q", f, got, want)
		}
	}
	if placeholders("%s %d") == placeholders("%d %s") {
		t.Error("swapped verbs compare equal")
	}
}

// TestPlaceholders: every translation and every singular form takes the
// same arguments, of the same kinds, as the English message.
func TestPlaceholders(t *testing.T) {
	for k, enf := range table[Default] {
		want := placeholders(enf)
		for _, l := range Langs() {
			if s, ok := table[l][k]; ok && placeholders(s) != want {
				t.Errorf("%s %q: placeholders %q, English has %q", l, k, placeholders(s), want)
			}
			if s, ok := one[l][k]; ok && placeholders(s) != want {
				t.Errorf("%s %q (singular): placeholders %q, plural has %q", l, k, placeholders(s), want)
			}
		}
	}
}

// callKey finds the literal key of a call into this package (M takes
// the key first).
var callKey = regexp.MustCompile(`messages\.(?:(?:T|N|Get)\([^,()]+,\s*|M\(\s*)"([^"]+)"`)

// TestKeysUsedExist reads the repository's Go files: every key a call
// names as a literal is in the English table (a misspelt key would show
// itself as the message).
func TestKeysUsedExist(t *testing.T) {
	used := 0
	err := filepath.WalkDir("..", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && p != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range callKey.FindAllStringSubmatch(string(b), -1) {
			used++
			if _, ok := table[Default][Key(m[1])]; !ok {
				t.Errorf("%s: key %q is not in the table", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if used == 0 {
		t.Fatal("no call into the table found: the pattern is out of date")
	}
}

func TestN(t *testing.T) {
	if got := N("en", "md.n_findings", 1); got != "1 finding" {
		t.Errorf("en 1 = %q", got)
	}
	if got := N("en", "md.n_findings", 3); got != "3 findings" {
		t.Errorf("en 3 = %q", got)
	}
	if got := N("ja", "md.n_findings", 1); got != "1 件" {
		t.Errorf("ja 1 = %q", got)
	}
	if got := N("ja", "text.why_failing", 2, "error"); got != `fail level "error" 以上の指摘が 2 件あります` {
		t.Errorf("ja reordered = %q", got)
	}
	if got := N("fr", "md.n_findings", 1); got != "1 finding" {
		t.Errorf("unknown language = %q", got)
	}
}

func TestSeverity(t *testing.T) {
	if got := Severity("ja", "warning"); got != "警告" {
		t.Errorf("ja warning = %q", got)
	}
	if got := SeverityTitle("en", "critical"); got != "Critical" {
		t.Errorf("en Critical = %q", got)
	}
	if got := Severity("ja", "bogus"); got != "bogus" {
		t.Errorf("unknown = %q", got)
	}
}

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"", "", "ja_JP.UTF-8"}, "ja"},
		{[]string{"en", "", "ja_JP.UTF-8"}, "en"},
		{[]string{"", "C", "POSIX"}, "en"},
		{[]string{"JA-jp"}, "ja"},
		{nil, "en"},
	} {
		if got := Choose(tc.in...); got != tc.want {
			t.Errorf("Choose(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestResolve(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		name         string
		flag, config string
		env          map[string]string
		want         string
		err          bool
	}{
		{"flag wins", "ja", "en", map[string]string{"LANG": "en_US"}, "ja", false},
		{"config over env", "", "ja", map[string]string{"LC_ALL": "en_US.UTF-8"}, "ja", false},
		{"LANG", "", "", map[string]string{"LANG": "ja_JP.UTF-8"}, "ja", false},
		{"LC_ALL over LANG", "", "", map[string]string{"LC_ALL": "ja_JP.UTF-8", "LANG": "en_US"}, "ja", false},
		{"LC_ALL=C over LANG=ja (POSIX)", "", "", map[string]string{"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, "en", false},
		{"LC_MESSAGES", "", "", map[string]string{"LC_MESSAGES": "ja_JP", "LANG": "en_US"}, "ja", false},
		{"unknown locale", "", "", map[string]string{"LANG": "fr_FR.UTF-8"}, "en", false},
		{"nothing", "", "", nil, "en", false},
		{"unknown flag", "fr", "", nil, "", true},
		{"unknown config", "", "jp", nil, "", true},
	} {
		got, err := Resolve(tc.flag, tc.config, env(tc.env))
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%s: Resolve = %q, %v; want %q (error %v)", tc.name, got, err, tc.want, tc.err)
		}
	}
	if _, err := Resolve("fr", "", nil); err == nil || !strings.Contains(err.Error(), "valid languages are en, ja") {
		t.Errorf("error does not list the languages: %v", err)
	}
}
