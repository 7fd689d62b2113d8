package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/runbook-translator/runbook-translator/internal/repofs"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/owners"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// The trust model (SECURITY.md). A review runs on a checkout of the pull
// request: whatever lies inside the repository root was written by the
// PR's author (scanner output, manifests, CODEOWNERS, the config, in-repo
// catalogs). What the workflow gives (flags, the environment, files outside
// the checkout, and with --trusted-ref the files of that git ref) is trusted.
//
// So, unless --trust-checkout says the checkout itself is trusted (a push
// to the default branch, a developer's own machine):
//   - every file read because of repository content goes through
//     internal/repofs: inside the root, regular files only, bounded;
//   - a config from the checkout may not name files outside the
//     repository (inputs, catalogs, report paths, base_dir) nor turn on
//     mentions;
//   - owners from checkout catalogs or CODEOWNERS never ping anyone.

// maxConfig bounds the config file (a config is a few KiB).
const maxConfig = 1 << 20

// gitTimeout bounds each git command that reads the trusted ref.
const gitTimeout = 30 * time.Second

// trust holds what the run may trust, and the bounded reader of the
// checkout.
type trust struct {
	root *repofs.Root
	// checkout is --trust-checkout: the checkout's files are trusted.
	checkout bool
	// ref is --trusted-ref; refDir holds the files read from it.
	ref    string
	refDir string
	// conv is the conventional catalog folder, found once (convention.go).
	convOnce sync.Once
	conv     string
	convOK   bool
}

// newTrust opens the checkout at baseDir.
func newTrust(baseDir string, checkout bool, ref string) (*trust, error) {
	r, err := repofs.Open(baseDir)
	if err != nil {
		return nil, usageError("%v", err)
	}
	t := &trust{root: r, checkout: checkout, ref: ref}
	if ref != "" {
		if strings.HasPrefix(ref, "-") {
			return nil, usageError("--trusted-ref %q: not a git ref", ref)
		}
		d, err := os.MkdirTemp("", "runbook-translator-ref-")
		if err != nil {
			return nil, usageError("--trusted-ref: %v", err)
		}
		t.refDir = d
	}
	return t, nil
}

// close releases the root and removes the files read from the ref.
func (t *trust) close() {
	if t == nil {
		return
	}
	t.root.Close()
	if t.refDir != "" {
		os.RemoveAll(t.refDir)
	}
}

// inCheckout reports whether p (absolute or relative to the working
// directory) lies inside the checkout, by its path.
func (t *trust) inCheckout(p string) bool {
	abs, err := filepath.Abs(p)
	if err != nil {
		return true
	}
	return t.root.Contains(abs)
}

// trusted reports whether the content of file p is trusted: it lies
// outside the checkout (a file the workflow made, or one of the trusted
// ref), or the checkout is trusted.
func (t *trust) trusted(p string) bool {
	return t.checkout || !t.inCheckout(p)
}

// open opens an input for reading. Inside the checkout it goes through the
// root (no symlink out of it, no FIFO or device); outside it only when a
// trusted source named it (then a pipe such as <(trivy ...) is fine).
func (t *trust) open(p string, namedByTrusted bool) (*os.File, error) {
	return t.place(p, namedByTrusted, "name only files inside it", t.root.OpenFile, os.Open)
}

// create creates a report file: inside the checkout through the root (a
// committed symlink cannot redirect it), outside only for a trusted name.
func (t *trust) create(p string, namedByTrusted bool) (*os.File, error) {
	return t.place(p, namedByTrusted, "not write outside it", t.root.Create, os.Create)
}

// place applies inside to a path in the checkout and outside to one a
// trusted source named elsewhere; an untrusted name elsewhere is refused.
func (t *trust) place(p string, namedByTrusted bool, rule string, inside, outside func(string) (*os.File, error)) (*os.File, error) {
	if t.inCheckout(p) {
		abs, _ := filepath.Abs(p)
		return inside(abs)
	}
	if !namedByTrusted {
		return nil, fmt.Errorf("%s: %w: the config in the checkout is untrusted and may %s (SECURITY.md)", p, repofs.ErrOutside, rule)
	}
	return outside(p)
}

// readFile reads a config or catalog file, bounded: through the root
// inside the checkout, directly outside it.
func (t *trust) readFile(p string, limit int64) ([]byte, error) {
	if t.inCheckout(p) {
		abs, _ := filepath.Abs(p)
		data, err := t.root.ReadFile(abs)
		if err == nil && int64(len(data)) > limit {
			return nil, fmt.Errorf("read %s: %w (limit %d bytes)", p, repofs.ErrTooLarge, limit)
		}
		return data, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("read %s: %w (limit %d bytes)", p, repofs.ErrTooLarge, limit)
	}
	return data, nil
}

// loadLayer loads one catalog path: from the checkout through the root's
// bounded file system, from elsewhere (the trusted ref's files, an
// organisation catalog outside the checkout) as it is.
func (t *trust) loadLayer(p string) (*runbooks.Layer, error) {
	if !t.inCheckout(p) {
		return runbooks.LoadPath(p)
	}
	abs, _ := filepath.Abs(p)
	rel, err := t.root.Rel(abs)
	if err != nil {
		return nil, err
	}
	return runbooks.LoadPathFS(t.root.FS(), filepath.ToSlash(rel), p)
}

// codeowners returns the reader of CODEOWNERS: from the trusted ref when
// there is one (a PR cannot then name its own reviewers of exceptions),
// else from the checkout through the root.
func (t *trust) codeowners(ctx context.Context) owners.ReadFunc {
	if t.ref != "" {
		return func(name string) ([]byte, error) {
			return gitBlob(ctx, t.root.Dir(), t.ref, name, repofs.DefaultMaxFile)
		}
	}
	return func(name string) ([]byte, error) {
		return t.root.ReadFile(filepath.FromSlash(name))
	}
}

// fromRef copies the file or directory at repo-relative slash path rel of
// the trusted ref into refDir and returns where it is; ok is false when the
// ref has nothing there.
func (t *trust) fromRef(ctx context.Context, rel string) (string, bool, error) {
	rel = path.Clean(strings.TrimPrefix(filepath.ToSlash(rel), "./"))
	if rel == ".." || strings.HasPrefix(rel, "../") || path.IsAbs(rel) {
		return "", false, fmt.Errorf("%s: %w", rel, repofs.ErrOutside)
	}
	dir := t.root.Dir()
	kind, err := git(ctx, dir, 64, "cat-file", "-t", t.ref+":"+rel)
	if err != nil {
		if gitMissing(err) {
			return "", false, nil
		}
		return "", false, err
	}
	dst := filepath.Join(t.refDir, filepath.FromSlash(rel))
	var files []string
	switch strings.TrimSpace(string(kind)) {
	case "blob":
		files = []string{rel}
	case "tree":
		out, err := git(ctx, dir, 16<<20, "ls-tree", "-r", "-z", "--name-only", t.ref, "--", rel+"/")
		if err != nil {
			return "", false, err
		}
		for _, n := range strings.Split(string(out), "\x00") {
			if n != "" {
				files = append(files, n)
			}
		}
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return "", false, err
		}
	default:
		return "", false, fmt.Errorf("%s:%s is a %s, not a file or directory", t.ref, rel, strings.TrimSpace(string(kind)))
	}
	for _, n := range files {
		data, err := gitBlob(ctx, dir, t.ref, n, repofs.DefaultMaxFile)
		if err != nil {
			return "", false, err
		}
		p := filepath.Join(t.refDir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", false, err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return "", false, err
		}
	}
	return dst, true, nil
}

// gitBlob returns the raw content of REF:name (cat-file applies no
// filters or textconv that .gitattributes of the checkout could set).
func gitBlob(ctx context.Context, dir, ref, name string, limit int64) ([]byte, error) {
	spec := ref + ":" + strings.TrimPrefix(name, "/")
	size, err := git(ctx, dir, 64, "cat-file", "-s", spec)
	if err != nil {
		if gitMissing(err) {
			return nil, fmt.Errorf("%s: %w", spec, os.ErrNotExist)
		}
		return nil, err
	}
	if n, _ := strconv.ParseInt(strings.TrimSpace(string(size)), 10, 64); n > limit {
		return nil, fmt.Errorf("%s: %w (%d bytes, limit %d)", spec, repofs.ErrTooLarge, n, limit)
	}
	return git(ctx, dir, limit, "cat-file", "blob", spec)
}

// gitMissing reports whether git said the object is not in the ref.
func gitMissing(err error) bool {
	return strings.Contains(err.Error(), "does not exist") || strings.Contains(err.Error(), "Not a valid object name")
}

// git runs git in dir with a timeout and an output bound.
func git(ctx context.Context, dir string, limit int64, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, gitTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir, "--no-pager"}, args...)...)
	var out, stderr bytes.Buffer
	cmd.Stdout = &limitedBuffer{b: &out, n: limit}
	cmd.Stderr = &limitedBuffer{b: &stderr, n: 4096}
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			msg = "timed out after " + gitTimeout.String()
		}
		return nil, fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	if int64(out.Len()) > limit {
		return nil, fmt.Errorf("git %s: %w", strings.Join(args, " "), repofs.ErrTooLarge)
	}
	return out.Bytes(), nil
}

// limitedBuffer keeps at most n+1 bytes and drops the rest.
type limitedBuffer struct {
	b *bytes.Buffer
	n int64
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.n + 1 - int64(l.b.Len()); room > 0 {
		if int64(len(p)) > room {
			l.b.Write(p[:room])
		} else {
			l.b.Write(p)
		}
	}
	return len(p), nil
}

// checkMentions turns mentions off when an owner could come from the
// checkout: a catalog layer inside it, or CODEOWNERS read from it while an
// entry takes owners from CODEOWNERS. The pull request wrote those, so it
// could otherwise make the bot ping any team. It returns the note to show,
// the zero note when nothing changed.
func (o *ReviewOptions) checkMentions(cat *runbooks.Catalog) runNote {
	t := o.trust
	if !o.Forge.Mentions || t.checkout {
		return runNote{}
	}
	for _, p := range t.withConventional(o.Runbooks) {
		if t.inCheckout(p) {
			o.Forge.Mentions = false
			return runNote{"note.mentions_catalog", []any{p}}
		}
	}
	if t.ref == "" {
		for _, e := range cat.Entries() {
			if e.OwnerFromCodeowners {
				o.Forge.Mentions = false
				return runNote{"note.mentions_codeowners", []any{e.ID}}
			}
		}
	}
	return runNote{}
}

// runNote is a note of the run known before its language is: shown on
// stderr in English and in the reports in the run's language.
type runNote struct {
	key  messages.Key
	args []any
}

// in is the note in lang.
func (n runNote) in(lang string) string { return messages.T(lang, n.key, n.args...) }
