# shellcheck shell=bash
# Shared by the scripts that build test binaries from the Go module proxy into a cache directory.
# The caller sets LOG_NAME and DEST and defines cache_hit(); then calls go_tools_begin.

log() { printf '[%s] %s\n' "$LOG_NAME" "$*" >&2; }
die() {
	log "ERROR: $*"
	exit 1
}

# A binary counts as present only if it runs and reports the pinned version, so
# a half-written file or an older build in an explicit DEST is rebuilt.
has_binary() { # <path> <version argument> <expected version substring>
	local out
	[[ -f $1 && -x $1 ]] || return 1
	out=$("$1" "$2" 2>&1) || return 1
	[[ $out == *"$3"* ]]
}

done_ok() {
	printf '%s\n' "$DEST"
	exit 0
}

# Exits with DEST on a cache hit; else makes DEST absolute, takes its lock (the loser of a race
# between parallel runs then finds a cache hit), creates WORK and sets up a clean Go environment.
go_tools_begin() {
	command -v go >/dev/null 2>&1 || die "go is not in PATH"
	if cache_hit; then
		log "cache hit: $DEST"
		done_ok
	fi
	mkdir -p "$DEST"
	DEST=$(cd "$DEST" && pwd -P) # absolute, since the builds run from a temp dir
	if command -v flock >/dev/null 2>&1; then
		exec 9>"$DEST/.build.lock"
		flock 9
		if cache_hit; then
			log "cache hit (built by a concurrent run): $DEST"
			done_ok
		fi
	fi
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/$LOG_NAME.XXXXXX")
	# shellcheck disable=SC2064 # WORK is fixed now
	trap "rm -rf '$WORK'" EXIT
	# Module mode, no go.work, static pure-Go binaries for this host; GOFLAGS is cleared so a
	# caller's -mod=vendor cannot leak in. Module and build caches stay at their defaults.
	export GO111MODULE=on GOWORK=off CGO_ENABLED=0 GOFLAGS=
	unset GOOS GOARCH
}

# Print the value of a string field from JSON on stdin: `go mod download -json`
# output or a proxy .info file. Fine for these flat objects; avoids needing jq.
json_field() { # <field> ; JSON on stdin
	sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" | head -n1
}
