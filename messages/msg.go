package messages

// Msg is a message worded later, in the language of the report that
// shows it. A model built before the run's language matters (the diff's
// reasons why a file's lines are not known, computed from the forge's
// answers) keeps a Msg next to its English text for the job log.
type Msg struct {
	Key  Key
	Args []any
}

// M returns the message key with args, to be worded by In.
func M(key Key, args ...any) Msg { return Msg{Key: key, Args: args} }

// IsZero reports whether m names no message.
func (m Msg) IsZero() bool { return m.Key == "" }

// In returns m in lang ("" for the zero Msg). An argument that is itself a
// Msg is worded in the same language (locate's "%s at %s:%d" around the
// field it found).
func (m Msg) In(lang string) string {
	if m.IsZero() {
		return ""
	}
	args := append([]any(nil), m.Args...)
	for i, a := range args {
		switch q := a.(type) {
		case Msg:
			args[i] = q.In(lang)
		case Text:
			args[i] = q.In(lang)
		}
	}
	return T(lang, m.Key, args...)
}

// Or returns english, the message's English text as a model keeps it
// (Finding.Located, Finding.FixNote), unless lang is another language and
// m names the message: then m in lang.
func (m Msg) Or(lang, english string) string {
	if m.IsZero() || Choose(lang) == Default {
		return english
	}
	return m.In(lang)
}

// Text is a text the catalog gives in more than one language (a fix's
// description and its translation), by language: as an argument of a Msg
// it is worded in the Msg's language, in English where it has none.
type Text map[string]string

// In returns t in lang, or in English.
func (t Text) In(lang string) string {
	if s, ok := t[Choose(lang)]; ok {
		return s
	}
	return t[Default]
}
