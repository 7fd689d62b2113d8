// Package authoring holds the tools catalog authors run on their runbook
// catalogs: lint (schema, templates, matchers, tools), test (the entries'
// examples), coverage (which codes of real tool output fall to a generic
// entry) and preview (every entry rendered as the PR comment the bot posts,
// as an HTML page). The runbook-translator `runbooks` subcommands are thin
// wrappers around it.
package authoring
