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
		if q, ok := a.(Msg); ok {
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
