package exception

import (
	"fmt"
	"sort"
	"strings"

	"github.com/runbook-translator/runbook-translator/reporters"
)

// New builds a forge's side of Run from the CI environment and flags
// (reporters.ForgeOptions, as the review reporters) and the event payload
// that carried the comment. It returns ErrNotCommand for an event that
// carries no new comment (an edit).
type New func(o reporters.ForgeOptions, event []byte) (Forge, error)

var forges = map[string]New{}

// Register adds a forge ("github", "gitlab"); a duplicate panics.
func Register(name string, n New) {
	if _, dup := forges[name]; dup {
		panic("exception: duplicate forge " + name)
	}
	forges[name] = n
}

// Names returns the registered forges, sorted.
func Names() []string {
	out := make([]string, 0, len(forges))
	for n := range forges {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// For builds the named forge's side; an unknown name lists the valid ones.
func For(name string, o reporters.ForgeOptions, event []byte) (Forge, error) {
	n, ok := forges[name]
	if !ok {
		return nil, fmt.Errorf("unknown forge %q (want one of %s)", name, strings.Join(Names(), ", "))
	}
	return n(o, event)
}
