#!/usr/bin/env bash
# Build krew and krew's own manifest validator from the Go module proxy, for the release tests.
#
# Usage: scripts/build-krew-tools.sh [DEST]
#   DEST defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/volsync-perms/krew-tools/krew-<v>.
#   Progress goes to stderr; the last stdout line is DEST.
#
# DEST then holds:
#   kubectl-krew            sigs.k8s.io/krew/cmd/krew, named so that kubectl finds it as a plugin
#   validate-krew-manifest  sigs.k8s.io/krew/cmd/validate-krew-manifest (what krew-index CI runs)
#
# Pinned to v0.4.4: the proxy refuses v0.4.5 ("This module version is not available"), and
# refuses krew's version list too, which `go install pkg@version` reads for deprecation notices;
# so both are built in a throwaway module that requires the pinned version. Needs Go and GOPROXY;
# ~30 s cold on 2 cores.
set -euo pipefail
shopt -s inherit_errexit

KREW_VERSION=v0.4.4
KREW_MODULE=sigs.k8s.io/krew

LOG_NAME=build-krew-tools
# shellcheck source-path=SCRIPTDIR source=lib/go-tools-cache.sh
. "$(dirname "$0")/lib/go-tools-cache.sh"

[[ $# -le 1 ]] || die "usage: $0 [DEST]"
DEST=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/volsync-perms/krew-tools/krew-${KREW_VERSION}}

cache_hit() {
	has_binary "$DEST/kubectl-krew" version "$KREW_VERSION" &&
		[[ -x $DEST/validate-krew-manifest && -f $DEST/validate-krew-manifest.$KREW_VERSION ]]
}

go_tools_begin

bin=$WORK/bin
mod=$WORK/mod
mkdir -p "$bin" "$mod"
printf 'module krew-tools.invalid\n\ngo 1.22\n\nrequire %s %s\n' "$KREW_MODULE" "$KREW_VERSION" >"$mod/go.mod"
printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "%s/cmd/krew"\n\t_ "%s/cmd/validate-krew-manifest"\n)\n' \
	"$KREW_MODULE" "$KREW_MODULE" >"$mod/tools.go"
(cd "$mod" && go mod tidy) >&2
# krew reports the tag it was built from; its Makefile sets it the same way
(cd "$mod" && go build -trimpath \
	-ldflags="-s -w -X $KREW_MODULE/internal/version.gitTag=$KREW_VERSION" -o "$bin/" \
	"$KREW_MODULE/cmd/krew" "$KREW_MODULE/cmd/validate-krew-manifest") >&2
mv -f "$bin/krew" "$DEST/kubectl-krew"
mv -f "$bin/validate-krew-manifest" "$DEST/validate-krew-manifest"
touch "$DEST/validate-krew-manifest.$KREW_VERSION"
cache_hit || die "built binaries in $DEST do not report $KREW_VERSION"
done_ok
