#!/bin/sh
# Measure the built-in catalog's coverage: against the kept rule lists, and
# on the real tool outputs in testdata/ (one input per fixture, the golden
# files and case lists left out). Run from the repository root:
#   sh runbooks/rules/sources/measure.sh
set -eu
go build -o /tmp/runbook-translator-measure ./cmd/runbook-translator
rt=/tmp/runbook-translator-measure
echo "## Rule lists: runbook-translator runbooks coverage --rules"
$rt runbooks coverage --rules --lang ja | sed -n '/^TOOL  *DEFAULT RULES/,$p'
echo
echo "## All listed rules (built-in checks off by default too): runbook-translator runbooks coverage --rules --all-rules"
$rt runbooks coverage --rules --all-rules | sed -n '/^TOOL  *RULES/,$p'
echo
echo "## Fixtures: runbook-translator runbooks coverage <testdata fixtures of the listed tools>"
files=$(for d in testdata/trivy testdata/trivy-sarif testdata/tfsec testdata/tfsec-sarif testdata/tfsec-checkstyle \
    testdata/kube-linter testdata/kube-linter-sarif testdata/kube-linter-text testdata/kube-score testdata/kube-score-sarif \
    testdata/polaris testdata/hadolint testdata/hadolint-text testdata/shellcheck testdata/shellcheck-checkstyle testdata/shellcheck-gcc \
    testdata/gitleaks testdata/gitleaks-sarif testdata/tflint testdata/tflint-sarif testdata/tflint-checkstyle testdata/tflint-compact; do
  for f in "$d"/*; do
    case "$f" in *.golden.json|*/cases.yaml|*/not-*) continue;; esac
    # Outputs without findings ("[]", an empty report) have no format to detect.
    [ "$(tr -d ' \n\r\t' <"$f" | head -c 3)" = "[]" ] && continue
    [ -s "$f" ] && printf '%s\n' "$f"
  done
done)
# shellcheck disable=SC2086 # one word per fixture path, none has spaces
$rt runbooks coverage $files | sed -n '/^TOOL  *FINDINGS/,$p'
