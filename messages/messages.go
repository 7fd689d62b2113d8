// Package messages is the table of the tool's own words in reports
// (headings, the summary, the local report, notices), one map per language.
// Reporters look words up here instead of holding English literals, so a
// run in another language changes every report at once.
package messages

import "strings"

// Key names one message.
type Key string

// Message keys used by the reporters.
const (
	WhatIsWrong    Key = "what_is_wrong"
	NeedException  Key = "need_exception"
	Summary        Key = "summary"
	NoFindings     Key = "no_findings"
	NoRunbookEntry Key = "no_runbook_entry"
	Findings       Key = "findings"
	Suppressed     Key = "suppressed"
)

// Default is the language of the catalog's title and body fields.
const Default = "en"

var table = map[string]map[Key]string{
	"en": {
		WhatIsWrong:    "What is wrong",
		NeedException:  "Need an exception?",
		Summary:        "Summary",
		NoFindings:     "No findings.",
		NoRunbookEntry: "No runbook entry",
		Findings:       "Findings",
		Suppressed:     "Suppressed",
	},
	"ja": {
		WhatIsWrong:    "何が問題か",
		NeedException:  "例外が必要な場合",
		Summary:        "サマリー",
		NoFindings:     "指摘はありません。",
		NoRunbookEntry: "Runbook エントリがありません",
		Findings:       "指摘事項",
		Suppressed:     "抑制済み",
	},
}

// Langs returns the languages the table has, sorted.
func Langs() []string { return []string{"en", "ja"} }

// Get returns the message for key in lang, or the Default language's when
// lang has none (or is unknown), or the key itself as a last resort.
func Get(lang string, key Key) string {
	if s, ok := table[lang][key]; ok {
		return s
	}
	if s, ok := table[Default][key]; ok {
		return s
	}
	return string(key)
}

// FromLocale turns a locale value ("ja_JP.UTF-8", "ja-JP", "C", "en_US")
// into a language of the table, or "" when it names none. cmd/ passes
// LC_ALL, then LANG, after the --lang flag and the config's lang.
func FromLocale(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, "_-.@"); i >= 0 {
		v = v[:i]
	}
	if _, ok := table[v]; ok {
		return v
	}
	return ""
}

// Choose returns the first of the candidates (flag, config, LC_ALL, LANG)
// that names a known language, or Default.
func Choose(candidates ...string) string {
	for _, c := range candidates {
		if l := FromLocale(c); l != "" {
			return l
		}
	}
	return Default
}
