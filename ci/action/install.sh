#!/usr/bin/env bash
# Installs runbook-translator for the Action (action.yml) into $RUNNER_TEMP.
#
#   VERSION   vX.Y.Z: download that release's archive and check it against the
#             release's checksums.txt; "latest": the latest release;
#             "local": build the action's own checkout ($ACTION_PATH) with Go;
#             "": the action's own tag ($ACTION_REF) when it is a release, else latest.
#   INSTALL   "release" (default) or "go": `go install module@VERSION` instead of
#             downloading (needs actions/setup-go before the step).
#   RUNBOOK_TRANSLATOR_RELEASE_URL  base of the release downloads (tests; a mirror).
#
# A download that fails or does not match its checksum stops the job: it never
# falls back to another way of installing by itself.
set -euo pipefail

repo=runbook-translator/runbook-translator
module=github.com/runbook-translator/runbook-translator
release_url=${RUNBOOK_TRANSLATOR_RELEASE_URL:-https://github.com/$repo/releases}
dest=${RUNNER_TEMP:?RUNNER_TEMP is not set}
version=${VERSION:-}
install=${INSTALL:-release}

fail() {
  echo "::error title=runbook-translator install::$*"
  exit 2
}

if [ -z "$version" ]; then
  if [[ ${ACTION_REF:-} =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    version=$ACTION_REF
  else
    version=latest
    echo "::notice title=runbook-translator install::installing the latest release; set 'version:' to pin it (the action is used at '${ACTION_REF:-?}')"
  fi
fi

if [ "$version" = "local" ]; then
  command -v go >/dev/null || fail "version: local builds the action's checkout with Go: add actions/setup-go before this step"
  (cd "${ACTION_PATH:?ACTION_PATH is not set}" && go build -o "$dest/runbook-translator" ./cmd/runbook-translator)
  "$dest/runbook-translator" version
  exit 0
fi

case $install in
  go)
    command -v go >/dev/null || fail "install: go needs Go: add actions/setup-go before this step"
    GOBIN=$dest go install "$module/cmd/runbook-translator@$version"
    "$dest/runbook-translator" version
    exit 0
    ;;
  release) ;;
  *) fail "install must be 'release' or 'go', not '$install'" ;;
esac

if [ "$version" = "latest" ]; then
  # The latest release's page redirects to .../tag/vX.Y.Z.
  effective=$(curl -fsSL --retry 3 -o /dev/null -w '%{url_effective}' "$release_url/latest") || fail "cannot resolve the latest release at $release_url/latest"
  version=${effective##*/}
fi
[[ $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-.][0-9A-Za-z.-]+)?$ ]] || fail "version '$version' is not a release tag (vX.Y.Z), 'latest' or 'local'"

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW* | MSYS* | CYGWIN*) os=windows ;;
  *) fail "no release binary for $(uname -s); use install: go" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) fail "no release binary for $(uname -m); use install: go" ;;
esac
ext=tar.gz
[ "$os" = windows ] && ext=zip
# Names made by .goreleaser.yaml (archives.name_template, checksum.name_template).
archive="runbook-translator_${version#v}_${os}_${arch}.$ext"
base="$release_url/download/$version"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -fsSL --retry 3 -o "$work/checksums.txt" "$base/checksums.txt" || fail "cannot download $base/checksums.txt"
curl -fsSL --retry 3 -o "$work/$archive" "$base/$archive" || fail "cannot download $base/$archive"

want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$work/checksums.txt")
[ -n "$want" ] || fail "$archive is not listed in checksums.txt"
if command -v sha256sum >/dev/null; then
  got=$(sha256sum "$work/$archive" | awk '{ print $1 }')
else
  got=$(shasum -a 256 "$work/$archive" | awk '{ print $1 }')
fi
[ "$got" = "$want" ] || fail "checksum mismatch for $archive: got $got, checksums.txt says $want"

if [ "$ext" = zip ]; then
  unzip -q -o "$work/$archive" -d "$work/x"
  cp "$work/x/runbook-translator.exe" "$dest/runbook-translator.exe"
  cp "$work/x/runbook-translator.exe" "$dest/runbook-translator"
else
  mkdir -p "$work/x"
  tar -xzf "$work/$archive" -C "$work/x"
  install -m 0755 "$work/x/runbook-translator" "$dest/runbook-translator"
fi
echo "runbook-translator $version ($archive, sha256 $got)"
"$dest/runbook-translator" version
