package runbooks

import "embed"

// builtinFS is the built-in catalog, embedded in the binary.
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

// Builtin loads the embedded catalog (runbooks/builtin/*.yaml, in name
// order) as the layer "builtin". Entry sources read
// "builtin:<file>:<line>". It fails only if the embedded files are invalid,
// which TestBuiltin prevents.
func Builtin() (*Layer, error) {
	return loadFS(builtinFS, "builtin", "builtin", "builtin:")
}
