package owners

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/reporters/comment"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// catalogWant is what the lead wires: the entry's owner_from_codeowners flag.
func catalogWant(t *testing.T) (*runbooks.Catalog, func(*translator.Finding) bool) {
	t.Helper()
	b, err := runbooks.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	org, err := runbooks.LoadPath("../testdata/catalogs/org")
	if err != nil {
		t.Fatal(err)
	}
	cat := runbooks.Merge(b, org)
	return cat, func(f *translator.Finding) bool {
		e := cat.Entry(f.Runbook.ID)
		return e != nil && e.OwnerFromCodeowners
	}
}

func TestStageSetsCodeownersOwner(t *testing.T) {
	cat, want := catalogWant(t)
	s, err := New("../testdata/owners/repo", want)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(code, path string) *translator.Finding {
		return &translator.Finding{Tool: "kube-linter", Code: code, Message: "m", Location: translator.Location{Path: path}}
	}
	fs := translator.Findings{
		mk("shop-team-label", "k8s/checkout.yaml"),        // flag on, last matching rule wins
		mk("shop-team-label", "k8s/catalog.yaml"),         // flag on, /k8s/ rule
		mk("shop-team-label", "terraform/main.tf"),        // email owner
		mk("shop-team-label", "vendor/x.yaml"),            // rule without owners: entry owner stays (none)
		mk("no-anti-affinity", "k8s/checkout.yaml"),       // flag off: entry owner stays
		mk("shop-internal-registry", "k8s/checkout.yaml"), // flag off
	}
	p := translator.Pipeline{Stages: []translator.Stage{cat.Stage(), s}}
	if _, err := p.Run(context.Background(), fs); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(s.File(), ".github/CODEOWNERS") {
		t.Fatalf("File = %q, want the .github/CODEOWNERS (GitHub's first location)", s.File())
	}
	got := []string{}
	for _, f := range fs {
		got = append(got, f.Runbook.Owner)
	}
	want2 := []string{"@acme/checkout, @alice", "@acme/platform-k8s", "ops@example.com", "", "@acme/platform", "@acme/platform"}
	for i := range want2 {
		if got[i] != want2[i] {
			t.Errorf("finding %d (%s %s): owner %q, want %q", i, fs[i].Code, fs[i].Path, got[i], want2[i])
		}
	}

	// The comment shows the owner, escaped: two owners never ping, and a
	// single handle pings only with mentions on.
	body, _ := comment.Inline(fs[1], comment.Options{})
	if !strings.Contains(body, "Owner: @\u200bacme/platform-k8s") && !strings.Contains(body, `Owner: \@acme/platform-k8s`) {
		t.Errorf("owner not shown escaped without mentions:\n%s", body)
	}
	body, _ = comment.Inline(fs[1], comment.Options{Mentions: true})
	if !strings.Contains(body, "Owner: @acme/platform-k8s\n") {
		t.Errorf("owner not a mention with mentions on:\n%s", body)
	}
	body, _ = comment.Inline(fs[0], comment.Options{Mentions: true})
	if strings.Contains(body, "Owner: @acme/checkout, @alice") {
		t.Errorf("two owners must not be written as raw mentions:\n%s", body)
	}
}

func TestStageLocations(t *testing.T) {
	s, err := New("../testdata/owners/rootonly", func(*translator.Finding) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Owners("terraform/main.tf"); got != "@acme/infra" {
		t.Errorf("root CODEOWNERS: owner %q", got)
	}
	none, err := New(t.TempDir(), func(*translator.Finding) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	f := &translator.Finding{Location: translator.Location{Path: "a"}, Runbook: &translator.Runbook{Owner: "@keep"}}
	if err := none.Map(context.Background(), f); err != nil || f.Runbook.Owner != "@keep" {
		t.Errorf("no CODEOWNERS: owner %q, err %v", f.Runbook.Owner, err)
	}
	broken, _ := New("../testdata/owners/broken", nil)
	if _, err := broken.Owners("a.yaml"); err == nil || !strings.Contains(err.Error(), "docs/CODEOWNERS") || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("broken CODEOWNERS: err %v, want one naming docs/CODEOWNERS line 1", err)
	}
}

// CODEOWNERS is read only when an entry asks for owners from it (issue 8
// item 7: it used to be read on every run).
func TestCodeownersReadOnlyWhenWanted(t *testing.T) {
	cat, want := catalogWant(t)
	reads := 0
	s := NewFrom(func(name string) ([]byte, error) {
		reads++
		return nil, fs.ErrNotExist
	}, want)
	f := &translator.Finding{Tool: "kube-linter", Code: "no-anti-affinity", Message: "m", Location: translator.Location{Path: "k8s/a.yaml"}}
	p := translator.Pipeline{Stages: []translator.Stage{cat.Stage(), s}}
	if _, err := p.Run(context.Background(), translator.Findings{f}); err != nil {
		t.Fatal(err)
	}
	if reads != 0 {
		t.Fatalf("CODEOWNERS read %d times for a run whose entries never use it", reads)
	}
	g := &translator.Finding{Tool: "kube-linter", Code: "shop-team-label", Message: "m", Location: translator.Location{Path: "k8s/a.yaml"}}
	if _, err := p.Run(context.Background(), translator.Findings{g, g}); err != nil {
		t.Fatal(err)
	}
	if reads != len(Locations) {
		t.Fatalf("CODEOWNERS locations read %d times, want %d (once each)", reads, len(Locations))
	}
}
