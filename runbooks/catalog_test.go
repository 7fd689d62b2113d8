package runbooks

import (
	"fmt"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

func mustLoad(t testing.TB, paths ...string) *Catalog {
	t.Helper()
	c, err := Load(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPrecedence has one finding per match level.
func TestPrecedence(t *testing.T) {
	c := mustLoad(t, td+"precedence.yaml")
	cases := []struct {
		name  string
		f     translator.Finding
		id    string
		level Level
	}{
		{"tool+code", translator.Finding{Tool: "trivy", Code: "KSV-0017"}, "trivy-ksv-17", LevelToolCode},
		{"code alone (other tool)", translator.Finding{Tool: "checkov", Code: "KSV017"}, "any-p1000", LevelCode},
		{"code beats message", translator.Finding{Tool: "conftest", Code: "P1000",
			Message: "container web in Deployment/web is privileged"}, "any-p1000", LevelCode},
		{"message", translator.Finding{Tool: "conftest", Code: "K8S-999",
			Message: "container web in Deployment/web is privileged"}, "privileged-message", LevelMessage},
		{"message, any tool", translator.Finding{Tool: "polaris", Message: "hostPID is set"}, "privileged-message", LevelMessage},
		{"message pattern restricted to its tool", translator.Finding{Tool: "polaris",
			Message: "container web in Deployment/web is privileged"}, "", LevelFallback},
		{"tool default", translator.Finding{Tool: "trivy", Code: "KSV-9999", Message: "x"}, "trivy-generic", LevelDefault},
		{"fallback", translator.Finding{Tool: "kube-score", Code: "container-resources"}, "", LevelFallback},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, _, lvl := c.MatchLevel(&tc.f)
			got := ""
			if e != nil {
				got = e.ID
			}
			if got != tc.id || lvl != tc.level {
				t.Errorf("MatchLevel = %q (%v), want %q (%v)", got, lvl, tc.id, tc.level)
			}
		})
	}
}

// The code-level match is cached per code as spelled, for the tool that
// sent it first: three passes over findings that share codes across
// tools and levels (a code one tool has an entry for and another does
// not, a code with no entry whose message decides, a tool default) give
// every finding what an uncached catalog gives it.
func TestMatchCacheKeepsPrecedence(t *testing.T) {
	fs := []translator.Finding{
		{Tool: "trivy", Code: "KSV-0017"},
		{Tool: "checkov", Code: "KSV-0017"},
		{Tool: "checkov", Code: "KSV017"},
		{Tool: "conftest", Code: "K8S-999", Message: "container web in Deployment/web is privileged"},
		{Tool: "conftest", Code: "K8S-999", Message: "something else"},
		{Tool: "trivy", Code: "K8S-999", Message: "x"},
		{Tool: "trivy", Code: "KSV-9999", Message: "x"},
		{Tool: "kube-score", Code: "KSV-9999"},
		{Tool: "trivy", Code: "X", Aliases: []string{"KSV-0017"}},
	}
	fresh := func(f translator.Finding) string {
		e, _, lvl := mustLoad(t, td+"precedence.yaml").MatchLevel(&f)
		if e == nil {
			return fmt.Sprint(lvl)
		}
		return e.ID + fmt.Sprint(lvl)
	}
	want := make([]string, len(fs))
	for i, f := range fs {
		want[i] = fresh(f)
	}
	c := mustLoad(t, td+"precedence.yaml")
	for pass := 0; pass < 3; pass++ {
		for i := range fs {
			j := i
			if pass == 1 {
				j = len(fs) - 1 - i // the other tool first
			}
			f := fs[j]
			e, _, lvl := c.MatchLevel(&f)
			got := fmt.Sprint(lvl)
			if e != nil {
				got = e.ID + got
			}
			if got != want[j] {
				t.Errorf("pass %d: %+v: %s, want %s", pass, f, got, want[j])
			}
		}
	}
}

// TestAliasSpellings: one KSV-0017 entry matches every spelling Trivy has
// used, and KSV-01010 is a different check.
func TestAliasSpellings(t *testing.T) {
	c := mustLoad(t, td+"precedence.yaml")
	cases := []struct {
		f  translator.Finding
		id string
	}{
		{translator.Finding{Tool: "trivy", Code: "KSV017", Aliases: []string{"AVD-KSV-0017"}}, "trivy-ksv-17"},
		{translator.Finding{Tool: "trivy", Code: "unknown", Aliases: []string{"AVD-KSV-0017"}}, "trivy-ksv-17"},
		{translator.Finding{Tool: "TRIVY", Code: "ksv17"}, "trivy-ksv-17"},
		{translator.Finding{Tool: "trivy", Code: "KSV-01010"}, "ksv-1010"},
		{translator.Finding{Tool: "trivy", Code: "KSV01010", Aliases: []string{"AVD-KSV-01010"}}, "ksv-1010"},
	}
	for _, tc := range cases {
		e, _ := c.Match(&tc.f)
		if e == nil || e.ID != tc.id {
			t.Errorf("Match(%s %s %v) = %v, want %s", tc.f.Tool, tc.f.Code, tc.f.Aliases, e, tc.id)
		}
	}
}

func TestCaptures(t *testing.T) {
	c := mustLoad(t, td+"precedence.yaml")
	f := &translator.Finding{Tool: "conftest", Code: "K8S-1",
		Message: "container web_1 in Deployment/shop-api is privileged"}
	e, caps := c.Match(f)
	if e == nil || caps["container"] != "web_1" || caps["kind"] != "Deployment" || caps["name"] != "shop-api" {
		t.Fatalf("Match = %v, captures %v", e, caps)
	}
	rb := c.Render(f)
	if want := `message web\_1 Deployment/shop-api ` + "`shop-api`"; rb.Body != want {
		t.Errorf("Body = %q, want %q", rb.Body, want)
	}
}

func TestFind(t *testing.T) {
	c := mustLoad(t, td+"precedence.yaml")
	for _, tc := range []struct {
		tool, code, id string
		level          Level
	}{
		{"trivy", "AVD-KSV-0017", "trivy-ksv-17", LevelToolCode},
		{"", "p1000", "any-p1000", LevelCode},
		{"Trivy", "nothing", "trivy-generic", LevelDefault},
		{"conftest", "nothing", "", LevelFallback},
	} {
		e, lvl := c.Find(tc.tool, tc.code)
		got := ""
		if e != nil {
			got = e.ID
		}
		if got != tc.id || lvl != tc.level {
			t.Errorf("Find(%q, %q) = %q %v, want %q %v", tc.tool, tc.code, got, lvl, tc.id, tc.level)
		}
	}
}

// TestMerge loads three layers the way the CLI does (builtin, org, repo)
// and checks replacement, disabling, shadowing and message order.
func TestMerge(t *testing.T) {
	var layers []*Layer
	for _, p := range []string{td + "layers/base.yaml", td + "layers/org", td + "layers/repo"} {
		l, err := LoadPath(p)
		if err != nil {
			t.Fatal(err)
		}
		layers = append(layers, l)
	}
	c := Merge(layers...)

	// Replaced: org's "privileged" wins and its KSV017 spelling matches.
	e := c.Entry("privileged")
	if e == nil || e.Title != "Privileged container (org)" || e.Source != td+"layers/org/security.yaml:2" {
		t.Fatalf("privileged = %+v", e)
	}
	if m, _ := c.Match(&translator.Finding{Tool: "trivy", Code: "AVD-KSV-0017"}); m != e {
		t.Errorf("KSV-0017 matched %v, want the org entry", m)
	}
	if got := c.LayerOf("privileged"); got != td+"layers/org" {
		t.Errorf("LayerOf = %q", got)
	}
	// Disabled: latest-tag is gone; its finding falls to the repo default.
	if c.Entry("latest-tag") != nil {
		t.Errorf("latest-tag was not disabled")
	}
	if m, _ := c.Match(&translator.Finding{Tool: "trivy", Code: "KSV-0013"}); m == nil || m.ID != "repo-default" {
		t.Errorf("KSV-0013 matched %v, want repo-default", m)
	}
	// Shadowed across layers: org-host-pid takes kube-linter host-pid.
	if m, _ := c.Match(&translator.Finding{Tool: "kube-linter", Code: "host-pid"}); m == nil || m.ID != "org-host-pid" {
		t.Errorf("host-pid matched %v, want org-host-pid", m)
	}
	// Later layers' message patterns come first.
	if m, _ := c.Match(&translator.Finding{Tool: "conftest", Message: "hostPID: true"}); m == nil || m.ID != "repo-pid" {
		t.Errorf("hostPID message matched %v, want repo-pid", m)
	}

	ids := ""
	for _, e := range c.Entries() {
		ids += e.ID + " "
	}
	if want := "host-pid org-host-pid privileged repo-default repo-pid trivy-default "; ids != want {
		t.Errorf("Entries = %q, want %q", ids, want)
	}

	li := c.Layers()
	if len(li) != 3 {
		t.Fatalf("Layers = %+v", li)
	}
	if len(li[1].Replaced) != 1 || li[1].Replaced[0] != (Change{"privileged", td + "layers/base.yaml:2", td + "layers/org/security.yaml:2"}) {
		t.Errorf("org Replaced = %+v", li[1].Replaced)
	}
	if len(li[1].Disabled) != 1 || li[1].Disabled[0].ID != "latest-tag" || li[1].Disabled[0].New != td+"layers/org/security.yaml" {
		t.Errorf("org Disabled = %+v", li[1].Disabled)
	}
	if fmt.Sprint(li[2].UnknownDisables) != "[no-such-entry]" {
		t.Errorf("repo UnknownDisables = %v", li[2].UnknownDisables)
	}
	var shadows []string
	for _, s := range c.Shadows() {
		shadows = append(shadows, s.Key+" "+s.Shadowed+"->"+s.Entry)
	}
	want := []string{
		`tool "kube-linter" code "host-pid" host-pid->org-host-pid`,
		`default for tool "trivy" trivy-default->repo-default`,
	}
	if fmt.Sprint(shadows) != fmt.Sprint(want) {
		t.Errorf("Shadows = %q, want %q", shadows, want)
	}
}

func TestMergeDisableThenRedefine(t *testing.T) {
	base, err := LoadFile(td + "layers/base.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The same layer twice: every entry is replaced by itself, nothing shadowed.
	c := Merge(base, nil, base)
	if len(c.Entries()) != 4 || len(c.Shadows()) != 0 {
		t.Errorf("entries %d, shadows %+v", len(c.Entries()), c.Shadows())
	}
}

func BenchmarkMatchCode(b *testing.B) {
	c := mustLoad(b, td+"precedence.yaml")
	f := &translator.Finding{Tool: "trivy", Code: "KSV017", Aliases: []string{"AVD-KSV-0017"}, Message: "x"}
	b.ReportAllocs()
	for b.Loop() {
		if e, _ := c.Match(f); e == nil {
			b.Fatal("no match")
		}
	}
}

func BenchmarkMatchDefault(b *testing.B) {
	c := mustLoad(b, td+"precedence.yaml")
	f := &translator.Finding{Tool: "trivy", Code: "CVE-2024-12345", Message: "openssl: something"}
	b.ReportAllocs()
	for b.Loop() {
		if e, _ := c.Match(f); e == nil {
			b.Fatal("no match")
		}
	}
}

// normalize caches each spelling's NormalizeCode up to maxNormCache
// spellings, and normalises the rest each time, with the same answers.
func TestNormalizeCache(t *testing.T) {
	c := Merge()
	for i := range maxNormCache + 10 {
		code := fmt.Sprintf("SC%d", i)
		if got, want := c.normalize(code), translator.NormalizeCode(code); got != want {
			t.Fatalf("normalize(%q) = %q, want %q", code, got, want)
		}
	}
	if n := c.norm.len(); n != maxNormCache {
		t.Fatalf("cache holds %d spellings, want %d", n, maxNormCache)
	}
	if got, want := c.normalize("SC5"), translator.NormalizeCode("SC5"); got != want {
		t.Fatalf("cached normalize(SC5) = %q, want %q", got, want)
	}
}
