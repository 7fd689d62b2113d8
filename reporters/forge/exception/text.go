package exception

import (
	"errors"
	"fmt"

	"github.com/runbook-translator/runbook-translator/markdown"
	"github.com/runbook-translator/runbook-translator/messages"
)

// Text is a message of the table (messages, keys "exc.*") with its
// arguments, rendered in the run's language only when it is posted: the
// language comes from the config on the base branch, which is read after
// most checks. It is an error too, so the parsers can return one; Error is
// the English text (logs, tests of the parsers).
type Text struct {
	Key  messages.Key
	Args []any
}

// Msg is a Text of the table (for the forges' sides).
func Msg(key messages.Key, args ...any) Text { return msg(key, args...) }

// msg is a Text; an argument that is a Text is rendered in the same
// language as the message around it.
func msg(key messages.Key, args ...any) Text { return Text{Key: key, Args: args} }

// plain is a text outside the table, shown as it is in every language
// (an error of the ignore package, a forge's own message).
func plain(s string) Text { return Text{Args: []any{s}} }

// In renders the text in lang.
func (t Text) In(lang string) string {
	if t.Key == "" {
		return fmt.Sprint(t.Args...)
	}
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		switch v := a.(type) {
		case Text:
			args[i] = v.In(lang)
		case *Text:
			args[i] = v.In(lang)
		case messages.Msg:
			args[i] = v.In(lang)
		default:
			args[i] = a
		}
	}
	return messages.T(lang, t.Key, args...)
}

func (t Text) Error() string  { return t.In(messages.Default) }
func (t Text) String() string { return t.Error() }

// inLang renders an error in lang: a Text in it, any other error (the
// ignore package's, in English) as it is.
func inLang(err error, lang string) string {
	var t Text
	if errors.As(err, &t) {
		return t.In(lang)
	}
	return err.Error()
}

// Markdown renders the text in lang for a reply: the table's words are
// Markdown as written (the usage's code spans stay code spans, so
// `<days>` reads as typed), and every argument that is not a Text is
// escaped (logins, file names, errors and the reason come from the
// requester or the forge). Numbers are left for their verbs.
func (t Text) Markdown(lang string) string {
	if t.Key == "" {
		return markdown.Escape(fmt.Sprint(t.Args...))
	}
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		switch v := a.(type) {
		case Text:
			args[i] = v.Markdown(lang)
		case *Text:
			args[i] = v.Markdown(lang)
		case messages.Msg:
			args[i] = markdown.Escape(v.In(lang))
		case string:
			args[i] = markdown.Escape(v)
		case error:
			args[i] = markdown.Escape(inLang(v, lang))
		case fmt.Stringer:
			args[i] = markdown.Escape(v.String())
		default:
			args[i] = a
		}
	}
	return messages.T(lang, t.Key, args...)
}
