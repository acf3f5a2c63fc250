#!/usr/bin/env bash
# Build the real VolSync controller manager of one version from ../shared/volsync-src, for the
# oracle tests (the real controller judges the tool's predictions of the workloads it creates).
#
# Usage: scripts/build-volsync.sh ARCHIVE [DEST]
#   ARCHIVE is a volsync-src tarball (e.g. ../shared/volsync-src/volsync-fork-v0.17.7.tar.gz).
#   DEST defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/volsync-perms/volsync/<sha256 of ARCHIVE>,
#   so a changed archive is rebuilt and an unchanged one never is. DEST holds `manager` and the
#   CRDs the controller needs (`crds/`: VolSync's config/crd/bases and hack/crds).
#   Progress goes to stderr; the last stdout line is DEST.
#
# Cold (empty Go caches): ~8-10 min on 2 cores; a later version reuses most of the module and
# build caches (a minute or two); a cache hit is instant.
set -euo pipefail
shopt -s inherit_errexit

LOG_NAME=build-volsync
# shellcheck source-path=SCRIPTDIR source=lib/go-tools-cache.sh
. "$(dirname "$0")/lib/go-tools-cache.sh"

[[ $# -ge 1 && $# -le 2 ]] || die "usage: $0 ARCHIVE [DEST]"
ARCHIVE=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")
[[ -f $ARCHIVE ]] || die "no archive $1"
SHA=$(sha256sum "$ARCHIVE" | cut -c1-64)
DEST=${2:-${XDG_CACHE_HOME:-$HOME/.cache}/volsync-perms/volsync/$SHA}

# The manager has no --version; a binary that prints its flag usage and the CRDs beside it count.
cache_hit() {
	[[ -x $DEST/manager && -f $DEST/sha256 && $(cat "$DEST/sha256") == "$SHA" ]] &&
		compgen -G "$DEST/crds/*.yaml" >/dev/null
}

go_tools_begin
start=$SECONDS
tar xzf "$ARCHIVE" -C "$WORK"
src=$(find "$WORK" -mindepth 1 -maxdepth 1 -type d | head -n1)
[[ -f $src/go.mod ]] || die "$ARCHIVE holds no go.mod at its top directory"
log "building $(basename "$ARCHIVE") (sha256 ${SHA:0:12})"
# The controller's go.mod names the Go it needs; GOTOOLCHAIN=auto fetches it from the proxy if
# this one is older. The archive has no .git, hence -buildvcs=false.
(cd "$src" && GOTOOLCHAIN=auto go build -buildvcs=false -trimpath -ldflags='-s -w' \
	-o "$DEST/manager.tmp" ./cmd/...) >&2
mkdir -p "$DEST/crds.tmp"
cp "$src"/config/crd/bases/*.yaml "$DEST/crds.tmp/"
find "$src/hack/crds" -name '*.yaml' -exec cp {} "$DEST/crds.tmp/" \;
rm -rf "$DEST/crds"
mv "$DEST/crds.tmp" "$DEST/crds"
mv -f "$DEST/manager.tmp" "$DEST/manager"
printf '%s\n' "$SHA" >"$DEST/sha256"
log "built in $((SECONDS - start))s: $DEST/manager"
done_ok
