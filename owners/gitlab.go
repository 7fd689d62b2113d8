package owners

// GitLab's CODEOWNERS syntax, a superset of GitHub's. Sources, cited
// beside each rule below:
//
//   - [ref] https://docs.gitlab.com/user/project/codeowners/reference
//     (sections, headings, default owners, roles, escapes, errors);
//   - [adv] https://docs.gitlab.com/user/project/codeowners/advanced
//     (File::fnmatch with FNM_DOTMATCH|FNM_PATHNAME; entries outside a
//     section are one more, unnamed, section);
//   - [src] GitLab's parser, ee/lib/gitlab/code_owners/file.rb,
//     section_parser.rb and reference_extractor.rb (read from the
//     gitlab-org/gitlab mirror pavankalisetti009/gitlab, commits 1eded357,
//     0325e1c3, 19cdbde5), for what the pages leave out.
//
// GitLab shows a file with errors as invalid and keeps what it could
// parse [ref "Error handling"]; this parser is stricter, as the rest of
// the package is: the lines GitLab's linter reports (error.rb), and every
// owner token that is not a user, group, role or email, are an error
// naming the line, never a silent skip. One report is read instead, as
// GitLab applies it: an entry without owners (MISSING_ENTRY_OWNER, see
// entry).

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

// glDefaultSection is the name GitLab gives the entries before the first
// heading (section.rb DEFAULT = 'codeowners').
const glDefaultSection = "codeowners"

// glEntry is one pattern line.
type glEntry struct {
	segs    []string // the fnmatch pattern, split at "/"
	owners  []string
	exclude bool
	line    int
}

// glSection holds a section's entries by normalised pattern, in the order
// a Ruby Hash keeps them: a pattern written again in the same section
// replaces the earlier entry's owners but keeps its place (file.rb
// parse_entry: parsed[section][normalized_pattern] = Entry.new). [ref]: "If
// an entry is duplicated in a section, the last entry is used."
type glSection struct {
	name    string
	keys    []string
	entries map[string]*glEntry
}

// glRules is a parsed GitLab CODEOWNERS file.
type glRules struct{ sections []*glSection }

var (
	// section_parser.rb HEADER_REGEX, anchored at both ends here: GitLab
	// ignores what follows a heading it recognises (e.g. "[A] @x junk#"),
	// which this parser reports instead.
	glHeading = lazyre.New(`^(\^)?\[([^\]]*)\](?:\[([0-9]*)\])?(?:[ \t]+(.*))?$`)
	// section_parser.rb REGEX_INVALID_SECTION: "[Name" without "]".
	glBadHeading = lazyre.New(`^\^?\[[^\]]+$`)
	// reference_extractor.rb NAME_REGEXP: "@" and a full namespace path,
	// user or group or nested subgroup ([ref]: "@group/with-nested/subgroup").
	glName = lazyre.New(`^@[A-Za-z0-9_.][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_.][A-Za-z0-9_.-]*)*$`)
	// reference_extractor.rb EMAIL_REGEXP, anchored to the whole token.
	glEmail = lazyre.New(`^[^@\s]{1,100}@[^@\s]{1,255}$`)
	// reference_extractor.rb POSSIBLE_ROLES with ROLE_PREFIX "@@", an
	// optional plural "s", any case ([ref] "@@developer", "@@maintainer",
	// "@@owner"; roles as Code Owners came in GitLab 17.x).
	glRole = lazyre.New(`(?i)^@@(developer|maintainer|owner)s?$`)
	// file.rb normalize_pattern: pattern.gsub(/\\\s+/, ' ').
	glEscapedSpace = lazyre.New(`\\[ \t]+`)
)

// glOwner reports whether tok is an owner GitLab resolves.
func glOwner(tok string) bool {
	switch {
	case strings.HasPrefix(tok, "@@"):
		return glRole().MatchString(tok)
	case strings.HasPrefix(tok, "@"):
		n := strings.ToLower(tok)
		// PathRegex: a namespace path never ends in .git or .atom.
		return glName().MatchString(tok) && !strings.HasSuffix(n, ".git") && !strings.HasSuffix(n, ".atom")
	}
	// EMAIL_REGEXP's (?<!\W): the address ends with a word character.
	last := tok[len(tok)-1]
	word := last == '_' || last >= '0' && last <= '9' || last >= 'a' && last <= 'z' || last >= 'A' && last <= 'Z'
	return word && glEmail().MatchString(tok)
}

// glOwners parses an owners list. [ref]: "Inline comments are
// unsupported. Any Code Owners listed in a comment are parsed." So after
// a "#" word the owners among the words still count and the other words
// are the comment; before it, every word must be an owner.
func glOwners(text string) ([]string, error) {
	var out []string
	comment := false
	for _, tok := range strings.Fields(text) {
		if strings.HasPrefix(tok, "#") {
			comment = true
		}
		if glOwner(tok) {
			out = append(out, tok)
			continue
		}
		if !comment {
			return nil, fmt.Errorf("invalid owner format '%s'", tok)
		}
	}
	return out, nil
}

// parseGitLab parses a CODEOWNERS file in GitLab's syntax. Errors name
// the line ("line N: ..."), as the GitHub parser's do.
func parseGitLab(data []byte) (*glRules, error) {
	def := &glSection{name: glDefaultSection, entries: map[string]*glEntry{}}
	r := &glRules{sections: []*glSection{def}}
	cur, curDefaults := def, []string(nil)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), maxFile+1)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		// file.rb skip?: blank lines and lines starting with "#".
		if line == "" || line[0] == '#' {
			continue
		}
		if m := glHeading().FindStringSubmatch(line); m != nil {
			s, defaults, err := r.heading(m)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			cur, curDefaults = s, defaults
			continue
		}
		if glBadHeading().MatchString(line) {
			// error.rb INVALID_SECTION_FORMAT; GitLab then reads the line
			// as an entry [ref "Unparsable sections"].
			return nil, fmt.Errorf("line %d: section heading %q has no closing ]", n, line)
		}
		if strings.HasPrefix(line, "[") || strings.HasPrefix(line, "^[") {
			return nil, fmt.Errorf("line %d: section heading %q does not parse: [Name], ^[Name], [Name][N], then owners", n, line)
		}
		if err := cur.entry(line, curDefaults, n); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// heading opens (or reopens) the section of a heading line m.
func (r *glRules) heading(m []string) (*glSection, []string, error) {
	optional, name, approvals, owners := m[1] != "", m[2], m[3], m[4]
	// [ref] "Section headings must always have a name"; error.rb
	// MISSING_SECTION_NAME.
	if strings.TrimSpace(name) == "" {
		return nil, nil, fmt.Errorf("section heading has no name")
	}
	// [ref] "[Section name][5]": the approvals a section needs. An
	// optional section needing approvals is error.rb
	// INVALID_APPROVAL_REQUIREMENT ([ref]: optional sections ignore it).
	if approvals != "" {
		if _, err := strconv.Atoi(approvals); err != nil {
			return nil, nil, fmt.Errorf("section %q: approvals %q: %w", name, approvals, err)
		}
		if optional && approvals != "0" {
			return nil, nil, fmt.Errorf("optional section %q cannot require approvals", name)
		}
	}
	// [ref] "[Section name] @username": default owners for the section's
	// entries that name none; error.rb INVALID_SECTION_OWNER_FORMAT.
	// A "#" word and what follows is a comment, owners in it included:
	// GitLab's default_owners group stops at "#" (unlike an entry's
	// owners, see glOwners).
	if i := strings.Index(owners, "#"); i >= 0 && (i == 0 || owners[i-1] == ' ' || owners[i-1] == '\t') {
		owners = owners[:i]
	}
	defaults, err := glOwners(owners)
	if err != nil {
		return nil, nil, fmt.Errorf("section %q default owners: %w", name, err)
	}
	// [ref] "Section names are not case-sensitive. Sections with duplicate
	// names are combined." (section_parser.rb find_section_name.)
	for _, s := range r.sections {
		if strings.EqualFold(s.name, name) {
			return s, defaults, nil
		}
	}
	s := &glSection{name: name, entries: map[string]*glEntry{}}
	r.sections = append(r.sections, s)
	return s, defaults, nil
}

// entry adds a pattern line to the section.
func (s *glSection) entry(line string, defaults []string, n int) error {
	pat, rest := splitPattern(line)
	e := &glEntry{line: n}
	// Exclusions ([ref] "Exclusion patterns", gitlab-org/gitlab!180162):
	// "!pattern" removes the section's ownership of matching files
	// (file.rb entries_for_path: next if matching_entries.any?(&:exclusion?)).
	// GitLab checks no owners on an exclusion line (gitlab-org/gitlab!182403).
	if strings.HasPrefix(pat, "!") {
		e.exclude, pat = true, pat[1:]
	}
	if pat == "" {
		return fmt.Errorf("empty pattern")
	}
	if !e.exclude {
		owners, err := glOwners(rest)
		if err != nil {
			return err
		}
		// error.rb INVALID_ENTRY_OWNER_FORMAT: owner text without an owner.
		if strings.TrimSpace(rest) != "" && len(owners) == 0 {
			return fmt.Errorf("no owner in %q", rest)
		}
		if len(owners) == 0 {
			owners = defaults
		}
		// No owners and no section defaults: GitLab's linter reports it
		// (error.rb MISSING_ENTRY_OWNER, [ref] "Zero owners") but applies
		// it: the entry takes the path, and its approval rule, having no
		// approvers, is auto-approved (gitlab-org/gitlab!192387: "We
		// previously used a quirk in the logic of CODEOWNERS to prevent
		// some of the files from requiring approval"; gitlab-org/gitlab's
		// own .gitlab/CODEOWNERS did so). The line parses and has an
		// effect, so it is read, as GitHub's owner-less lines are: the
		// section names no owner for those paths.
		e.owners = owners
	}
	norm := glNormalize(pat)
	e.segs = strings.Split(norm, "/")
	for _, seg := range e.segs {
		if _, err := path.Match(glClass(seg), ""); err != nil {
			return fmt.Errorf("pattern %s: %w", pat, err)
		}
	}
	if _, ok := s.entries[norm]; !ok {
		s.keys = append(s.keys, norm)
	}
	s.entries[norm] = e
	return nil
}

// splitPattern splits a line at its first unescaped run of whitespace
// ([ref]: "path\ with\ spaces/ @space-owner"; file.rb
// line.partition(/(?<!\\)\s+/): a blank not preceded by a backslash,
// whatever precedes that backslash).
func splitPattern(line string) (string, string) {
	for i := 0; i < len(line); i++ {
		if (line[i] != ' ' && line[i] != '\t') || i > 0 && line[i-1] == '\\' {
			continue
		}
		j := i
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		return line[:i], line[j:]
	}
	return line, ""
}

// glNormalize is file.rb normalize_pattern: "*" is everything; a leading
// "\#" is "#" ([ref]: "\#file_with_pound.rb"); "\ " is a space; a pattern
// not starting with "/" matches at any depth; a trailing "/" matches
// everything below. Without the trailing "/" a directory's files are not
// matched, unlike on GitHub: "/docs" is only the path "docs"
// (gitlab-org/gitlab!69050: "a missing ending slash in one of the
// directories in CODEOWNERS, which meant gitlab-bot would not ping the
// right people"; ghc/ghc!253 on gitlab.haskell.org).
func glNormalize(p string) string {
	if p == "*" {
		return "/**/*"
	}
	if strings.HasPrefix(p, `\#`) {
		p = p[1:]
	}
	p = glEscapedSpace().ReplaceAllString(p, " ")
	if !strings.HasPrefix(p, "/") {
		p = "/**/" + p
	}
	if strings.HasSuffix(p, "/") {
		p += "**/*"
	}
	return p
}

// glClass turns fnmatch's "[!...]" into path.Match's "[^...]".
func glClass(seg string) string { return strings.ReplaceAll(seg, "[!", "[^") }

// fnmatch is Ruby's File.fnmatch?(pattern, path, FNM_DOTMATCH |
// FNM_PATHNAME) over "/"-split segments [adv]: "*" and "?" never match
// "/", "**/" matches zero or more directories, dot files match, case
// matters. The pattern is the PR's own text: memoised on (pattern
// segment, path segment), so "/**/**/**/…" costs len(pat)*len(name)
// steps, not a power of them.
func fnmatch(pat, name []string) bool {
	w := len(name) + 1
	memo := make([]int8, (len(pat)+1)*w) // 0 unknown, 1 no, 2 yes
	var m func(p, n int) bool
	m = func(p, n int) bool {
		k := p*w + n
		if memo[k] != 0 {
			return memo[k] == 2
		}
		var ok bool
		switch {
		case p == len(pat):
			ok = n == len(name)
		case pat[p] == "**" && p+1 < len(pat):
			for i := n; i <= len(name) && !ok; i++ {
				ok = m(p+1, i)
			}
		case n == len(name):
			ok = false
		default:
			seg, _ := path.Match(glClass(pat[p]), name[n]) // checked at parse time
			ok = seg && m(p+1, n+1)
		}
		memo[k] = 1
		if ok {
			memo[k] = 2
		}
		return ok
	}
	return m(0, 0)
}

// owners are GitLab's code owners of a repository-relative path: from
// every section, the last matching entry in it ([ref]: "sections are named
// areas that are analyzed separately"; gitlab-org/gitlab!109647: "the
// users from last pattern matching the file of each section are used";
// [adv] "Entries without sections are treated as if they were another,
// unnamed section"), in section order, without repeats (GitLab compares
// names case-insensitively, entry.rb matching_user?). Optional sections
// count: their owners are still the code owners, only their approval is
// optional [ref].
func (r *glRules) owners(p string) []string {
	name := strings.Split("/"+strings.TrimPrefix(p, "/"), "/")
	var out []string
	seen := map[string]bool{}
	for _, s := range r.sections {
		var hit *glEntry
		excluded := false
		for i := len(s.keys) - 1; i >= 0; i-- {
			e := s.entries[s.keys[i]]
			if !fnmatch(e.segs, name) {
				continue
			}
			if e.exclude {
				excluded = true
				break
			}
			if hit == nil {
				hit = e
			}
		}
		if hit == nil || excluded {
			continue
		}
		for _, o := range hit.owners {
			k := strings.ToLower(o)
			if !seen[k] {
				seen[k] = true
				out = append(out, o)
			}
		}
	}
	return out
}
