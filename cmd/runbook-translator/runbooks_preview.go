package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/runbook-translator/runbook-translator/authoring"
	"github.com/runbook-translator/runbook-translator/messages"
)

// DefaultPreviewFile is where `runbooks preview` writes without -o.
const DefaultPreviewFile = "runbooks-preview.html"

// RunbooksPreviewOptions holds the flags and streams of `runbooks preview`.
type RunbooksPreviewOptions struct {
	IO        *IOStreams
	Paths     []string
	NoBuiltin bool
	Output    string
	Mentions  bool
	// Lang previews the translations into it (--lang).
	Lang string
}

// NewCmdRunbooksPreview builds `runbooks preview`; runF replaces the run in
// tests.
func NewCmdRunbooksPreview(f *Factory, runF func(*RunbooksPreviewOptions) error) *cobra.Command {
	o := &RunbooksPreviewOptions{IO: f.IO}
	c := &cobra.Command{
		Use:   "preview [PATH...]",
		Short: "Write an HTML page showing every entry as the pull request comment the bot posts",
		Long: `Render each entry of PATHs (the built-in catalog when no PATH is given) for a
sample finding (its first example, or one built from its first matcher)
exactly as the inline pull request comment runbook-translator posts, and
convert it to HTML as GitHub shows it (GitHub-flavoured Markdown; only the
harmless tags GitHub keeps, such as details and summary, stay HTML). The
page has a table of contents and each entry's id, source, layer and
matchers. Prints the path of the page.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			if runF != nil {
				return runF(o)
			}
			return runbooksPreviewRun(o)
		},
	}
	silence(c)
	c.Flags().StringVarP(&o.Output, "output", "o", DefaultPreviewFile, "HTML `file` to write")
	c.Flags().BoolVar(&o.NoBuiltin, "no-builtin", false, "do not merge the PATHs over the built-in catalog")
	c.Flags().BoolVar(&o.Mentions, "mentions", false, "render owners as mentions, as with mentions: true in the config")
	c.Flags().StringVar(&o.Lang, "lang", "", "preview the entries' translations into `LANG` ("+strings.Join(messages.Langs(), ", ")+") and the comments in it, as a run with --lang posts them")
	return c
}

func runbooksPreviewRun(o *RunbooksPreviewOptions) error {
	if o.Lang != "" && !messages.Known(o.Lang) {
		return usageError("preview: --lang: unknown language %q: valid languages are %s", o.Lang, strings.Join(messages.Langs(), ", "))
	}
	cat, err := authoring.Load(o.Paths, o.NoBuiltin)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	out := o.Output
	if out == "" {
		out = DefaultPreviewFile
	}
	fh, err := os.Create(out)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("write preview: %w", err)}
	}
	if err := authoring.WritePreview(fh, cat, authoring.PreviewOptions{Mentions: o.Mentions, Lang: o.Lang}); err != nil {
		fh.Close()
		return fmt.Errorf("write preview: %w", err)
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("write preview: %w", err)
	}
	if abs, err := filepath.Abs(out); err == nil {
		out = abs
	}
	fmt.Fprintln(o.IO.Out, out)
	return nil
}
