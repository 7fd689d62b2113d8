package parsers

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/reviewdog/errorformat/fmts"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

// This file registers the named text formats: every errorformat built-in
// (fmts.DefinedFmts, under errorformat's own name) and our own definitions
// for tools whose text output errorformat does not cover.

// builtinAliases are extra names for errorformat built-ins.
var builtinAliases = map[string][]string{
	// errorformat's "yamllint" is `yamllint -f parsable`.
	"yamllint": {"yamllint-parsable"},
}

// builtinRefiners extract what errorformat's patterns leave in the message:
// the rule code, and a severity word where the pattern has no %t.
var builtinRefiners = map[string]func(f *translator.Finding, e *efmEntry, opts Options){
	"ansible-lint":   codeFrom(leadingBracketCode),
	"bandit":         refineBandit,
	"cargo-check":    refineRustShort,
	"clippy":         refineRustShort,
	"dotnet":         refineMSBuild,
	"msbuild":        refineMSBuild,
	"eslint":         codeFrom(trailingSpacedToken),
	"eslint-compact": codeFrom(trailingParenCode),
	"flake8":         refineTypeNr(""),
	"golangci-lint":  refineGolangci,
	"gosec":          refineGosec,
	"haml-lint":      codeFrom(leadingNameColon),
	"slim-lint":      codeFrom(leadingNameColon),
	"mypy":           codeFrom(trailingBracketCode),
	"pep8":           codeFrom(leadingPycodestyle),
	"psalm":          refinePsalm,
	"puppet-lint":    refinePuppetLint,
	"pydocstyle":     codeFrom(leadingColonCode),
	"reek":           codeFrom(leadingNameColon),
	"remark-lint":    codeFrom(remarkRule),
	"rubocop":        codeFrom(leadingCopName),
	"standardrb":     codeFrom(leadingCopName),
	"staticcheck":    codeFrom(trailingParenCode),
	"stylelint":      codeFrom(trailingSpacedToken),
	"tsc":            refineTypeNr("TS"),
	"yamllint":       refineYamllint,
}

var (
	leadingBracketCode  = lazyre.New(`^\[(?P<code>[A-Za-z][\w-]*)\]\s*(?P<rest>.*)$`)
	trailingParenCode   = lazyre.New(`^(?P<rest>.*?)\s*\((?P<code>[A-Za-z][\w/-]*)\)$`)
	trailingBracketCode = lazyre.New(`^(?P<rest>.*?)\s*\[(?P<code>[a-z][\w-]*)\]$`)
	trailingSpacedToken = lazyre.New(`^(?P<rest>.*?)\s{2,}(?P<code>[@a-z][\w/@-]*)\s*$`)
	leadingNameColon    = lazyre.New(`^(?P<code>[A-Z][A-Za-z]+):\s+(?P<rest>.*)$`)
	leadingCopName      = lazyre.New(`^(?:\[Correctable\]\s+)?(?P<code>[A-Z][A-Za-z]+/[A-Za-z0-9]+):\s+(?P<rest>.*)$`)
	leadingColonCode    = lazyre.New(`^(?P<code>[A-Z]+\d+):\s+(?P<rest>.*)$`)
	leadingPycodestyle  = lazyre.New(`^(?P<code>[EWFCN]\d+)\s+(?P<rest>.*)$`)
	remarkRule          = lazyre.New(`^(?P<rest>.*?)\s+(?P<code>[a-z][a-z0-9-]*)\s+remark-lint$`)
)

// codeFrom returns a refiner that takes the "code" group of re as the code
// and the "rest" group as the message.
func codeFrom(re func() *regexp.Regexp) func(f *translator.Finding, e *efmEntry, opts Options) {
	return func(f *translator.Finding, _ *efmEntry, _ Options) {
		if code, rest, ok := matchCode(re(), f.Message); ok {
			f.Code, f.Message = code, rest
		}
	}
}

func matchCode(re *regexp.Regexp, s string) (code, rest string, ok bool) {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return "", s, false
	}
	code = m[re.SubexpIndex("code")]
	rest = s
	if i := re.SubexpIndex("rest"); i >= 0 && strings.TrimSpace(m[i]) != "" {
		rest = strings.TrimSpace(m[i])
	}
	return code, rest, code != ""
}

// refineTypeNr builds the code from %t%n: flake8 "E501", tsc "TS2304".
func refineTypeNr(prefix string) func(f *translator.Finding, e *efmEntry, opts Options) {
	return func(f *translator.Finding, e *efmEntry, _ Options) {
		if e.Nr <= 0 {
			return
		}
		if prefix == "" {
			if e.Type == 0 {
				return
			}
			f.Code = fmt.Sprintf("%c%d", e.Type, e.Nr)
			return
		}
		f.Code = fmt.Sprintf("%s%d", prefix, e.Nr)
	}
}

// refineBandit: "B404[bandit]: LOW: ..." is matched as B%n with %t taking
// the first letter of HIGH/MEDIUM/LOW.
func refineBandit(f *translator.Finding, e *efmEntry, _ Options) {
	if e.Nr > 0 {
		f.Code = fmt.Sprintf("B%d", e.Nr)
	}
	switch e.Type {
	case 'H':
		f.Severity, f.ToolSeverity = translator.SeverityError, "HIGH"
	case 'M':
		f.Severity, f.ToolSeverity = translator.SeverityWarning, "MEDIUM"
	case 'L':
		f.Severity, f.ToolSeverity = translator.SeverityInfo, "LOW"
	}
}

var rustShort = lazyre.New(`^(?P<sev>error|warning|note|help)(?:\[(?P<code>[A-Za-z0-9_:]+)\])?:\s*(?P<rest>.*)$`)

// refineRustShort: cargo --message-format=short puts "warning: " or
// "error[E0425]: " at the start of the message.
func refineRustShort(f *translator.Finding, _ *efmEntry, _ Options) {
	m := rustShort().FindStringSubmatch(f.Message)
	if m == nil {
		return
	}
	setSeverityWord(f, m[1])
	f.Code = m[2]
	f.Message = m[3]
}

var msbuildMsg = lazyre.New(`^(?P<sev>error|warning|info)\s+(?P<code>[A-Z]+\d+):\s*(?P<rest>.*?)(?:\s+\[[^\]]*\])?$`)

// refineMSBuild: "warning CS0618: message [project.csproj]".
func refineMSBuild(f *translator.Finding, _ *efmEntry, _ Options) {
	m := msbuildMsg().FindStringSubmatch(f.Message)
	if m == nil {
		return
	}
	setSeverityWord(f, m[1])
	f.Code = m[2]
	f.Message = m[3]
}

// refineGolangci: "message (linter)"; the source lines golangci-lint prints
// under it (%C%.%#) are dropped from the message.
func refineGolangci(f *translator.Finding, _ *efmEntry, _ Options) {
	first, _, _ := strings.Cut(f.Message, "\n")
	if code, rest, ok := matchCode(trailingParenCode(), first); ok {
		f.Code, f.Message = code, rest
	}
}

var gosecTail = lazyre.New(`^(?P<rest>.*?)\s*\(Rule:(?P<code>G\d+), Severity:(?P<sev>[A-Z]+), Confidence:[A-Z]+\)$`)

// refineGosec: "message (Rule:G104, Severity:LOW, Confidence:HIGH)".
func refineGosec(f *translator.Finding, _ *efmEntry, _ Options) {
	m := gosecTail().FindStringSubmatch(f.Message)
	if m == nil {
		return
	}
	f.Message, f.Code, f.ToolSeverity = m[1], m[2], m[3]
	switch m[3] {
	case "HIGH":
		f.Severity = translator.SeverityError
	case "MEDIUM":
		f.Severity = translator.SeverityWarning
	case "LOW":
		f.Severity = translator.SeverityInfo
	}
}

var psalmMsg = lazyre.New(`^(?P<sev>error|warning|info) - (?P<code>[A-Za-z]+):\s*(?P<rest>.*)$`)

// refinePsalm: "error - InvalidGlobal: message".
func refinePsalm(f *translator.Finding, _ *efmEntry, _ Options) {
	m := psalmMsg().FindStringSubmatch(f.Message)
	if m == nil {
		return
	}
	setSeverityWord(f, m[1])
	f.Code, f.Message = m[2], m[3]
}

var puppetMsg = lazyre.New(`^(?P<sev>ERROR|WARNING):\s*(?P<rest>.*)$`)

// refinePuppetLint: "ERROR: message".
func refinePuppetLint(f *translator.Finding, _ *efmEntry, _ Options) {
	m := puppetMsg().FindStringSubmatch(f.Message)
	if m == nil {
		return
	}
	setSeverityWord(f, m[1])
	f.Message = m[2]
}

var yamllintMsg = lazyre.New(`^\[(?P<sev>error|warning)\]\s*(?P<rest>.*)$`)

// refineYamllint: "[warning] truthy value should be one of [false, true]
// (truthy)" (parsable). The rule id is the trailing "(rule)"; a trailing
// "[rule]" is accepted too.
func refineYamllint(f *translator.Finding, _ *efmEntry, _ Options) {
	if m := yamllintMsg().FindStringSubmatch(f.Message); m != nil {
		f.ToolSeverity = m[1]
		setSeverityWord(f, m[1])
		f.Message = m[2]
	}
	if code, rest, ok := matchCode(trailingParenCode(), f.Message); ok {
		f.Code, f.Message = code, rest
	} else if code, rest, ok := matchCode(trailingBracketCode(), f.Message); ok {
		f.Code, f.Message = code, rest
	}
}

// setSeverityWord sets Severity and ToolSeverity from a printed level.
func setSeverityWord(f *translator.Finding, word string) {
	f.ToolSeverity = word
	switch strings.ToLower(word) {
	case "error", "fatal", "critical":
		f.Severity = translator.SeverityError
	case "warning", "warn":
		f.Severity = translator.SeverityWarning
	case "info", "note", "notice", "style", "help", "ignore":
		f.Severity = translator.SeverityInfo
	}
}

// builtinDescription splits errorformat's "(command) description" into the
// description and the example command.
func builtinDescription(f *fmts.Fmt) (desc, example string) {
	desc = strings.TrimSpace(f.Description)
	if strings.HasPrefix(desc, "(") {
		if i := strings.Index(desc, ")"); i > 0 {
			example = desc[1:i]
			desc = strings.TrimSpace(desc[i+1:])
		}
	}
	desc += " (errorformat built-in)"
	if f.URL != "" {
		desc += "; " + f.URL
	}
	return desc, example
}

// ownTextFormats are our definitions for tools errorformat does not cover.
// Their names take the tool name plus the output style, so they never clash
// with the tool-named JSON formats.
var ownTextFormats = []struct {
	tf          textFormat
	description string
	example     string
	detect      func(head []byte) int
}{
	{
		tf: textFormat{name: "tflint-compact", tool: "tflint", patterns: []string{
			`%-G%\d\+ issue(s) found:`,
			`%f:%l:%c: %trror - %m`,
			`%f:%l:%c: %tarning - %m`,
			`%f:%l:%c: %totice - %m`,
		}, refine: refineTflint},
		description: "tflint compact text: file:line:col: Warning - message (rule_name)",
		example:     "tflint --no-color -f compact",
		detect: detectLines([]lineScore{
			{tflintLine, 2},
			{lazyre.New(`^\d+ issue\(s\) found:$`), 2},
		}),
	},
	{
		tf: textFormat{name: "hadolint-text", tool: "hadolint", patterns: []string{
			`%f:%l %*[A-Z]%n %m`,
		}, refine: refineHadolint},
		description: "hadolint default (tty) text: Dockerfile:3 DL3008 warning: message",
		example:     "hadolint --no-color Dockerfile",
		detect:      detectLines([]lineScore{{hadolintLine, 2}}),
	},
	{
		tf: textFormat{name: "shellcheck-gcc", tool: "shellcheck", patterns: []string{
			`%f:%l:%c: %trror: %m`,
			`%f:%l:%c: %tarning: %m`,
			`%f:%l:%c: %tote: %m`,
		}, refine: refineShellcheckGCC},
		description: "shellcheck gcc text: file:line:col: level: message [SC2086] (info and style print as note)",
		example:     "shellcheck -f gcc script.sh",
		// Only lines with shellcheck's [SCnnnn] code: the bare gcc shape
		// "file:line:col: warning: msg" is also cargo's, clippy's and
		// gcc's own, and must not be read as shellcheck (issue 11).
		detect: detectLines([]lineScore{
			{shellcheckGCCLine, 2},
		}),
	},
	{
		tf: textFormat{name: "actionlint-text", tool: "actionlint", patterns: []string{
			// The code snippet under each finding in the default output.
			`%-G%\s%#%\d%#%\s%#|%.%#`,
			`%f:%l:%c: %m [%*[a-z0-9-]]`,
		}, refine: refineActionlint},
		description: "actionlint text, default (with snippets) or -oneline: file:line:col: message [kind]",
		example:     "actionlint -no-color",
		detect:      detectActionlintText,
	},
	{
		tf: textFormat{name: "kubeconform-text", tool: "kubeconform", patterns: []string{
			`%-GSummary: %\d\+ resource%.%#`,
			`%f - %*[^ ] %*[^ ] is invalid: %m`,
			`%f - %*[^ ] %*[^ ] failed validation: %m`,
			// -verbose lines for resources without problems.
			`%-G%f - %*[^ ] %*[^ ] is valid`,
			`%-G%f - %*[^ ] %*[^ ] skipped`,
		}, refine: refineKubeconform},
		description: "kubeconform text: file - Kind name is invalid: problem validating schema ... (codes invalid-schema, missing-schema)",
		example:     "kubeconform -summary -output text k8s/",
		detect: detectLines([]lineScore{
			{kubeconformLine, 2},
			{lazyre.New(`^Summary: \d+ resources? found in \d+ files? - Valid: \d+, Invalid: \d+`), 2},
		}),
	},
	{
		tf: textFormat{name: "kube-linter-text", tool: "kube-linter", patterns: []string{
			`%-GKubeLinter v%.%#`,
			`%-GNo lint errors found!`,
			`%-GError: found %\d\+ lint errors`,
			`%f: (object: %m`,
		}, refine: refineKubeLinter},
		description: "kube-linter plain text: file: (object: ns/name group/version, Kind=K) message (check: name, remediation: ...)",
		example:     "kube-linter lint --format plain k8s/",
		detect: detectLines([]lineScore{
			{lazyre.New(`^KubeLinter v\d`), 2},
			{kubeLinterLine, 2},
		}),
	},
	{
		// conftest output/standard.go: print() output first as "PRNT   text",
		// then one line per result; a message with newlines goes on over
		// the following lines, up to the next result or the blank line
		// before the totals.
		tf: textFormat{name: "conftest-stdout", tool: "conftest", patterns: []string{
			`%EFAIL - %f - %m`,
			`%WWARN - %f - %m`,
			`%EEXCP - %f - %m`,
			`%-GPRNT %.%#`,
			`%-G%\d\+ test%.%#, %\d\+ passed, %\d\+ warning%.%#`,
			`%C%m`,
		}, refine: refineConftest},
		description: "conftest stdout text: FAIL - file - namespace - K8S-012: Kind/name: message (WARN, EXCP)",
		example:     "conftest test --no-color --all-namespaces -o stdout k8s/",
		detect: detectLines([]lineScore{
			{conftestLine, 2},
			// conftest prints the totals line after every output format
			// (github, tap...): alone it is only plausible.
			{lazyre.New(`^\d+ tests?, \d+ passed, \d+ warnings?, \d+ failures?, \d+ exceptions?`), 1},
		}),
	},
}

var (
	tflintLine        = lazyre.New(`^(?P<file>\S+):\d+:\d+: (?P<sev>Error|Warning|Notice) - (?P<rest>.*?)(?: \((?P<code>[A-Za-z0-9_]+)\))?$`)
	hadolintLine      = lazyre.New(`^(?:\S+):\d+ (?P<code>(?:DL|SC)\d+)(?: (?P<sev>error|warning|info|style|ignore):)? (?P<rest>.*)$`)
	shellcheckGCCLine = lazyre.New(`^\S+:\d+:\d+: (?:error|warning|note): .* \[SC\d+\]$`)
	shellcheckCode    = lazyre.New(`^(?P<rest>.*?)\s*\[(?P<code>SC\d+)\]$`)
	actionlintLine    = lazyre.New(`^(?P<file>\S+):\d+:\d+: (?P<rest>.*) \[(?P<code>[a-z0-9-]+)\]$`)
	actionlintSC      = lazyre.New(`\b(?P<code>SC\d+):(?P<sev>error|warning|info|style):\d+:\d+: `)
	actionlintSnippet = lazyre.New(`^\s*\d*\s*\|`)
	kubeconformLine   = lazyre.New(`^(?P<file>\S+) - (?P<kind>\S+) (?P<name>\S+) (?P<verb>is invalid|failed validation): (?P<rest>.*)$`)
	kubeLinterLine    = lazyre.New(`^(?P<file>\S+): \(object: (?P<ns><no namespace>|\S*)/(?P<name>\S+) (?P<gv>\S+), Kind=(?P<kind>\S+)\) (?P<rest>.*) \(check: (?P<code>[a-z0-9-]+), remediation: (?P<rem>.*)\)$`)
	conftestLine      = lazyre.New(`^(?P<sev>FAIL|WARN|EXCP) - (?P<file>\S+) - (?P<ns>\S+) - (?P<rest>.*)$`)
)

// lineScore is a line pattern of detectLines and the score of a line it
// matches.
type lineScore struct {
	re    func() *regexp.Regexp
	score int
}

// detectLines scores a head by the best score of its first lines against
// line patterns.
func detectLines(res []lineScore) func(head []byte) int {
	return func(head []byte) int {
		best := 0
		forHeadLines(head, func(line string) bool {
			for _, r := range res {
				if r.score > best && r.re().MatchString(line) {
					best = r.score
				}
			}
			return best < 2
		})
		return best
	}
}

// forHeadLines calls fn for up to 200 non-blank lines of head, stopping when
// fn returns false. A last line cut by DetectSize is skipped.
func forHeadLines(head []byte, fn func(line string) bool) {
	if len(head) >= DetectSize {
		if i := bytes.LastIndexByte(head, '\n'); i >= 0 {
			head = head[:i]
		}
	}
	n := 0
	for _, l := range strings.Split(string(head), "\n") {
		l = strings.TrimRight(l, "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		if !fn(l) {
			return
		}
		if n++; n >= 200 {
			return
		}
	}
}

// detectActionlintText is certain when a finding line names a workflow file or
// is followed by a code snippet, plausible for any file:line:col: msg [kind].
func detectActionlintText(head []byte) int {
	best, prevFinding := 0, false
	forHeadLines(head, func(line string) bool {
		if m := actionlintLine().FindStringSubmatch(line); m != nil {
			if strings.Contains(m[1], ".github/workflows/") {
				best = 2
			} else if best < 1 {
				best = 1
			}
			prevFinding = true
			return best < 2
		}
		if prevFinding && actionlintSnippet().MatchString(line) {
			best = 2
		}
		prevFinding = false
		return best < 2
	})
	return best
}

func group(re *regexp.Regexp, m []string, name string) string {
	if i := re.SubexpIndex(name); i >= 0 && i < len(m) {
		return m[i]
	}
	return ""
}

// refineTflint: "Warning - message (rule_name)"; Error/Warning/Notice.
func refineTflint(f *translator.Finding, e *efmEntry, _ Options) {
	m := tflintLine().FindStringSubmatch(e.Lines[0])
	if m == nil {
		return
	}
	setSeverityWord(f, group(tflintLine(), m, "sev"))
	f.Code = group(tflintLine(), m, "code")
	f.Message = group(tflintLine(), m, "rest")
}

// refineHadolint: "DL3008 warning: message"; hadolint 1.x printed no level
// ("DL3008 message"), which stays a warning.
func refineHadolint(f *translator.Finding, e *efmEntry, _ Options) {
	code, sev, rest, ok := hadolintTTY(e.Lines[0])
	if !ok {
		return
	}
	f.Code = code
	f.Message = rest
	f.ToolSeverity = ""
	if sev != "" {
		setSeverityWord(f, sev)
	}
}

// hadolintTTY is hadolintLine's match (code, sev and rest groups) without
// a regexp: it runs once per hadolint finding, and the regexp cost more
// than the rest of the parse (issue 10). TestHadolintTTY and
// FuzzHadolintTTY hold the two equal.
func hadolintTTY(s string) (code, sev, rest string, ok bool) {
	// ^\S+:\d+ : the first run of non-space bytes (\s is [\t\n\f\r ])
	// must be followed by a space and end in ':' and digits after at least
	// one byte. Greedy \S+ takes the last ':' of the run.
	k := 0
	for k < len(s) && !isRESpace(s[k]) {
		k++
	}
	if k >= len(s) || s[k] != ' ' {
		return "", "", "", false
	}
	colon := strings.LastIndexByte(s[:k], ':')
	if colon < 1 || colon == k-1 || !allDigits(s[colon+1:k]) {
		return "", "", "", false
	}
	// (?:DL|SC)\d+ then a space: the digit run is maximal (a space follows).
	t := s[k+1:]
	if len(t) < 3 || !(strings.HasPrefix(t, "DL") || strings.HasPrefix(t, "SC")) {
		return "", "", "", false
	}
	d := 2
	for d < len(t) && isDigit(t[d]) {
		d++
	}
	if d == 2 || d >= len(t) || t[d] != ' ' {
		return "", "", "", false
	}
	code, t = t[:d], t[d:]
	// (.*)$ : no newline in what is left ('.' does not match it).
	if strings.IndexByte(t, '\n') >= 0 {
		return "", "", "", false
	}
	// (?: (error|warning|info|style|ignore):)? then " " and the rest: the
	// group is taken when it and the space after it match.
	for _, w := range [...]string{"error", "warning", "info", "style", "ignore"} {
		if len(t) >= len(w)+3 && t[0] == ' ' && t[1:1+len(w)] == w && t[1+len(w)] == ':' && t[2+len(w)] == ' ' {
			return code, w, t[3+len(w):], true
		}
	}
	return code, "", t[1:], true
}

// isRESpace is regexp's \s: [\t\n\f\r ].
func isRESpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// refineShellcheckGCC: "message [SC2086]"; the level is printed as
// error/warning/note (info and style both become note).
func refineShellcheckGCC(f *translator.Finding, _ *efmEntry, _ Options) {
	if code, rest, ok := shellcheckTrailingCode(f.Message); ok {
		f.Code, f.Message = code, rest
	}
}

// shellcheckTrailingCode is matchCode(shellcheckCode, s) without a regexp:
// it runs once per shellcheck finding, and the regexp cost a tenth of a
// run's CPU (issue 10). TestShellcheckTrailingCode holds the two equal.
func shellcheckTrailingCode(s string) (code, rest string, ok bool) {
	i := strings.LastIndex(s, "[SC")
	if i < 0 || len(s) < i+5 || s[len(s)-1] != ']' {
		return "", s, false
	}
	digits := s[i+3 : len(s)-1]
	for j := 0; j < len(digits); j++ {
		if digits[j] < '0' || digits[j] > '9' {
			return "", s, false
		}
	}
	// The regexp's "." does not match a newline; its "\s" before the
	// bracket ([\t\n\f\r ]) does.
	head := strings.TrimRight(s[:i], "\t\n\f\r ")
	if strings.IndexByte(head, '\n') >= 0 {
		return "", s, false
	}
	code, rest = s[i+1:len(s)-1], s
	if r := strings.TrimSpace(head); r != "" {
		rest = r
	}
	return code, rest, true
}

// refineActionlint: the kind in brackets is the code. A shellcheck finding
// carries the SC code and level inside the message ("shellcheck reported
// issue in this script: SC2086:info:1:17: ..."): then the SC code is the
// code, the kind an alias, and the level the severity. actionlint has no
// severity of its own; every other finding is an error (it exits 1).
func refineActionlint(f *translator.Finding, e *efmEntry, _ Options) {
	m := actionlintLine().FindStringSubmatch(e.Lines[0])
	if m == nil {
		return
	}
	kind := group(actionlintLine(), m, "code")
	f.Code = kind
	f.Message = group(actionlintLine(), m, "rest")
	f.Severity = translator.SeverityError
	f.ToolSeverity = ""
	f.SetExtra("kind", kind)
	if kind == "shellcheck" || kind == "pyflakes" {
		if sc := actionlintSC().FindStringSubmatch(f.Message); sc != nil {
			f.Code = group(actionlintSC(), sc, "code")
			f.Aliases = []string{kind}
			setSeverityWord(f, group(actionlintSC(), sc, "sev"))
		}
	}
}

// refineKubeconform: "Kind name is invalid: ..." (code invalid-schema) or
// "Kind name failed validation: could not find schema for Kind" (code
// missing-schema; other failures: validation-error). kubeconform prints no
// line numbers and treats everything it reports as an error.
func refineKubeconform(f *translator.Finding, e *efmEntry, _ Options) {
	m := kubeconformLine().FindStringSubmatch(e.Lines[0])
	if m == nil {
		return
	}
	kind, name := group(kubeconformLine(), m, "kind"), group(kubeconformLine(), m, "name")
	rest := group(kubeconformLine(), m, "rest")
	f.Resource = kind + "/" + name
	f.Message = kind + " " + name + " " + group(kubeconformLine(), m, "verb") + ": " + rest
	f.Severity = translator.SeverityError
	switch {
	case strings.Contains(rest, "could not find schema"):
		f.Code = "missing-schema"
	case group(kubeconformLine(), m, "verb") == "is invalid":
		f.Code = "invalid-schema"
	default:
		f.Code = "validation-error"
	}
}

// refineKubeLinter: the check is the code, the remediation is kept, the
// object becomes "Kind/namespace/name". kube-linter has no severity; it
// exits 1 on any finding, so they are errors.
func refineKubeLinter(f *translator.Finding, e *efmEntry, _ Options) {
	m := kubeLinterLine().FindStringSubmatch(e.Lines[0])
	if m == nil {
		return
	}
	f.Code = group(kubeLinterLine(), m, "code")
	f.Message = group(kubeLinterLine(), m, "rest")
	f.Remediation = group(kubeLinterLine(), m, "rem")
	f.Severity = translator.SeverityError
	kind, ns, name := group(kubeLinterLine(), m, "kind"), group(kubeLinterLine(), m, "ns"), group(kubeLinterLine(), m, "name")
	if ns == "<no namespace>" { // a cluster-wide or unnamespaced object, as in SARIF (kubeLinterObject)
		ns = ""
	}
	f.Resource = kubeResource(kind, ns, name)
	f.SetExtra("namespace", ns)
	f.SetExtra("group_version", group(kubeLinterLine(), m, "gv"))
}

// refineConftest: "FAIL - file - namespace - K8S-012: Kind/name: message".
// FAIL is an error, WARN a warning; EXCP is a failure the policy's
// exceptions suppress, reported as an ignored error so it stays visible.
// The code comes from opts.CodePattern (DefaultCodePattern), the resource
// from the konstraint-style "Kind/name: " prefix.
func refineConftest(f *translator.Finding, e *efmEntry, opts Options) {
	m := conftestLine().FindStringSubmatch(e.Lines[0])
	if m == nil {
		return
	}
	sev := group(conftestLine(), m, "sev")
	f.ToolSeverity = sev
	switch sev {
	case "FAIL":
		f.Severity = translator.SeverityError
	case "WARN":
		f.Severity = translator.SeverityWarning
	case "EXCP":
		f.Severity = translator.SeverityError
		f.Suppressed = &translator.Suppression{Reason: "conftest exception", Source: "conftest"}
	}
	f.SetExtra("policy_namespace", group(conftestLine(), m, "ns"))
	// Keep the message as conftest printed it (as the JSON parser does), so
	// both formats of one run give the same fingerprints.
	msg := group(conftestLine(), m, "rest")
	if len(e.Lines) > 1 {
		// A multi-line message: conftest printed it as is.
		msg = strings.TrimRight(strings.Join(append([]string{msg}, e.Lines[1:]...), "\n"), "\n")
	}
	code, rest := CodeFromMessage(opts.CodePattern, msg)
	res, _ := ResourceFromMessage(rest)
	f.Code, f.Resource, f.Message = code, res, msg
}

// ownFormatNames is filled by init; tests use it.
var ownFormatNames []string

// builtinFormatNames is filled by init; tests use it.
var builtinFormatNames []string

func init() {
	own := map[string]bool{}
	for _, o := range ownTextFormats {
		o := o
		o.tf.requireMatch, o.tf.strict, o.tf.stripANSI = true, true, true
		own[o.tf.name] = true
		ownFormatNames = append(ownFormatNames, o.tf.name)
		Register(Format{
			Name:        o.tf.name,
			Tool:        o.tf.tool,
			Description: o.description,
			Example:     o.example,
			Detect:      o.detect,
			New: func(opts Options) (Parser, error) {
				return newTextParser(o.tf, opts)
			},
		})
	}
	defs := fmts.DefinedFmts()
	names := make([]string, 0, len(defs))
	for n := range defs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		def := defs[n]
		name := n
		if own[name] {
			// Never the case today; an errorformat upgrade adding one of
			// our names must not panic at start-up.
			name += "-errorformat"
		}
		builtinFormatNames = append(builtinFormatNames, name)
		desc, example := builtinDescription(def)
		tf := textFormat{name: name, tool: n, patterns: def.Errorformat, refine: builtinRefiners[n], requireMatch: true}
		f := Format{
			Name:        name,
			Aliases:     builtinAliases[n],
			Tool:        n,
			Description: desc,
			Example:     example,
			New: func(opts Options) (Parser, error) {
				return newTextParser(tf, opts)
			},
		}
		if n == "yamllint" {
			f.Detect = detectLines([]lineScore{
				{lazyre.New(`^\S+:\d+:\d+: \[(?:error|warning)\] .* \([a-z0-9-]+\)$`), 2},
			})
		}
		Register(f)
	}
}
