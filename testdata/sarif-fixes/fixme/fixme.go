// Package fixme has code staticcheck can fix; the strings hold non-ASCII
// text before the fixable expressions, so UTF-16 columns differ from bytes.
package fixme

import (
	"fmt"
	"strings"
)

// Grüße greets everyone.
func Grüße(names []string, loud bool) string {
	var b strings.Builder
	for i, _ := range names { // «Schleife» über alle Namen
		b.WriteString(names[i])
	}
	if loud == true {
		b.WriteString("🚀 " + fmt.Sprintf("fertig"))
	}
	return b.String()
}

// Größe reports whether s is long.
func Größe(s string) bool {
	if len(s) > 3 {
		return true
	} else {
		return false
	}
}

// Fehler wraps err.
func Fehler(err error) error { return fmt.Errorf("größe: %w", err) }
