package main

import (
	"bytes"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// secretVars are the variables whose values never reach the job log: the
// forge tokens the reporters read, and the runners' own credentials.
var secretVars = []string{
	"RUNBOOK_TRANSLATOR_GITHUB_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "ATLANTIS_GH_TOKEN",
	"GITLAB_TOKEN", "ATLANTIS_GITLAB_TOKEN", "CI_JOB_TOKEN", "CI_REGISTRY_PASSWORD",
	"CI_DEPLOY_PASSWORD", "ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
}

// secrets returns the values of secretVars that are long enough to be
// credentials (a short value would blank out ordinary words).
func secrets(getenv func(string) string) []string {
	var out []string
	for _, k := range secretVars {
		if v := strings.TrimSpace(getenv(k)); len(v) >= 8 {
			out = append(out, v)
		}
	}
	return out
}

// Neutralising modes of a guard.
const (
	// neutralNone leaves workflow commands alone (github-annotations
	// writes them on purpose, with its data escaped).
	neutralNone = iota
	// neutralText breaks workflow commands in human text with a zero-width
	// space.
	neutralText
	// neutralJSON breaks "##[" inside JSON strings as "##\u005b", which
	// decodes to the same text.
	neutralJSON
)

// guard is the last line of defence at an output stream: it replaces token
// values with "***" (defence in depth: the forge transports redact their
// responses too) and, in a GitHub Actions log, neutralises workflow
// commands that untrusted text (messages, paths, tool names with
// newlines) would otherwise put at the start of a line. The runner reads
// "::cmd::" after leading white space and the legacy "##[cmd]" anywhere in
// a line (actions/runner src/Runner.Common/ActionCommand.cs, TryParseV2 and
// TryParse). It buffers up to a line; Flush writes the rest.
type guard struct {
	w       io.Writer
	secrets [][]byte
	mode    int
	buf     []byte
	// midLine: the bytes written so far end inside a line.
	midLine bool
	err     error
}

// maxGuardLine is how much of a line without newline the guard holds
// before it writes a piece.
const maxGuardLine = 64 << 10

// newGuard wraps w; it returns w itself when there is nothing to guard.
func newGuard(w io.Writer, secrets []string, mode int) io.Writer {
	if len(secrets) == 0 && mode == neutralNone {
		return w
	}
	g := &guard{w: w, mode: mode}
	for _, s := range secrets {
		g.secrets = append(g.secrets, []byte(s))
	}
	return g
}

func (g *guard) Write(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	g.buf = append(g.buf, p...)
	for {
		i := bytes.IndexByte(g.buf, '\n')
		if i < 0 {
			break
		}
		g.emit(g.buf[:i+1])
		g.buf = g.buf[i+1:]
	}
	if len(g.buf) > maxGuardLine {
		// Keep a tail that could hold the start of a secret or a command.
		keep := 3
		for _, s := range g.secrets {
			if len(s) > keep {
				keep = len(s)
			}
		}
		cut := len(g.buf) - keep
		for cut > 0 && !utf8.RuneStart(g.buf[cut]) {
			cut--
		}
		g.emit(g.buf[:cut])
		g.buf = append([]byte(nil), g.buf[cut:]...)
	}
	if g.err != nil {
		return 0, g.err
	}
	return len(p), nil
}

// Flush writes what is held.
func (g *guard) Flush() error {
	if len(g.buf) > 0 {
		g.emit(g.buf)
		g.buf = g.buf[:0]
	}
	return g.err
}

func (g *guard) emit(line []byte) {
	if g.err != nil || len(line) == 0 {
		return
	}
	out := line
	for _, s := range g.secrets {
		if bytes.Contains(out, s) {
			out = bytes.ReplaceAll(out, s, []byte("***"))
		}
	}
	switch g.mode {
	case neutralText:
		if bytes.Contains(out, []byte("##[")) {
			out = bytes.ReplaceAll(out, []byte("##["), []byte("##\u200b["))
		}
		if !g.midLine {
			// "::" after leading white space, as .NET TrimStart sees it.
			rest := bytes.TrimLeftFunc(out, unicode.IsSpace)
			if bytes.HasPrefix(rest, []byte("::")) {
				at := len(out) - len(rest)
				out = append(append(append([]byte{}, out[:at]...), "\u200b"...), rest...)
			}
		}
	case neutralJSON:
		if bytes.Contains(out, []byte("##[")) {
			out = bytes.ReplaceAll(out, []byte("##["), []byte(`##\u005b`))
		}
	}
	g.midLine = line[len(line)-1] != '\n'
	if _, err := g.w.Write(out); err != nil {
		g.err = err
	}
}

// flushGuard flushes w when it is a guard.
func flushGuard(w io.Writer) {
	if g, ok := w.(*guard); ok {
		g.Flush()
	}
}
