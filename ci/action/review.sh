#!/usr/bin/env bash
# Runs `runbook-translator review` for the Action (action.yml) from its inputs
# (INPUT_* variables) and writes the step's outputs.
#
# List inputs take one item per line, so an item may hold spaces and quotes
# (`--efm '%f:%l:%c: %m'` is one line: `--efm` then `%f:%l:%c: %m`). For
# input, reporter and runbooks a value of a single line is also split on
# spaces, as before.
set -uo pipefail

bin=${RUNNER_TEMP:?RUNNER_TEMP is not set}/runbook-translator

# lines NAME: the non-empty lines of $NAME, trimmed, one per array item.
lines() {
  local line
  out=()
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    [ -n "$line" ] && out+=("$line")
  done <<<"${!1:-}"
}

# words NAME: like lines, but a single line is split on spaces.
words() {
  lines "$1"
  if [ "${#out[@]}" -eq 1 ]; then
    read -r -a out <<<"${out[0]}"
  fi
}

args=(review)
[ -n "${INPUT_FAIL_LEVEL:-}" ] && args+=(--fail-level "$INPUT_FAIL_LEVEL")
[ -n "${INPUT_FORMAT:-}" ] && args+=(-f "$INPUT_FORMAT")
[ -n "${INPUT_FILTER_MODE:-}" ] && args+=(--filter-mode "$INPUT_FILTER_MODE")
[ -n "${INPUT_TOOL:-}" ] && args+=(--tool "$INPUT_TOOL")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_TRUSTED_REF:-}" ] && args+=(--trusted-ref "$INPUT_TRUSTED_REF")
[ -n "${INPUT_PATH_PREFIX:-}" ] && args+=(--path-prefix "$INPUT_PATH_PREFIX")
[ -n "${INPUT_LANG:-}" ] && args+=(--lang "$INPUT_LANG")
[ "${INPUT_VERBOSE:-false}" = true ] && args+=(--verbose)
[ "${INPUT_REQUIRE_RUNBOOK:-false}" = true ] && args+=(--require-runbook)
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
[ -n "${INPUT_FAIL_ON:-}" ] && args+=(--fail-on "$INPUT_FAIL_ON")
[ "${INPUT_REQUEST_CHANGES:-false}" = true ] && args+=(--request-changes)
[ "${INPUT_FILE_COMMENTS:-false}" = true ] && args+=(--file-comments)

sarif="" markdown="" json=""
words INPUT_REPORTER
for r in "${out[@]}"; do
  args+=(-r "$r")
  case $r in
    sarif=*) sarif=${r#sarif=} ;;
    markdown=*) markdown=${r#markdown=} ;;
    json=*) json=${r#json=} ;;
  esac
done
# The machine-readable summary feeds the step's outputs.
summary="$RUNNER_TEMP/runbook-translator-summary.json"
args+=(-r "summary=$summary")

words INPUT_RUNBOOKS
for c in "${out[@]}"; do args+=(--runbooks "$c"); done
lines INPUT_EFM
for e in "${out[@]}"; do args+=(--efm "$e"); done
lines INPUT_ARGS
args+=("${out[@]}")
words INPUT_FILES
files=("${out[@]}")

"$bin" "${args[@]}" "${files[@]}"
rc=$?

# Outputs (docs: action.yml). Counts come from the summary reporter; a run
# that stopped before reporting (exit 2) has none.
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=$rc"
    echo "sarif-file=$sarif"
    echo "markdown-file=$markdown"
    echo "json-file=$json"
    if [ -s "$summary" ]; then
      echo "summary-file=$summary"
      # The summary's "counts" object is flat and written one key per line.
      for k in total failing ignored critical error warning info outside_diff; do
        v=$(awk -v k="\"$k\":" '/"counts": \{/ { in_c = 1; next } in_c && /\}/ { exit } in_c && $1 == k { gsub(/[^0-9]/, "", $2); print $2; exit }' "$summary")
        echo "${k//_/-}=${v:-0}"
      done
      verdict=$(awk -F'"' '$2 == "verdict" { print $4; exit }' "$summary")
      echo "verdict=$verdict"
    fi
  } >>"$GITHUB_OUTPUT"
fi
exit "$rc"
