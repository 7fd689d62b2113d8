// Package translator holds the finding model of runbook-translator and the
// pipeline that carries findings from parsers, through stages (locate, ignore,
// runbooks, diff filter), to reporters.
//
// The package depends on the standard library only, so that every other
// package (parsers, runbooks, reporters) can share it without cycles.
package translator
