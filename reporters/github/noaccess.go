package github

import "errors"

// ErrNoWriteAccess means the token cannot write what the reporter needs:
// GitHub answered a write with 403 or 404, e.g. the read-only GITHUB_TOKEN of
// a pull request from a fork, or a personal access token creating a check
// run (only GitHub Apps may). Nothing of the run is lost: the caller falls
// back to a reporter that needs no write access (github-annotations).
//
// The pull-request reviewer declares the same variable; when both branches
// are merged, keep one declaration and delete this file.
var ErrNoWriteAccess = errors.New("no write access to the pull request")
