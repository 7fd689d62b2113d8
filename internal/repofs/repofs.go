// Package repofs reads the files a run opens because of repository content
// (the config, in-repository catalogs, CODEOWNERS, the manifests locate
// reads, inputs the config names): the pull request's author wrote all of
// them, so each read stays inside the repository root (an os.Root refuses
// "..", absolute paths elsewhere and symlinks that leave it), opens only
// regular files (never a FIFO, a device such as /dev/zero, or a directory),
// never blocks on open, and is bounded in size, per file and for the run.
package repofs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Defaults for New.
const (
	// DefaultMaxFile bounds one file read whole (config, catalog file,
	// CODEOWNERS, manifest).
	DefaultMaxFile = 8 << 20
	// DefaultBudget bounds what a run reads whole from the repository.
	DefaultBudget = 256 << 20
)

// ErrOutside is returned for a path that is not inside the root.
var ErrOutside = errors.New("outside the repository")

// ErrNotRegular is returned for a FIFO, device, socket or directory.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned for a file over the per-file limit.
var ErrTooLarge = errors.New("file too large")

// ErrBudget is returned once the run's read budget is spent.
var ErrBudget = errors.New("read budget of the run spent")

// Root is a repository root that hands out bounded reads. It is safe for
// concurrent use.
type Root struct {
	dir  string // absolute, cleaned
	root *os.Root
	// MaxFile bounds each ReadFile.
	MaxFile int64

	mu     sync.Mutex
	budget int64 // left
}

// Open opens dir as a root with the default limits.
func Open(dir string) (*Root, error) {
	return New(dir, DefaultMaxFile, DefaultBudget)
}

// New opens dir as a root whose ReadFile reads at most maxFile bytes per
// file and budget bytes in all.
func New(dir string, maxFile, budget int64) (*Root, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open repository root: %w", err)
	}
	r, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("open repository root: %w", err)
	}
	return &Root{dir: abs, root: r, MaxFile: maxFile, budget: budget}, nil
}

// Dir returns the root's absolute path.
func (r *Root) Dir() string { return r.dir }

// Close releases the root.
func (r *Root) Close() error { return r.root.Close() }

// Rel turns name (relative to the root, or absolute under it) into a clean
// root-relative path with OS separators. It fails with ErrOutside for
// anything else; symlinks are judged when the file is opened.
func (r *Root) Rel(name string) (string, error) {
	if filepath.IsAbs(name) {
		rel, err := filepath.Rel(r.dir, filepath.Clean(name))
		if err != nil {
			return "", fmt.Errorf("%s: %w", name, ErrOutside)
		}
		name = rel
	}
	c := filepath.Clean(name)
	if c == ".." || strings.HasPrefix(c, ".."+string(filepath.Separator)) || filepath.IsAbs(c) {
		return "", fmt.Errorf("%s: %w", name, ErrOutside)
	}
	return c, nil
}

// Contains reports whether name lies inside the root, by its path alone.
func (r *Root) Contains(name string) bool {
	_, err := r.Rel(name)
	return err == nil
}

// OpenFile opens a regular file for reading. The open does not block (a
// FIFO would wait for a writer forever); anything not regular is refused.
func (r *Root) OpenFile(name string) (*os.File, error) {
	rel, err := r.Rel(name)
	if err != nil {
		return nil, err
	}
	f, err := r.root.OpenFile(rel, os.O_RDONLY|oNonblock, 0)
	if err != nil {
		return nil, clean(err, r.dir)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", filepath.ToSlash(rel), ErrNotRegular)
	}
	return f, nil
}

// Stat returns the file info of name inside the root (following links
// that stay inside).
func (r *Root) Stat(name string) (fs.FileInfo, error) {
	rel, err := r.Rel(name)
	if err != nil {
		return nil, err
	}
	st, err := r.root.Stat(rel)
	return st, clean(err, r.dir)
}

// ReadFile reads a regular file whole, within MaxFile and the run budget.
func (r *Root) ReadFile(name string) ([]byte, error) {
	f, err := r.OpenFile(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > r.MaxFile {
		return nil, fmt.Errorf("read %s: %w (%d bytes, limit %d)", name, ErrTooLarge, st.Size(), r.MaxFile)
	}
	// The size can grow after the stat: read one byte past the limit.
	data, err := io.ReadAll(io.LimitReader(f, r.MaxFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > r.MaxFile {
		return nil, fmt.Errorf("read %s: %w (limit %d)", name, ErrTooLarge, r.MaxFile)
	}
	if err := r.Spend(int64(len(data))); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return data, nil
}

// Spend takes n bytes from the run budget; callers that hold more than
// they read (a parsed document) spend for it too.
func (r *Root) Spend(n int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n > r.budget {
		r.budget = 0
		return ErrBudget
	}
	r.budget -= n
	return nil
}

// FS returns the root as an fs.FS whose Open refuses non-regular files
// other than directories and files over MaxFile. Reads through it do not
// spend the budget; Open does.
func (r *Root) FS() fs.FS { return rootFS{r} }

type rootFS struct{ r *Root }

func (f rootFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	st, err := f.r.Stat(filepath.FromSlash(name))
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return f.r.root.FS().Open(name)
	}
	fh, err := f.r.OpenFile(filepath.FromSlash(name))
	if err != nil {
		return nil, err
	}
	if st, err := fh.Stat(); err == nil && st.Size() > f.r.MaxFile {
		fh.Close()
		return nil, fmt.Errorf("open %s: %w (%d bytes, limit %d)", name, ErrTooLarge, st.Size(), f.r.MaxFile)
	} else if err == nil {
		if err := f.r.Spend(st.Size()); err != nil {
			fh.Close()
			return nil, fmt.Errorf("open %s: %w", name, err)
		}
	}
	return fh, nil
}

// Create creates (or truncates) a regular file inside the root for
// writing, refusing paths and symlinks that leave it.
func (r *Root) Create(name string) (*os.File, error) {
	rel, err := r.Rel(name)
	if err != nil {
		return nil, err
	}
	if st, err := r.root.Lstat(rel); err == nil && !st.Mode().IsRegular() && st.Mode()&fs.ModeSymlink == 0 {
		return nil, fmt.Errorf("create %s: %w", filepath.ToSlash(rel), ErrNotRegular)
	}
	f, err := r.root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|oNonblock, 0o644)
	if err != nil {
		return nil, clean(err, r.dir)
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("create %s: %w", filepath.ToSlash(rel), ErrNotRegular)
	}
	return f, nil
}

// clean turns os.Root's "path escapes from parent" into ErrOutside, so
// callers and messages say what happened.
func clean(err error, dir string) error {
	if err == nil {
		return nil
	}
	if strings.Contains(err.Error(), "escapes from parent") {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("%s: %w (a symlink or path leaving %s)", pe.Path, ErrOutside, dir)
		}
		return fmt.Errorf("%w: %v", ErrOutside, err)
	}
	return err
}
