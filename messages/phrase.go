package messages

// Phrase is a sentence kept as its key and arguments, so that a stage that
// runs before the language matters (locate says where it put a finding)
// can be shown in the run's language by the reporter that prints it. An
// argument that is itself a Phrase is rendered in the same language.
type Phrase struct {
	Key  Key
	Args []any
}

// P makes a Phrase.
func P(key Key, args ...any) *Phrase { return &Phrase{Key: key, Args: args} }

// In renders the phrase in lang.
func (p *Phrase) In(lang string) string {
	if p == nil {
		return ""
	}
	args := make([]any, len(p.Args))
	for i, a := range p.Args {
		if q, ok := a.(*Phrase); ok {
			a = q.In(lang)
		}
		args[i] = a
	}
	return T(lang, p.Key, args...)
}
