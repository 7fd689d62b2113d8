package runbooks

// fixes returns fx with the descriptions of the translation, in order; the
// edits are the entry's (a translation changes what is shown, never what
// a fix does). fx itself is not changed: the default language's entry
// keeps it.
func (tr Translation) fixes(lang string, fx []Fix) []Fix {
	if len(tr.Fix) == 0 || len(fx) == 0 {
		return fx
	}
	out := append([]Fix(nil), fx...)
	for i := range out {
		if i < len(tr.Fix) && tr.Fix[i] != "" {
			out[i].Lang, out[i].English = lang, out[i].Description
			out[i].Description = tr.Fix[i]
		}
	}
	return out
}
