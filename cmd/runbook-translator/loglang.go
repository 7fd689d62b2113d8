package main

import "github.com/runbook-translator/runbook-translator/messages"

// logLang is the language of the job log's lines written before the run
// resolves its language (the config's warnings): --lang, the config's
// lang, the locale. An unknown one is the usage error reported right
// after; until then the lines are in the default language.
func (o *ReviewOptions) logLang(cfg *Config) string {
	lang := ""
	if cfg != nil {
		lang = cfg.Lang
	}
	l, err := messages.Resolve(o.Lang, lang, o.Getenv)
	if err != nil {
		return messages.Default
	}
	return l
}
