package patch

import "sync"

// Cache wraps a file reader so that the files fixes are in are read once
// per run, not once per finding: a script with 300 ShellCheck findings is
// one read, which matters because the checkout's reader charges every
// read to the run's budget (internal/repofs). It keeps at most max files
// (and forgets them all when full); errors are remembered too. It is safe
// for concurrent use.
type Cache struct {
	read  func(string) ([]byte, error)
	max   int
	mu    sync.Mutex
	files map[string]cached
}

type cached struct {
	b   []byte
	err error
}

// NewCache returns a cache over read keeping at most max files.
func NewCache(read func(string) ([]byte, error), max int) *Cache {
	return &Cache{read: read, max: max, files: map[string]cached{}}
}

// ReadFile returns the file's content, read once.
func (c *Cache) ReadFile(p string) ([]byte, error) {
	c.mu.Lock()
	if f, ok := c.files[p]; ok {
		c.mu.Unlock()
		return f.b, f.err
	}
	c.mu.Unlock()
	b, err := c.read(p)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.files) >= c.max {
		c.files = map[string]cached{}
	}
	c.files[p] = cached{b, err}
	return b, err
}
