#!/usr/bin/env bash
# Build real kube-apiserver and etcd binaries from the Go module proxy, for use
# as an envtest-style control plane (KUBEBUILDER_ASSETS).
#
# Usage: scripts/build-kube-assets.sh [DEST]
#   DEST defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/volsync-perms/kube-assets/<k8s>-<etcd>.
#   Progress goes to stderr; the last stdout line is DEST, so callers can do
#     KUBEBUILDER_ASSETS=$(scripts/build-kube-assets.sh | tail -1)
#
# Needs bash >= 4.4, Go >= 1.26 (etcd v3.5.35's go.mod says "go 1.26.0"; with
# GOTOOLCHAIN=auto an older go fetches it) and access to GOPROXY. No git, no
# GitHub, no GOPATH layout. Cold build: ~9 min on 2 cores, peak RSS ~1.7 GB.
set -euo pipefail
# Keep errexit inside $(...) too (bash >= 4.4), so failures there are not ignored.
shopt -s inherit_errexit

# Pinned versions. The k8s.io/* staging modules are published as v0.<minor>.<patch>
# for Kubernetes v1.<minor>.<patch>, so their version is derived, not pinned.
K8S_VERSION=v1.36.3
ETCD_VERSION=v3.5.35
STAGING_VERSION=v0.${K8S_VERSION#v1.}

LOG_NAME=build-kube-assets
# shellcheck source-path=SCRIPTDIR source=lib/go-tools-cache.sh
. "$(dirname "$0")/lib/go-tools-cache.sh"

[[ $# -le 1 ]] || die "usage: $0 [DEST]"
DEST=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/volsync-perms/kube-assets/${K8S_VERSION}-${ETCD_VERSION}}

cache_hit() {
	has_binary "$DEST/kube-apiserver" --version "Kubernetes ${K8S_VERSION}" &&
		has_binary "$DEST/etcd" --version "etcd Version: ${ETCD_VERSION#v}"
}

go_tools_begin

# Download module@version into the module cache; print the download JSON.
download() { # <module@version>
	local out
	out=$(cd "$WORK" && go mod download -json "$1") || {
		printf '%s\n' "$out" >&2
		die "go mod download $1 failed"
	}
	printf '%s\n' "$out"
}

# Go ignores replace directives in any go.mod but the main module's, which is
# why `go install pkg@version` refuses these modules and why a plain `require`
# would pull the wrong (v0.0.0 / path-only) versions. This turns the upstream
# replace directives into `go mod edit -replace` flags for our temp module:
#   - local-path replacements (./staging/..., ../api) are pinned to the
#     published module at LOCAL_VERSION (all of them, required or not), or, if
#     that is empty, to the version the upstream go.mod requires; there, local
#     replacements of modules upstream does not require are dropped (etcd's
#     ./FORBIDDEN_DEPENDENCY guards);
#   - module-to-module replacements are copied verbatim.
# Input must be `go mod edit -fmt` formatted.
replace_flags() { # <go.mod> <local version or "">
	awk -v local_version="$2" '
		{ sub(/[ \t]*\/\/.*/, "") }                       # drop comments
		/^(require|replace)[ \t]*\($/ { block = $1; next }
		block != "" && /^\)$/ { block = ""; next }
		$1 == "require" && NF >= 3 { req[$2] = $3; next }
		$1 == "replace" { $1 = ""; $0 = $0; rep[++n] = $0; next }
		block == "require" && NF >= 2 { req[$1] = $2; next }
		block == "replace" && NF >= 3 { rep[++n] = $0; next }
		END {
			for (i = 1; i <= n; i++) {
				m = split(rep[i], f, /[ \t]+/)
				k = 0
				for (j = 1; j <= m; j++) if (f[j] != "") g[++k] = f[j]
				# g: old [oldver] => new [newver]
				old = g[1]; oldv = ""; a = 2
				if (g[2] != "=>") { oldv = g[2]; a = 3 }
				new = g[a + 1]; newv = (k >= a + 2) ? g[a + 2] : ""
				lhs = old (oldv != "" ? "@" oldv : "")
				if (newv == "") {                        # local directory
					if (local_version != "") v = local_version
					else if (old in req) v = req[old]
					else continue
					printf "-replace=%s=%s@%s\n", lhs, old, v
				} else {
					printf "-replace=%s=%s@%s\n", lhs, new, newv
				}
			}
		}' "$1"
}

# Print the godebug settings of a formatted go.mod as `go mod edit` flags, so
# the binary gets the same runtime GODEBUG defaults as the upstream build.
godebug_flags() { # <go.mod>
	awk '
		/^godebug[ \t]*\($/ { inblk = 1; next }
		inblk && /^\)$/ { inblk = 0; next }
		$1 == "godebug" { print "-godebug=" $2; next }
		inblk && NF >= 1 && $1 !~ /^\/\// { print "-godebug=" $1 }' "$1"
}

# Create a throwaway main module in $WORK/<name> that requires <module@version>
# and mirrors that module's replace/godebug/go settings (see above). Sets
# MODULE_INFO to the proxy .info file of <module@version>. Not meant to be run
# in $(...), so that its failures stop the script directly.
make_module() { # <name> <module> <version> <local version or "">
	local name=$1 mod=$2 ver=$3 local_ver=$4 json gomod dir go_ver upstream directives
	local -a flags=()
	json=$(download "$mod@$ver")
	gomod=$(json_field GoMod <<<"$json")
	[[ -f $gomod ]] || die "no GoMod file for $mod@$ver in go mod download output"

	dir=$WORK/$name
	upstream=$WORK/$name.upstream.mod
	mkdir -p "$dir"
	# Copy (module cache files are read-only) and normalise for the awk parsers.
	cp "$gomod" "$upstream"
	chmod u+w "$upstream"
	go mod edit -fmt "$upstream"

	go_ver=$(awk '$1 == "go" { print $2; exit }' "$upstream")
	directives=$(replace_flags "$upstream" "$local_ver" && godebug_flags "$upstream")
	[[ -z $directives ]] || mapfile -t flags <<<"$directives"
	printf 'module kube-assets.invalid/%s\n\ngo %s\n' "$name" "$go_ver" >"$dir/go.mod"
	(cd "$dir" && go mod edit -require="$mod@$ver" "${flags[@]}")
	log "$name: temp module $dir (${#flags[@]} replace/godebug directives from $mod@$ver)"
	MODULE_INFO=$(json_field Info <<<"$json")
}

# Resolve the command's import graph (adds the missing requirements and go.sum
# entries), then build it. `go mod tidy` is of no use here: the temp module has
# no packages of its own, and a main package cannot be imported from a tools.go.
build_cmd() { # <module dir> <package@version> <output> <ldflags>
	local dir=$1 pkg=$2 out=$3 ldflags=$4
	(cd "$dir" && go get "$pkg") >&2
	# Build next to the target and rename, so DEST never holds a partial file.
	(cd "$dir" && go build -trimpath -ldflags="$ldflags" -o "$out.tmp" "${pkg%@*}") >&2
	mv -f "$out.tmp" "$out"
}

start=$SECONDS

# ---- kube-apiserver -------------------------------------------------------
log "kube-apiserver ${K8S_VERSION} (staging modules ${STAGING_VERSION})"
make_module apiserver k8s.io/kubernetes "$K8S_VERSION" "$STAGING_VERSION"
# Same -X flags as hack/lib/version.sh, so --version and /version are right and
# the compatibility-version logic sees the right minor (not the v0.0.0-master default).
# No git checkout exists, so the commit is unknown; the date is the version's
# commit time from the proxy's .info file, which keeps the build reproducible.
k8s_time=$(json_field Time <"$MODULE_INFO")
[[ -n $k8s_time ]] || die "no Time in $MODULE_INFO"
k8s_minor=${K8S_VERSION#v1.}
k8s_minor=${k8s_minor%%.*}
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	k8s_ldflags+=" -X $pkg.gitVersion=${K8S_VERSION}"
	k8s_ldflags+=" -X $pkg.gitMajor=1 -X $pkg.gitMinor=${k8s_minor}"
	k8s_ldflags+=" -X $pkg.gitTreeState=archive -X $pkg.gitCommit=unknown"
	k8s_ldflags+=" -X $pkg.buildDate=${k8s_time}"
done
build_cmd "$WORK/apiserver" "k8s.io/kubernetes/cmd/kube-apiserver@${K8S_VERSION}" \
	"$DEST/kube-apiserver" "$k8s_ldflags"
log "kube-apiserver built ($((SECONDS - start))s so far)"

# ---- etcd -----------------------------------------------------------------
# In etcd 3.5 the server module root (go.etcd.io/etcd/server/v3, main.go) is the
# etcd command itself; its go.mod replaces the sibling api/client/pkg/raft
# modules with ../ paths, so the same temp-module trick applies. Those siblings
# are pinned to the versions server/v3 itself requires (v3.5.N / v2.305.N).
log "etcd ${ETCD_VERSION}"
make_module etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION" ""
build_cmd "$WORK/etcd" "go.etcd.io/etcd/server/v3@${ETCD_VERSION}" "$DEST/etcd" \
	"-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=unknown"
log "etcd built ($((SECONDS - start))s total)"

cache_hit || die "built binaries in $DEST do not report the pinned versions"
"$DEST/kube-apiserver" --version >&2
"$DEST/etcd" --version >&2
done_ok
