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
# ONLY_OWNERS="UID:GID ..." limits the change to files of those owners (fix-job --from-audit: the
# classes an audit found). FIX_OP=chmod is the repair where chown cannot work (an NFS export that
# squashes root): it runs as the files' owner, without capabilities, and applies CHMOD_MODE (plus,
# when TARGET_GID is set, chgrp to it: an owner may give its file to one of its own groups) to the
# files it owns; symlinks are skipped, as chmod would follow them.
# VERIFY=1 stats every changed file again: an NFS server may answer success and change nothing
# (nfs-ganesha under all_squash), and a repair must never report what did not happen.
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
op=${FIX_OP:-chown}
verify=${VERIFY:-0}
show=${SHOW_PATHS:-20}
batch=${BATCH_SIZE:-500}
every=${PROGRESS_EVERY:-10000}
[[ $op == chown || $op == chmod ]] || die "FIX_OP must be chown or chmod, got '$op'"
if [[ $op == chmod ]]; then
  # the owner repairs its own files: TARGET_UID is who runs, the one whose files change
  TARGET_UID=$(id -u)
  [[ ${CHMOD_MODE:-} =~ ^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$ ]] ||
    die "CHMOD_MODE must be a symbolic mode such as g+rX, got '${CHMOD_MODE:-}'"
fi
is_id "${TARGET_UID:-}" || die "TARGET_UID must be a number, got '${TARGET_UID:-}'"
[[ $op == chmod && -z ${TARGET_GID:-} ]] ||
  is_id "${TARGET_GID:-}" || die "TARGET_GID must be a number, got '${TARGET_GID:-}'"
[[ -z ${ONLY_UID:-} ]] || is_id "$ONLY_UID" || die "ONLY_UID must be a number, got '$ONLY_UID'"
[[ $mode == apply || $mode == count ]] || die "FIX_MODE must be apply or count, got '$mode'"
# FIX_WALK=careful: the careful walk even where the fast path could run (the tests compare them)
walk=${FIX_WALK:-auto}
[[ $walk == auto || $walk == careful ]] || die "FIX_WALK must be auto or careful, got '$walk'"
[[ $show =~ ^[0-9]+$ && $batch =~ ^[1-9][0-9]*$ && $every =~ ^[1-9][0-9]*$ ]] ||
  die 'SHOW_PATHS, BATCH_SIZE and PROGRESS_EVERY must be numbers'
[[ -d $root && ! -L $root ]] || die "$root is not a directory; is the volume mounted there?"
# absolute: the fast path walks from inside the root
[[ $root == /* ]] || root=$PWD/$root
owner="$TARGET_UID:${TARGET_GID:-}"
root_dev=$(stat -c %d -- "$root") || die "cannot stat $root"
settled="$root_dev $TARGET_UID ${TARGET_GID:-} "
candidate="$root_dev ${ONLY_UID:-} "
declare -A only=()
for o in ${ONLY_OWNERS:-}; do
  [[ $o =~ ^[0-9]{1,10}:[0-9]{1,10}$ ]] || die "ONLY_OWNERS must hold UID:GID pairs, got '$o'"
  only[$o]=1
done
# the owner of what may change is known from the first fields alone: the common case is decided
# by one string match (see visit)
narrow=$([[ -n ${ONLY_UID:-} || ${#only[@]} -gt 0 ]] && echo 1)

scanned=0 changed=0 failed=0 mounts=0 listed=0 next_progress=$every
# the fast path stats this many paths in one process
chunk=$((batch * 8))
declare -A seen=()
queue=() modes=() dirs=()
did=$([[ $mode == count ]] && echo would-change || echo changed)

if [[ $op == chmod ]]; then
  printf 'fix-ownership: %s: chmod %s%s of the files of UID %s%s%s\n' "$root" "$CHMOD_MODE" \
    "${TARGET_GID:+ and chgrp $TARGET_GID}" "$TARGET_UID" "${ONLY_OWNERS:+ (only $ONLY_OWNERS)}" \
    "$([[ $mode == count ]] && echo ' (count only)')"
else
  printf 'fix-ownership: %s -> %s%s%s%s\n' "$root" "$owner" \
    "${ONLY_UID:+ (only files owned by UID $ONLY_UID)}" "${ONLY_OWNERS:+ (only files owned by $ONLY_OWNERS)}" \
    "$([[ $mode == count ]] && echo ' (count only)')"
fi

note_changed() {
  changed=$((changed + 1))
  if ((listed < show)); then
    listed=$((listed + 1))
    printf '%s: %q\n' "$did" "$1"
  fi
}

note_failed() {
  failed=$((failed + 1))
  ((failed > 5)) || printf 'failed: %q: %s\n' "$1" "$2"
}

# a file chown changed: with VERIFY, only if stat now shows the owner asked for
changed_if_owned() {
  if [[ $verify == 1 && $3 != "$owner" ]]; then
    note_failed "$1" "still owned by ${3:-?} after chown returned success (the server did not change it)"
    return
  fi
  note_changed "$1"
  [[ -z $2 ]] || chmod -- "$2" "$1" || failed=$((failed + 1))
}

# the owners of the queued files as stat sees them now (VERIFY), else what chown was asked for
owners_now() {
  local out i
  now=()
  if [[ $verify != 1 ]]; then
    for i in "${!queue[@]}"; do now+=("$owner"); done
    return
  fi
  out=$(stat -c '%u:%g' -- "${queue[@]}" 2>/dev/null)
  IFS=$'\n'
  now=($out)
  IFS=$' \t\n'
}

flush() {
  ((${#queue[@]} > 0)) || return 0
  local i err
  local -a now
  if [[ $mode == count ]]; then
    for i in "${!queue[@]}"; do note_changed "${queue[i]}"; done
  elif [[ $op == chmod ]]; then
    for i in "${!queue[@]}"; do
      if err=$( { [[ -z ${TARGET_GID:-} ]] || chgrp -h -- "$TARGET_GID" "${queue[i]}"; } 2>&1 &&
        chmod -- "$CHMOD_MODE" "${queue[i]}" 2>&1); then
        note_changed "${queue[i]}"
      else
        note_failed "${queue[i]}" "${err##*: }"
      fi
    done
  elif chown -h -- "$owner" "${queue[@]}" 2>/dev/null; then
    owners_now
    for i in "${!queue[@]}"; do changed_if_owned "${queue[i]}" "${modes[i]}" "${now[i]:-}"; done
  else
    # one of them failed: redo them one by one to count and name the failures
    for i in "${!queue[@]}"; do
      if err=$(chown -h -- "$owner" "${queue[i]}" 2>&1); then
        changed_if_owned "${queue[i]}" "${modes[i]}" \
          "$(if [[ $verify == 1 ]]; then stat -c '%u:%g' -- "${queue[i]}" 2>/dev/null; else echo "$owner"; fi)"
      else
        note_failed "${queue[i]}" "${err##*: }"
      fi
    done
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
    # the common cases, decided by one or two string matches: right owner (or, for chmod, not
    # the runner's; with --only-uid, not that owner) on the volume's filesystem; a directory's
    # raw mode starts with 4
    if [[ $op == chown && -z $narrow && $line == "$settled"* ]] ||
      [[ $op == chmod && $line == "$root_dev "* && $line != "$root_dev $TARGET_UID "* ]] ||
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
    ((${#only[@]} > 0)) && [[ -z ${only[$uid:$gid]:-} ]] && continue
    if [[ $op == chmod ]]; then
      ((type == 0120000)) && continue
    else
      ((uid == TARGET_UID && gid == TARGET_GID)) && continue
    fi
    if ((type != 0040000 && links > 1)); then
      [[ -n ${seen[$ino]:-} ]] && continue
      seen[$ino]=1
    fi
    queue+=("$path")
    if [[ $op == chown ]] && ((type == 0100000 && (rawmode & 06000) != 0)); then modes+=("$perm"); else modes+=(''); fi
    ((${#queue[@]} >= batch)) && flush
  done
  return 0
}

# ---- the fast path: chown's own walk, one owner class at a time ----
# The careful walk above decides every file in bash, some 20 times chown -R's time. Where nothing
# can go wrong with chown -R (a chown repair, no filesystem mounted inside the volume), one walk
# in bash and stat batches only tallies the kinds of file (raw mode, links, owner), and then
# `chown -R -h --from=UID:GID` runs once per owner class to change: it touches only files of that
# owner (a file already right is never chowned: its setuid bit and ctime stay), never follows a
# symlink, and changes a hard-linked file once. Whatever the tally cannot vouch for (a setuid or
# setgid file or a hard-linked one to change, a directory it cannot list, a vanished path) sends
# the run to the careful walk before anything changed; a chown that fails, or with VERIFY a file
# still not right after it, sends the rest there after.

# whether a filesystem is mounted at or below a directory inside the root (the kernel's table,
# escaped as the kernel escapes it); unknown counts as mounted
nested_mount() {
  local real f
  real=$(realpath -e -- "$root") && [[ -r /proc/self/mountinfo ]] || return 0
  real=${real//\\/\\134} real=${real// /\\040} real=${real//$'\t'/\\011} real=${real//$'\n'/\\012}
  real=${real%/}/
  while read -r -a f; do [[ ${f[4]:-} == "$real"?* ]] && return 0; done </proc/self/mountinfo
  return 1
}

# whether files of this owner change (the owner filters of the careful walk, for a whole class)
targeted() {
  [[ $1 != "$TARGET_UID:$TARGET_GID" ]] || return 1
  [[ -z ${ONLY_UID:-} || ${1%%:*} == "$ONLY_UID" ]] || return 1
  ((${#only[@]} == 0)) || [[ -n ${only[$1]:-} ]]
}

# stats the paths of the array named $1 in one process and tallies their kinds (`RAWMODE LINKS
# UID:GID;`, counted by uniq); only a batch holding a directory (its raw mode starts with 4), or
# files to change while fewer than SHOW_PATHS are named, is stated again and read line by line,
# to queue the directories and name the files
fast_batch() {
  local -n paths=$1
  local agg out line n=0 key o hit= subdir= k
  local -a lines counts keys half
  ((${#paths[@]} > 0)) || return 0
  agg=$(stat --printf '%f %h %u:%g;\n' -- "${paths[@]}" 2>/dev/null | uniq -c)
  IFS=$'\n'
  lines=($agg)
  IFS=$' \t\n'
  for line in "${lines[@]}"; do
    line=${line#"${line%%[! ]*}"}
    counts+=("${line%% *}") keys+=("${line#* }")
    n=$((n + ${line%% *}))
  done
  if ((n != ${#paths[@]})); then
    # too long a list for one process, or a path that vanished: halves, down to what the careful
    # walk must take
    ((${#paths[@]} > 64)) || return 1
    k=$((${#paths[@]} / 2))
    half=("${paths[@]:0:k}")
    fast_batch half || return 1
    half=("${paths[@]:k}")
    fast_batch half
    return
  fi
  for ((k = 0; k < ${#keys[@]}; k++)); do
    key=${keys[k]} o=${key##* } o=${o%;}
    kinds[$key]=$((${kinds[$key]:-0} + counts[k]))
    [[ $key == 4* ]] && subdir=1
    targeted "$o" && hit=1
  done
  scanned=$((scanned + n))
  [[ -n $subdir ]] || { [[ -n $hit ]] && ((${#names[@]} < show)); } || return 0
  out=$(stat --printf '%f %u:%g\n' -- "${paths[@]}" 2>/dev/null)
  IFS=$'\n'
  lines=($out)
  IFS=$' \t\n'
  ((${#lines[@]} == ${#paths[@]})) || return 1
  for ((k = 0; k < ${#lines[@]}; k++)); do
    line=${lines[k]}
    [[ $line == 4* ]] && dirs+=("${paths[k]}")
    ((${#names[@]} < show)) && [[ -n $hit ]] && targeted "${line#* }" && names+=("${paths[k]}")
  done
  return 0
}

# walks the root: sets scanned, kinds (count per kind), classes (count per owner to change) and
# would (their sum); returns 1 for what only the careful walk can do (why says what)
fast_walk() {
  local dir key o rawmode links i
  local -a slice top=(.)
  # paths relative to the root: shorter for stat to resolve and for bash to copy
  cd -- "$root" || return 1
  kinds=() classes=()
  scanned=0 would=0 names=() dirs=() pend=()
  fast_batch top || return 1
  while ((${#dirs[@]} > 0)); do
    dir=${dirs[-1]}
    unset 'dirs[-1]'
    [[ -r $dir && -x $dir ]] || return 1
    # directories are pooled into batches of chunk paths (one copy: the glob lands in the pool);
    # a pool grown past twice that by a large directory goes in slices
    set +f
    if [[ $dir == . ]]; then pend+=(*); else pend+=("$dir"/*); fi
    set -f
    if ((${#pend[@]} > 2 * chunk)); then
      for ((i = 0; i < ${#pend[@]}; i += chunk)); do
        slice=("${pend[@]:i:chunk}")
        fast_batch slice || return 1
      done
      pend=()
    fi
    if ((${#pend[@]} >= chunk || (${#dirs[@]} == 0 && ${#pend[@]} > 0))); then
      fast_batch pend || return 1
      pend=()
    fi
    if ((scanned >= next_progress)); then
      printf 'progress: scanned=%d %s=%d failed=%d\n' "$scanned" "$did" "$changed" "$failed"
      next_progress=$(((scanned / every + 1) * every))
    fi
  done
  for key in "${!kinds[@]}"; do
    o=${key##* } o=${o%;}
    targeted "$o" || continue
    would=$((would + kinds[$key]))
    classes[$o]=$((${classes[$o]:-0} + kinds[$key]))
    rawmode=$((16#${key%% *})) links=${key#* } links=${links%% *}
    # a hard-linked file would be counted once per link; a setuid or setgid file loses its bits
    if (((rawmode & 0170000) != 0040000 && links > 1)); then
      why='a hard-linked file to change'
      return 1
    fi
    if [[ $mode == apply ]] && (((rawmode & 0170000) == 0100000 && (rawmode & 06000) != 0)); then
      why='a setuid or setgid file to change'
      return 1
    fi
  done
  return 0
}

# the files named while walking, those that have the owner now
name_changed() {
  local p
  for p in "${names[@]}"; do
    if [[ $p == . ]]; then p=$root; else p=$root/$p; fi
    [[ $mode == count || $(stat -c '%u:%g' -- "$p" 2>/dev/null) == "$owner" ]] || continue
    listed=$((listed + 1))
    printf '%s: %q\n' "$did" "$p"
  done
}

# the careful walk from the start (nothing changed yet), saying why
rewalk() {
  printf 'fix-ownership: the careful walk: %s
' "$1"
  scanned=0 next_progress=$every
  careful_walk
}

fast_run() {
  local o planned walked
  local -a named
  why='a directory it cannot list or a path that vanished'
  fast_walk || {
    rewalk "$why"
    return
  }
  planned=$would walked=$scanned
  if [[ $mode == count ]]; then
    changed=$would
    name_changed
    return
  fi
  for o in "${!classes[@]}"; do
    chown -R -h --from="$o" -- "$owner" "$root" 2>/dev/null || why='chown failed'
    changed=$((changed + classes[$o]))
    printf 'progress: scanned=%d %s=%d failed=%d
' "$scanned" "$did" "$changed" "$failed"
  done
  if [[ $verify == 1 && $why != 'chown failed' ]]; then
    # the same walk again, quietly: what is still to change did not change
    named=("${names[@]}")
    next_progress=$((1 << 62))
    if ! fast_walk; then
      why='the files chown left'
    elif ((would > 0)); then
      why="$would files still not owned by $owner after chown returned success"
    else
      why=
    fi
    names=("${named[@]}") scanned=$walked
  else
    [[ $why == 'chown failed' ]] || why=
  fi
  name_changed
  [[ -n $why ]] || return 0
  # the careful walk names what failed; every file it finds still to change is one chown left
  changed=0
  rewalk "$why"
  changed=$((planned - failed > 0 ? planned - failed : 0))
}

careful_walk() {
  visit "$root"
  while ((${#dirs[@]} > 0)); do
    dir=${dirs[-1]}
    unset 'dirs[-1]'
    if [[ ! -r $dir || ! -x $dir ]]; then
      # an identity without DAC_OVERRIDE (the chmod repair) cannot list what others keep private
      note_failed "$dir" 'cannot list it (permission denied): its files are not repaired'
      continue
    fi
    set +f
    entries=("$dir"/*)
    set -f
    for ((i = 0; i < ${#entries[@]}; i += batch)); do visit "${entries[@]:i:batch}"; done
    if ((scanned >= next_progress)); then
      printf 'progress: scanned=%d %s=%d failed=%d\n' "$scanned" "$did" "$changed" "$failed"
      next_progress=$(((scanned / every + 1) * every))
    fi
  done
  flush
}

declare -A kinds=() classes=()
if [[ $walk == auto && $op == chown ]] && ! nested_mount; then fast_run; else careful_walk; fi

((listed < changed)) && printf '... and %d more\n' $((changed - listed))
printf 'summary: scanned=%d %s=%d failed=%d skipped-mounts=%d\n' "$scanned" "$did" "$changed" "$failed" "$mounts"
printf 'root: %s\n' "$(stat -c '%u:%g %a' -- "$root")"
((failed == 0))
