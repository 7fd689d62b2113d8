// Package messages is the table of the tool's own words in reports
// (headings, the summary, the local report, notices), one map per language.
// Reporters look words up here instead of holding English literals, so a
// run in another language changes every report at once.
//
// A message is a fmt format: its verbs are the placeholders, and a
// translation may reorder them with explicit argument indexes ("%[2]d");
// TestPlaceholders checks that every translation takes the same arguments
// as the English text. Machine-read text (JSON keys, SARIF properties, the
// hidden comment markers) is never looked up here: it does not change with
// the language, so a comment written in one language is still recognised
// by a run in another.
package messages

import (
	"fmt"
	"strings"
	"sync"
)

// Key names one message.
type Key string

// Default is the language of the catalog's title and body fields, and of
// a message a language lacks.
const Default = "en"

// table holds every language's messages; en.go and ja.go fill it.
//
// one holds the singular forms of count messages (see N), by language; a
// language without plural forms (Japanese) has none.
//
// Both are built on the first lookup (load), not at start-up: their
// literals are a few thousand strings (their package initialisation was
// 0.18 ms of a one-finding run, GODEBUG=inittrace=1).
var (
	table, one    map[string]map[Key]string
	en, ja, enOne map[Key]string
	fills         []func() // each file's add calls, run by load
	loadOnce      sync.Once
)

// load builds the tables once.
func load() {
	loadOnce.Do(func() {
		en, ja, enOne = enBase(), jaBase(), enOneBase()
		for _, fill := range fills {
			fill()
		}
		table = map[string]map[Key]string{"en": en, "ja": ja}
		one = map[string]map[Key]string{"en": enOne}
	})
}

// Langs returns the languages the table has, sorted.
func Langs() []string { return []string{"en", "ja"} }

// Known reports whether lang is a language of the table.
func Known(lang string) bool {
	// Langs, not the table: choosing the language of a run must not build
	// the tables (TestLangs holds the two equal).
	for _, l := range Langs() {
		if l == lang {
			return true
		}
	}
	return false
}

// Get returns the message for key in lang, or the Default language's when
// lang has none (or is unknown), or the key itself as a last resort.
func Get(lang string, key Key) string {
	load()
	if s, ok := table[lang][key]; ok {
		return s
	}
	if s, ok := table[Default][key]; ok {
		return s
	}
	return string(key)
}

// T returns the message for key in lang formatted with args.
func T(lang string, key Key, args ...any) string {
	f := Get(lang, key)
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

// N returns a message about a count: n is its first argument, and a
// language with a singular form (English "1 finding") uses it when n is 1.
func N(lang string, key Key, n int, args ...any) string {
	f := Get(lang, key)
	if n == 1 {
		l := lang
		if !Known(l) {
			l = Default
		}
		if s, ok := one[l][key]; ok {
			f = s
		}
	}
	return fmt.Sprintf(f, append([]any{n}, args...)...)
}

// Severity returns the lower-case name of a severity ("error",
// "warning", …; the names of translator.Severity.String) in lang, for
// lists and columns. An unknown name is returned as it is.
func Severity(lang, name string) string {
	k, ok := sevKeys[name]
	if !ok {
		return name
	}
	return Get(lang, k)
}

// SeverityTitle is Severity for a heading ("Error" in English).
func SeverityTitle(lang, name string) string {
	k, ok := sevKeys[name]
	if !ok {
		return name
	}
	return Get(lang, "sevtitle."+k[len("sev."):])
}

// sevKeys maps severity names to their keys without building a string per
// finding (the local report looks one up for each).
var sevKeys = map[string]Key{
	"critical": "sev.critical", "error": "sev.error", "warning": "sev.warning",
	"info": "sev.info", "notice": "sev.notice",
}

// FromLocale turns a locale value ("ja_JP.UTF-8", "ja-JP", "C", "en_US")
// into a language of the table, or "" when it names none.
func FromLocale(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, "_-.@"); i >= 0 {
		v = v[:i]
	}
	if Known(v) {
		return v
	}
	return ""
}

// Choose returns the first of the candidates that names a known language,
// or Default. Resolve is the order a run uses.
func Choose(candidates ...string) string {
	for _, c := range candidates {
		if l := FromLocale(c); l != "" {
			return l
		}
	}
	return Default
}

// LocaleVars are the environment variables that name the language when
// neither --lang nor the config does, in POSIX precedence: the first one
// set decides, so LC_ALL=C wins over LANG=ja_JP.UTF-8 as it does for every
// other program.
var LocaleVars = []string{"LC_ALL", "LC_MESSAGES", "LANG"}

// Resolve chooses the language of a run: the --lang flag, then the
// config's lang, then the locale (LocaleVars, read with getenv). An
// unknown flag or config value is an error naming the valid languages (a
// typo must not silently give English); an unknown locale (C, POSIX,
// fr_FR) means Default. cmd/ passes its getenv (only cmd/ reads the
// environment); nil means no locale.
func Resolve(flag, config string, getenv func(string) string) (string, error) {
	for _, c := range []struct {
		key Key
		v   string
	}{{"lang.unknown_flag", flag}, {"lang.unknown_config", config}} {
		v := strings.TrimSpace(c.v)
		if v == "" {
			continue
		}
		if l := FromLocale(v); l != "" {
			return l, nil
		}
		return "", Errorf(c.key, v, strings.Join(Langs(), ", "))
	}
	if getenv == nil {
		return Default, nil
	}
	for _, name := range LocaleVars {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			if l := FromLocale(v); l != "" {
				return l, nil
			}
			return Default, nil
		}
	}
	return Default, nil
}
