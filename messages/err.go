package messages

import (
	"errors"
	"io/fs"
)

// Error is an error worded by a message of the table: Error is its
// English text (logs, the JSON fields that stay English), and a report in
// another language words it with In (through Of or ErrorIn). A parser's
// note of why a tool's fix was left out is one: the note is kept as a Msg
// (Finding.FixNoteText) and its details are Errors.
type Error struct {
	Msg Msg
	// Cause is the error Wrap wrapped (nil for Errorf), for errors.Is and
	// errors.As.
	Cause error
}

// Errorf returns the message key with args as an error.
func Errorf(key Key, args ...any) error { return &Error{Msg: M(key, args...)} }

// Wrap returns the message key with args and then err (worded by Of) as
// an error that wraps err, as fmt.Errorf("...: %w") does.
func Wrap(err error, key Key, args ...any) error {
	return &Error{Msg: M(key, append(args, Of(err))...), Cause: err}
}

func (e *Error) Error() string { return e.Msg.In(Default) }

// Unwrap returns the wrapped error (Wrap), or nil.
func (e *Error) Unwrap() error { return e.Cause }

// Of returns err as an argument of a Msg: the message of an *Error (found
// with errors.As only when err is one itself, so a wrapping error's own
// words are not lost), a missing file of the file system worded in the
// table, or else err's text, shown as it is in every language (an error
// of yaml.v3, hcl or the operating system has no key). The English text
// of what Of returns is err.Error() byte for byte.
func Of(err error) any {
	if err == nil {
		return "<nil>" // as fmt prints a nil error
	}
	if e, ok := err.(*Error); ok {
		return e.Msg
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && pe == err && errors.Is(pe.Err, fs.ErrNotExist) {
		m := M("err.not_exist", pe.Op, pe.Path)
		if m.In(Default) == err.Error() {
			return m
		}
	}
	return err.Error()
}

// ErrorIn words err in lang (see Of).
func ErrorIn(err error, lang string) string {
	switch a := Of(err).(type) {
	case Msg:
		return a.In(lang)
	case string:
		return a
	}
	return ""
}

// Join is ms joined as a list ("a; b; c" in English), one Msg.
func Join(ms ...Msg) Msg {
	switch len(ms) {
	case 0:
		return Msg{}
	case 1:
		return ms[0]
	}
	return M("list.join", ms[0], Join(ms[1:]...))
}

// OfAll is Of for an error that may join several (errors.Join): each
// part worded by Of, in a list (Join). Its English text is the parts'
// texts joined by "; ".
func OfAll(err error) any {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return Of(err)
	}
	var ms []Msg
	for _, e := range j.Unwrap() {
		switch a := Of(e).(type) {
		case Msg:
			ms = append(ms, a)
		default:
			ms = append(ms, M("err.text", a))
		}
	}
	return Join(ms...)
}
