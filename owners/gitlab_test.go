package owners

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

// memStage returns a stage for forge f reading an in-memory
// CODEOWNERS text at the forge's last location.
func memStage(f Forge, text string) *Stage {
	loc := ".github/CODEOWNERS"
	if f == GitLab {
		loc = ".gitlab/CODEOWNERS"
	}
	return NewForForge(f, func(name string) ([]byte, error) {
		if name == loc {
			return []byte(text), nil
		}
		return nil, fs.ErrNotExist
	}, nil)
}

// TestGitLabRules has one case per rule of GitLab's syntax; each names the
// page (gitlab.go [ref]/[adv]/[src]) it comes from.
func TestGitLabRules(t *testing.T) {
	cases := []struct {
		name, file string
		want       map[string]string // path -> owners
	}{
		{
			// [ref]: outside sections the last matching line wins.
			name: "last match wins without sections",
			file: "* @all\n*.rb @ruby\n/docs/ @docs\n",
			want: map[string]string{"a.go": "@all", "lib/x.rb": "@ruby", "docs/x.rb": "@docs"},
		},
		{
			// [ref] "sections are named areas that are analyzed separately";
			// [adv]: entries before any heading are one more section.
			name: "every matching section contributes",
			file: "* @general\n[Documentation]\ndocs/ @docs\n[Database]\ndocs/db/ @db\n",
			want: map[string]string{
				"docs/db/schema.md": "@general, @docs, @db",
				"docs/index.md":     "@general, @docs",
				"app.rb":            "@general",
			},
		},
		{
			// gitlab-org/gitlab!109647: the last pattern matching of each section.
			name: "last match within a section",
			file: "[A]\n*.md @first\nREADME.md @second\n[B]\nREADME.md @b1\n*.md @b2\n",
			want: map[string]string{"README.md": "@second, @b2", "x.md": "@first, @b2"},
		},
		{
			// [ref] "Section names are not case-sensitive. Sections with
			// duplicate names are combined."
			name: "duplicate section names combine",
			file: "[Docs]\n*.md @one\n[Other]\n*.md @other\n[DOCS]\nREADME.md @two\n",
			want: map[string]string{"README.md": "@two, @other", "a.md": "@one, @other"},
		},
		{
			// [ref] "If an entry is duplicated in a section, the last entry is
			// used"; file.rb keeps the first entry's place (a Ruby Hash key).
			name: "duplicated entry keeps its place",
			file: "a.rb @x\n*.rb @y\na.rb @z\n",
			want: map[string]string{"a.rb": "@y", "b.rb": "@y"},
		},
		{
			// [ref] "[Section name] @username": default owners; an entry's own
			// owners replace them.
			name: "section default owners",
			file: "[Docs][2] @docs-team @tech-lead\ndocs/\nREADME.md @writer\n",
			want: map[string]string{"docs/a.md": "@docs-team, @tech-lead", "README.md": "@writer"},
		},
		{
			// section_parser.rb: the default owners stop at "#".
			name: "heading with a comment",
			file: "[Docs] @lead # and @docs\ndocs/ @writer\nREADME.md\n",
			want: map[string]string{"docs/a.md": "@writer", "README.md": "@lead"},
		},
		{
			// [ref] "^[Section name]": optional sections still have code owners.
			name: "optional section",
			file: "* @all\n^[Database] @database-team\nmodel/db/\n",
			want: map[string]string{"model/db/x.sql": "@all, @database-team"},
		},
		{
			// [ref] "\#file_with_pound.rb", "path\ with\ spaces/".
			name: "escaped hash and spaces",
			file: "\\#file_with_pound.rb @pound\npath\\ with\\ spaces/ @space\n",
			want: map[string]string{"#file_with_pound.rb": "@pound", "path with spaces/a.txt": "@space", "path/a.txt": ""},
		},
		{
			// [ref] "/config/ @@maintainer"; reference_extractor.rb roles,
			// plural and case allowed.
			name: "roles",
			file: "* @@owner\n/config/ @@maintainer @@Developers\n",
			want: map[string]string{"config/a.yml": "@@maintainer, @@Developers", "x": "@@owner"},
		},
		{
			// [ref] "README @group @group/with-nested/subgroup", "LICENSE @legal
			// janedoe@gitlab.com".
			name: "groups, subgroups and emails",
			file: "README @group @group/with-nested/subgroup\nLICENSE @legal janedoe@gitlab.com\n",
			want: map[string]string{"README": "@group, @group/with-nested/subgroup", "sub/LICENSE": "@legal, janedoe@gitlab.com"},
		},
		{
			// [adv] FNM_PATHNAME: "*" stops at "/"; "**" recurses; FNM_DOTMATCH:
			// dot files match.
			name: "fnmatch",
			file: "/docs/* @root-docs\n/docs/**/*.md @md\n/.* @dot\n",
			want: map[string]string{
				"docs/a.txt":     "@root-docs",
				"docs/x/y.txt":   "",
				"docs/a.md":      "@md",
				"docs/x/y/z.md":  "@md",
				".gitlab-ci.yml": "@dot",
			},
		},
		{
			// gitlab-org/gitlab!69050: no trailing "/", no directory.
			name: "directory needs its slash",
			file: "/cmake @build\nlib/ @lib\n",
			want: map[string]string{"cmake": "@build", "cmake/x.cmake": "", "src/lib/a.c": "@lib"},
		},
		{
			// [ref] "Inline comments are unsupported. Any Code Owners listed in
			// a comment are parsed."
			name: "owners in a trailing comment count",
			file: "/docs/**/*.md @markdown-docs  # Match specific file types, ask @also\n",
			want: map[string]string{"docs/a/b.md": "@markdown-docs, @also"},
		},
		{
			// [ref] "Exclusion patterns"; file.rb: any matching exclusion ends
			// the section's ownership; other sections keep theirs.
			name: "exclusions",
			file: "* @default-owner\n!pom.xml\n[Ruby]\n*.rb @ruby-devs\n!/config/*\n",
			want: map[string]string{
				"pom.xml":       "",
				"a.go":          "@default-owner",
				"config/a.rb":   "@default-owner",
				"lib/config.rb": "@default-owner, @ruby-devs",
			},
		},
		{
			// file.rb: "any" matching exclusion, wherever it stands in the
			// section (gitlab-org/gitlab#519623: "Exclusions are final
			// within their section", no re-including).
			name: "exclusion before a later match",
			file: "[Ruby]\n!/config/*\n*.rb @ruby-devs\n",
			want: map[string]string{"config/a.rb": "", "lib/a.rb": "@ruby-devs"},
		},
		{
			// gitlab-org/gitlab!192387: an owner-less entry takes its paths
			// from the section's earlier entries (no owner there).
			name: "entry without owners",
			file: "* @all\n/doc/**/*.md\n[Docs]\n/doc/ @docs\n",
			want: map[string]string{"doc/a/b.md": "@docs", "doc/a.png": "@all, @docs"},
		},
		{
			// entry.rb: names compare case-insensitively; each owner once.
			name: "owners once",
			file: "* @Alice @bob\n[X]\n* @alice\n",
			want: map[string]string{"a": "@Alice, @bob"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := memStage(GitLab, c.file)
			for p, want := range c.want {
				got, err := s.Owners(p)
				if err != nil {
					t.Fatalf("Owners(%q): %v", p, err)
				}
				if got != want {
					t.Errorf("Owners(%q) = %q, want %q", p, got, want)
				}
			}
		})
	}
}

// TestGitLabErrors: each line GitLab's linter reports (error.rb), and
// each owner it would not resolve, is an error naming file and line.
func TestGitLabErrors(t *testing.T) {
	cases := []struct{ name, file, line, msg string }{
		{"missing section name", "* @a\n[]\n", "line 2", "no name"},
		{"unclosed heading", "* @a\n\n[Section name\n", "line 3", "no closing ]"},
		{"text after heading", "[Docs] trailing-word\n", "line 1", "invalid owner format 'trailing-word'"},
		{"heading glued to text", "[abc]def.rb @x\n", "line 1", "does not parse"},
		{"optional section with approvals", "^[Docs][2] @a\n", "line 1", "cannot require approvals"},
		{"malformed owner", "*.js not_a_user_not_an_email\n", "line 1", "invalid owner format 'not_a_user_not_an_email'"},
		{"mixed malformed owner", "*.js @valid malformed\n", "line 1", "invalid owner format 'malformed'"},
		{"unknown role", "* @@reporter\n", "line 1", "invalid owner format '@@reporter'"},
		{"bad character class", "*.[ch @a\n", "line 1", "syntax error in pattern"},
		{"empty exclusion", "* @a\n!\n", "line 2", "empty pattern"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := memStage(GitLab, c.file).Owners("a.js")
			if err == nil {
				t.Fatalf("no error for %q", c.file)
			}
			for _, w := range []string{".gitlab/CODEOWNERS", c.line + ":", c.msg} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	// An exclusion's owners are not checked (gitlab-org/gitlab!182403).
	if _, err := memStage(GitLab, "* @a\n!*.js malformed @valid\n").Owners("a.js"); err != nil {
		t.Errorf("exclusion with owner text: %v", err)
	}
}

// TestGitHubHasNoSections: GitHub's syntax is unchanged. Its docs: "Using
// [ ] to define a character range" does not work, so a section heading is
// invalid syntax (an error here, with its line); the last matching line of
// the whole file wins; "@@role" is no GitHub owner.
func TestGitHubHasNoSections(t *testing.T) {
	file := "* @all\n[Docs]\ndocs/ @docs\n"
	if _, err := memStage(GitHub, file).Owners("docs/a.md"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("GitHub [Docs]: err %v, want one at line 2", err)
	}
	if got, _ := memStage(GitLab, file).Owners("docs/a.md"); got != "@all, @docs" {
		t.Errorf("GitLab [Docs]: %q", got)
	}
	plain := "* @all\ndocs/ @docs\n"
	if got, _ := memStage(GitHub, plain).Owners("docs/a.md"); got != "@docs" {
		t.Errorf("GitHub last match: %q", got)
	}
	if _, err := memStage(GitHub, "* @@developer\n").Owners("a"); err == nil {
		t.Error("GitHub accepted @@developer")
	}
	// GitHub's "/cmake" owns the directory; GitLab's only the file.
	if got, _ := memStage(GitHub, "/cmake @build\n").Owners("cmake/x.cmake"); got != "@build" {
		t.Errorf("GitHub /cmake: %q", got)
	}
}

// TestForgeChoosesSyntax: NewFromLocations with GitLabLocations (what the
// GitLab exception forge passes) reads GitLab's syntax; Locations GitHub's.
func TestForgeChoosesSyntax(t *testing.T) {
	read := func(name string) ([]byte, error) {
		if name == "CODEOWNERS" {
			return []byte("* @all\n[Config] @cfg\n.runbook-translator.yaml\n"), nil
		}
		return nil, fs.ErrNotExist
	}
	got, err := NewFromLocations(GitLabLocations, read, nil).Owners(".runbook-translator.yaml")
	if err != nil || got != "@all, @cfg" {
		t.Errorf("GitLab locations: %q, %v", got, err)
	}
	if _, err := NewFromLocations(Locations, read, nil).Owners(".runbook-translator.yaml"); err == nil {
		t.Error("GitHub locations read a [Config] heading without error")
	}
	if s := NewForForge(GitLab, read, nil); strings.Join(s.locs, " ") != strings.Join(GitLabLocations, " ") {
		t.Errorf("NewForForge(GitLab) locations %v", s.locs)
	}
}

// glStar are the owners of gitlab-org/gitlab's "*" line.
const glStar = "@gitlab-org/maintainers/rails-backend, @gitlab-org/maintainers/frontend, @gitlab-org/maintainers/database, @gl-dx/qe-maintainers, @gl-dx/tooling-maintainers, @gitlab-org/delivery, @gitlab-org/maintainers/cicd-templates, @gitlab-org/tw-leadership, @gitlab-org/maintainers/kas-version-maintainers"

// TestGitLabFixtures reads CODEOWNERS files of public GitLab projects
// (sources in testdata/owners/README.md) through the Map stage.
func TestGitLabFixtures(t *testing.T) {
	cases := []struct {
		repo string
		want map[string]string
	}{
		{"gitlab-runner", map[string]string{
			"main.go":                            "@gitlab-com/runner-maintainers",
			".editorconfig":                      "@gitlab-com/runner-group, @gitlab-com/runner-maintainers",
			"magefiles/hosted_runners/x.go":      "@gitlab-com/runner-maintainers, @gitlab-org/production-engineering/runners-platform",
			"magefiles/hosted_runners.go":        "@gitlab-com/runner-maintainers, @gitlab-org/production-engineering/runners-platform",
			"docs/install/index.md":              "@gitlab-com/runner-maintainers, @gitlab-com/runner-docs-maintainers",
			"docs-locale/ja-jp/index.md":         "@gitlab-com/runner-maintainers, @gitlab-com/localization/maintainers/tech-docs",
			"docs-locale/ja-jp":                  "@gitlab-com/runner-maintainers, @gitlab-com/localization/maintainers/japanese, @gitlab-com/localization/maintainers/tech-docs",
			"docs/.markdownlint.yml":             "@gitlab-com/runner-maintainers, @gitlab-com/runner-docs-maintainers",
			"executors/docker/.markdownlint.yml": "@gitlab-com/runner-maintainers, @gitlab-com/runner-docs-maintainers",
		}},
		{"gitlab", map[string]string{
			"app/models/user.rb":                      glStar, // ^[Backend] adds rails-backend again
			"app/assets/javascripts/main.js":          glStar,
			"db/click_house/main/20240101_create.sql": glStar + ", @gitlab-org/maintainers/clickhouse",
			"doc/user/index.md":                       "", // owner-less entry: "excluded from required approval"
			".gitlab/issue_templates/Bug.md":          "",
			"GITALY_SERVER_VERSION":                   "@project_278964_bot_77e28085fcec07f14dfd31c689824b5b, @gitlab-org/maintainers/rails-backend, @gitlab-org/delivery, @gl-gitaly",
			"data/deprecations/templates/example.yml": "@marcel.amirault, @sarahgerman, @gitlab-org/tw-leadership",
			"data/whats_new/2024.yml":                 "",
			"doc/.vale/gitlab_base/Spelling.yml":      "@marcel.amirault, @eread, @aqualls, @gitlab-org/tw-leadership",
			".solargraph.yml.example":                 glStar + ", @igor.drozdov",
		}},
		{"sight", map[string]string{
			"libs/viz/scene3d/a.cpp": "@fbridault",
			"cmake":                  "@fbridault",
			"cmake/build/a.cmake":    "", // no trailing slash: the file only
			"libs/io/session":        "@dweckmann",
			"libs/io/session/a.cpp":  "",
		}},
		{"smtk", map[string]string{
			"smtk/extension/vtk/a.cxx": "david.thompson@kitware.com, tj.corona@kitware.com",
			"conda/meta.yaml":          "tj.corona@kitware.com, john.tourtellott@kitware.com",
			"CMakeLists.txt":           "",
		}},
	}
	for _, c := range cases {
		t.Run(c.repo, func(t *testing.T) {
			root := filepath.Join("..", "testdata", "owners", "gitlab", c.repo)
			s := NewForForge(GitLab, func(name string) ([]byte, error) {
				return os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
			}, func(*translator.Finding) bool { return true })
			for p, want := range c.want {
				f := &translator.Finding{Location: translator.Location{Path: p}, Runbook: &translator.Runbook{}}
				if err := s.Map(context.Background(), f); err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				if f.Runbook.Owner != want {
					t.Errorf("%s: owner %q, want %q", p, f.Runbook.Owner, want)
				}
			}
			if s.File() != ".gitlab/CODEOWNERS" {
				t.Errorf("File = %q", s.File())
			}
		})
	}
	// The same gitlab-runner file is not GitHub syntax: its heading is
	// reported with its line.
	root := filepath.Join("..", "testdata", "owners", "gitlab", "gitlab-runner")
	_, err := NewFromLocations([]string{".gitlab/CODEOWNERS"}, func(name string) ([]byte, error) {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if errors.Is(err, os.ErrNotExist) {
			return nil, fs.ErrNotExist
		}
		return b, err
	}, nil).Owners("main.go")
	if err == nil || !strings.Contains(err.Error(), "line 10") {
		t.Errorf("gitlab-runner CODEOWNERS as GitHub syntax: err %v, want line 10", err)
	}
}

// TestGitLabPatternBound: a pattern of many "**" against a deep path (the
// file is the pull request's own) is answered without exponential work;
// the test fails by timing out, not by a timing assertion.
func TestGitLabPatternBound(t *testing.T) {
	pat := "/" + strings.Repeat("**/", 40) + "x @a\n"
	deep := strings.Repeat("d/", 60) + "y"
	got, err := memStage(GitLab, pat).Owners(deep)
	if err != nil || got != "" {
		t.Errorf("Owners = %q, %v", got, err)
	}
	if got, _ := memStage(GitLab, pat).Owners(strings.Repeat("d/", 60) + "x"); got != "@a" {
		t.Errorf("deep x: %q", got)
	}
}
