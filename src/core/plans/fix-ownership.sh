# fix-ownership: gives every file under FIX_ROOT that does not already match it the owner
# TARGET_UID:TARGET_GID (with ONLY_UID set: only the files owned by that UID).
#
# It runs inside the Job `kubectl volsync-perms fix-job` writes, in the VolSync mover image, so it
# uses bash and coreutils only: the kopia fork's image has no find (ubi9-minimal without findutils).
# Every value arrives in an environment variable, never as shell text. Symlinks are changed
# themselves and never followed; a filesystem mounted inside FIX_ROOT is left alone (its mount point
# included); a file with several hard links is changed once. chown(2) clears the setuid and setgid
# bits of regular files even for root, so they are put back (FOWNER; the Job's primary group is
# TARGET_GID, so setgid survives chmod without FSETID, k8s-identity §5.4).
# FIX_MODE=count changes nothing and counts what would change.
set -u -o pipefail
shopt -s dotglob nullglob
set -f # globbing only where asked for (set +f around the listing)

die() {
  printf 'error: fix-ownership: %s\n' "$1" >&2
  exit 2
}
is_id() { [[ $1 =~ ^[0-9]{1,10}$ ]] && (($1 <= 4294967294)); }

root=${FIX_ROOT:-/target}
mode=${FIX_MODE:-apply}
show=${SHOW_PATHS:-20}
batch=${BATCH_SIZE:-500}
every=${PROGRESS_EVERY:-10000}
is_id "${TARGET_UID:-}" || die "TARGET_UID must be a number, got '${TARGET_UID:-}'"
is_id "${TARGET_GID:-}" || die "TARGET_GID must be a number, got '${TARGET_GID:-}'"
[[ -z ${ONLY_UID:-} ]] || is_id "$ONLY_UID" || die "ONLY_UID must be a number, got '$ONLY_UID'"
[[ $mode == apply || $mode == count ]] || die "FIX_MODE must be apply or count, got '$mode'"
[[ $show =~ ^[0-9]+$ && $batch =~ ^[1-9][0-9]*$ && $every =~ ^[1-9][0-9]*$ ]] ||
  die 'SHOW_PATHS, BATCH_SIZE and PROGRESS_EVERY must be numbers'
[[ -d $root && ! -L $root ]] || die "$root is not a directory; is the volume mounted there?"
owner="$TARGET_UID:$TARGET_GID"
root_dev=$(stat -c %d -- "$root") || die "cannot stat $root"
settled="$root_dev $TARGET_UID $TARGET_GID "
candidate="$root_dev ${ONLY_UID:-} "

scanned=0 changed=0 failed=0 mounts=0 listed=0 next_progress=$every
declare -A seen=()
queue=() modes=() dirs=()

printf 'fix-ownership: %s -> %s%s%s\n' "$root" "$owner" \
  "${ONLY_UID:+ (only files owned by UID $ONLY_UID)}" "$([[ $mode == count ]] && echo ' (count only)')"

note_changed() {
  changed=$((changed + 1))
  if ((listed < show)); then
    listed=$((listed + 1))
    printf '%s: %q\n' "$([[ $mode == count ]] && echo would-change || echo changed)" "$1"
  fi
}

chown_one() {
  local err
  if err=$(chown -h -- "$owner" "$1" 2>&1); then
    note_changed "$1"
    [[ -z $2 ]] || chmod -- "$2" "$1" || failed=$((failed + 1))
  else
    failed=$((failed + 1))
    ((failed > 5)) || printf 'failed: %q: %s\n' "$1" "${err##*: }"
  fi
}

flush() {
  ((${#queue[@]} > 0)) || return 0
  local i
  if [[ $mode == count ]]; then
    for i in "${!queue[@]}"; do note_changed "${queue[i]}"; done
  elif chown -h -- "$owner" "${queue[@]}" 2>/dev/null; then
    for i in "${!queue[@]}"; do
      note_changed "${queue[i]}"
      [[ -z ${modes[i]} ]] || chmod -- "${modes[i]}" "${queue[i]}" || failed=$((failed + 1))
    done
  else
    # one of them failed: redo them one by one to count and name the failures
    for i in "${!queue[@]}"; do chown_one "${queue[i]}" "${modes[i]}"; done
  fi
  queue=() modes=()
}

# stats the given paths in one process (one line each, in order), queues those to change and
# remembers subdirectories; a path that vanished meanwhile misaligns the lines, so the chunk is
# then stated again one path at a time
visit() {
  local out k line dev uid gid links ino rawmode perm path type
  local -a lines f paths=("$@")
  out=$(stat -c '%d %u %g %f %h %i %a' -- "$@" 2>/dev/null)
  IFS=$'\n'
  lines=($out)
  IFS=$' \t\n'
  if ((${#lines[@]} != $#)); then
    for path in "$@"; do [[ -e $path || -L $path ]] && visit "$path"; done
    return
  fi
  scanned=$((scanned + $#))
  for ((k = 0; k < $#; k++)); do
    line=${lines[k]}
    # the common cases, decided by one or two string matches: right owner (or not the owner
    # --only-uid asks for) on the volume's filesystem; a directory's raw mode starts with 4
    if [[ -z ${ONLY_UID:-} && $line == "$settled"* ]] ||
      [[ -n ${ONLY_UID:-} && $line == "$root_dev "* && $line != "$candidate"* ]]; then
      [[ ${line#"$root_dev "* * } == 4* ]] && dirs+=("${paths[k]}")
      continue
    fi
    f=($line)
    path=${paths[k]}
    dev=${f[0]} uid=${f[1]} gid=${f[2]} rawmode=$((16#${f[3]})) links=${f[4]} ino=${f[5]} perm=${f[6]}
    if ((dev != root_dev)); then
      mounts=$((mounts + 1))
      continue
    fi
    type=$((rawmode & 0170000))
    ((type == 0040000)) && dirs+=("$path")
    [[ -n ${ONLY_UID:-} ]] && ((uid != ONLY_UID)) && continue
    ((uid == TARGET_UID && gid == TARGET_GID)) && continue
    if ((type != 0040000 && links > 1)); then
      [[ -n ${seen[$ino]:-} ]] && continue
      seen[$ino]=1
    fi
    queue+=("$path")
    if ((type == 0100000 && (rawmode & 06000) != 0)); then modes+=("$perm"); else modes+=(''); fi
    ((${#queue[@]} >= batch)) && flush
  done
  return 0
}

visit "$root"
while ((${#dirs[@]} > 0)); do
  dir=${dirs[-1]}
  unset 'dirs[-1]'
  set +f
  entries=("$dir"/*)
  set -f
  for ((i = 0; i < ${#entries[@]}; i += batch)); do visit "${entries[@]:i:batch}"; done
  if ((scanned >= next_progress)); then
    printf 'progress: scanned=%d %s=%d failed=%d\n' "$scanned" "$([[ $mode == count ]] && echo would-change || echo changed)" "$changed" "$failed"
    next_progress=$(((scanned / every + 1) * every))
  fi
done
flush

((listed < changed)) && printf '... and %d more\n' $((changed - listed))
printf 'summary: scanned=%d %s=%d failed=%d skipped-mounts=%d\n' "$scanned" \
  "$([[ $mode == count ]] && echo would-change || echo changed)" "$changed" "$failed" "$mounts"
printf 'root: %s\n' "$(stat -c '%u:%g %a' -- "$root")"
((failed == 0))
