// Package lazyre holds regular expressions that are compiled the first time
// they are used instead of at program start.
//
// A package-level regexp.MustCompile runs in the package's init, in every
// process that links the package, whether or not the process ever matches
// it. With about a hundred of them (owners' CODEOWNERS syntax, the token
// shapes of the HTTP transport, every parser's detection patterns) that was
// a third of the CPU time of `review` on one finding (issue 10). Most runs
// use a handful.
//
// A bad expression panics on first use rather than at start-up; All lets a
// test compile every expression of the packages it links.
package lazyre

import (
	"regexp"
	"sync"
)

// exprs are the expressions of every New call, for All.
var (
	mu    sync.Mutex
	exprs []string
)

// New returns a function that compiles expr (regexp.MustCompile) on its
// first call and returns the same *regexp.Regexp on every call, from any
// goroutine.
func New(expr string) func() *regexp.Regexp {
	mu.Lock()
	exprs = append(exprs, expr)
	mu.Unlock()
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// All compiles every expression registered so far (by the packages linked
// into the program) and returns the first that does not compile, with its
// error; "" and nil when all do.
func All() (string, error) {
	mu.Lock()
	list := append([]string(nil), exprs...)
	mu.Unlock()
	for _, e := range list {
		if _, err := regexp.Compile(e); err != nil {
			return e, err
		}
	}
	return "", nil
}
