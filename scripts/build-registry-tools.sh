#!/usr/bin/env bash
# Build a real OCI registry (CNCF distribution), crane, and a bcrypt htpasswd
# helper from the Go module proxy, for the registry integration tests.
#
# Usage: scripts/build-registry-tools.sh [DEST]
#   DEST defaults to
#   ${XDG_CACHE_HOME:-$HOME/.cache}/volsync-perms/registry-tools/distribution-<v>-crane-<v>.
#   Progress goes to stderr; the last stdout line is DEST, so callers can do
#     tools=$(scripts/build-registry-tools.sh | tail -1)
#
# DEST then holds:
#   registry         github.com/distribution/distribution/v3/cmd/registry
#   crane            github.com/google/go-containerregistry/cmd/crane
#   htpasswd-bcrypt  `htpasswd-bcrypt USER PASSWORD` prints `USER:<bcrypt hash>`, made with
#                    the golang.org/x/crypto/bcrypt version the registry itself uses. The
#                    registry's htpasswd auth accepts bcrypt only, Node has no bcrypt, and
#                    apache2-utils' htpasswd is not installed everywhere.
#
# Needs bash >= 4.4, Go >= 1.26 (distribution v3.1.2's go.mod says "go 1.26.0")
# and access to GOPROXY. No git, no GitHub. Cold build: ~4.5 min on 2 cores with empty Go
# caches (~3.5 min when build-kube-assets.sh has warmed the shared dependencies).
set -euo pipefail
shopt -s inherit_errexit

DISTRIBUTION_VERSION=v3.1.2
CRANE_VERSION=v0.22.1
DISTRIBUTION_MODULE=github.com/distribution/distribution/v3
CRANE_MODULE=github.com/google/go-containerregistry

LOG_NAME=build-registry-tools
# shellcheck source-path=SCRIPTDIR source=lib/go-tools-cache.sh
. "$(dirname "$0")/lib/go-tools-cache.sh"

[[ $# -le 1 ]] || die "usage: $0 [DEST]"
DEST=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/volsync-perms/registry-tools/distribution-${DISTRIBUTION_VERSION}-crane-${CRANE_VERSION}}

cache_hit() {
	has_binary "$DEST/registry" --version "$DISTRIBUTION_MODULE $DISTRIBUTION_VERSION" &&
		has_binary "$DEST/crane" version "$CRANE_VERSION" &&
		has_binary "$DEST/htpasswd-bcrypt" --version "golang.org/x/crypto"
}

go_tools_begin

# Build <package>@<version> into DEST/<name>. `go install pkg@version` is the
# simple way and works for modules without replace directives (both of these,
# at the pinned versions). If it fails (a future version adding a replace),
# fall back to a throwaway main module requiring the module, as
# build-kube-assets.sh does; such a module copies no replace directives, so the
# failure of this too is the signal to port that script's replace handling.
install_cmd() { # <name> <package> <version> <ldflags>
	local name=$1 pkg=$2 ver=$3 ldflags=$4 bin=$WORK/bin dir=$WORK/mod-$1
	mkdir -p "$bin"
	if (cd "$WORK" && GOBIN=$bin go install -trimpath -ldflags="$ldflags" "$pkg@$ver") >&2; then
		:
	else
		log "$name: go install failed; retrying in a temp module"
		mkdir -p "$dir"
		printf 'module registry-tools.invalid/%s\n\ngo 1.26\n' "$name" >"$dir/go.mod"
		(cd "$dir" && go get "$pkg@$ver") >&2
		(cd "$dir" && go build -trimpath -ldflags="$ldflags" -o "$bin/$name" "$pkg") >&2 ||
			die "$name: building $pkg@$ver failed"
	fi
	# Rename into place, so DEST never holds a partial file.
	mv -f "$bin/$name" "$DEST/$name.tmp"
	mv -f "$DEST/$name.tmp" "$DEST/$name"
}

start=$SECONDS

# ---- registry -------------------------------------------------------------
# version.version defaults to "<tag>+unknown"; set it as the upstream Makefile does.
log "registry: $DISTRIBUTION_MODULE $DISTRIBUTION_VERSION"
install_cmd registry "$DISTRIBUTION_MODULE/cmd/registry" "$DISTRIBUTION_VERSION" \
	"-s -w -X $DISTRIBUTION_MODULE/version.version=$DISTRIBUTION_VERSION"
log "registry built ($((SECONDS - start))s so far)"

# ---- crane ----------------------------------------------------------------
# crane reads its version from the build info (the main module's version under
# go install); the -X covers the temp-module fallback, where that is (devel).
log "crane: $CRANE_MODULE $CRANE_VERSION"
install_cmd crane "$CRANE_MODULE/cmd/crane" "$CRANE_VERSION" \
	"-s -w -X $CRANE_MODULE/cmd/crane/cmd.Version=$CRANE_VERSION"
log "crane built ($((SECONDS - start))s so far)"

# ---- htpasswd-bcrypt ------------------------------------------------------
# Pinned to the golang.org/x/crypto that the registry's go.mod requires, i.e.
# the bcrypt that will check the hash.
json=$(cd "$WORK" && go mod download -json "$DISTRIBUTION_MODULE@$DISTRIBUTION_VERSION")
gomod=$(json_field GoMod <<<"$json")
[[ -f $gomod ]] || die "no GoMod file for $DISTRIBUTION_MODULE@$DISTRIBUTION_VERSION"
crypto_version=$(awk '$1 == "golang.org/x/crypto" { print $2; exit }' "$gomod")
[[ -n $crypto_version ]] || die "$gomod does not require golang.org/x/crypto"
log "htpasswd-bcrypt: golang.org/x/crypto $crypto_version"
hp=$WORK/htpasswd-bcrypt
mkdir -p "$hp"
printf 'module registry-tools.invalid/htpasswd-bcrypt\n\ngo 1.26\n' >"$hp/go.mod"
cat >"$hp/main.go" <<'EOF'
// Command htpasswd-bcrypt prints one htpasswd line, USER:<bcrypt hash of PASSWORD>,
// like `htpasswd -Bbn USER PASSWORD`.
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"golang.org/x/crypto/bcrypt"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, d := range info.Deps {
				if d.Path == "golang.org/x/crypto" {
					fmt.Println("htpasswd-bcrypt", d.Path, d.Version)
					return
				}
			}
		}
		os.Exit(1)
	}
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: htpasswd-bcrypt USER PASSWORD")
		os.Exit(2)
	}
	// The lowest cost: the registry checks the hash on every request of a test.
	hash, err := bcrypt.GenerateFromPassword([]byte(os.Args[2]), bcrypt.MinCost)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%s:%s\n", os.Args[1], hash)
}
EOF
(cd "$hp" && go get "golang.org/x/crypto@$crypto_version" && go mod tidy) >&2
(cd "$hp" && go build -trimpath -ldflags="-s -w" -o "$DEST/htpasswd-bcrypt.tmp" .) >&2
mv -f "$DEST/htpasswd-bcrypt.tmp" "$DEST/htpasswd-bcrypt"
log "htpasswd-bcrypt built ($((SECONDS - start))s total)"

cache_hit || die "built binaries in $DEST do not report the pinned versions"
"$DEST/registry" --version >&2
"$DEST/crane" version >&2
"$DEST/htpasswd-bcrypt" --version >&2
done_ok
