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
progress_seconds=${PROGRESS_SECONDS:-10}
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
[[ $show =~ ^[0-9]+$ && $batch =~ ^[1-9][0-9]*$ && $every =~ ^[1-9][0-9]*$ &&
  $progress_seconds =~ ^[1-9][0-9]*$ ]] ||
  die 'SHOW_PATHS, BATCH_SIZE, PROGRESS_EVERY and PROGRESS_SECONDS must be numbers'
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

# ---- the fast path: the audit's walk tallies, chown's own walk changes, one owner class at a time ----
# The careful walk above decides every file in bash, some 20 times chown -R's time. Where nothing
# can go wrong with chown -R (a chown repair, no filesystem mounted inside the volume), the walk
# of `kubectl volsync-perms audit` (audit-walk.pl, given as $1: the mover images have perl) only
# tallies the classes of file (type, owner, mode), and then `chown -R -h --from=UID:GID` runs once
# per owner class to change: it touches only files of that owner (a file already right is never
# chowned: its setuid bit and ctime stay), never follows a symlink, and changes a hard-linked file
# once. Whatever the tally cannot vouch for (no perl, a setuid or setgid file to change, a
# directory it cannot list, a mount it met, more classes than it prints) sends the run to the
# careful walk before anything changed; a chown that fails, or with VERIFY a file still not right
# after it, sends the rest there after.
walk_script=${1:-}

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

# the bytes a hex string spells (the walk prints every path so: any byte but NUL survives)
unhex() {
  local h=$1 i
  REPLY=
  for ((i = 0; i < ${#h}; i += 2)); do printf -v REPLY '%s\x'"${h:i:2}" "$REPLY"; done
}

# runs the walk: sets scanned, classes (files per owner to change), would (their sum) and names
# (paths relative to the root: each class's first, then its neighbours); returns 1 for what only
# the careful walk can do (why says what). With an argument, quietly.
fast_walk() {
  local out line type uid gid perm count quiet=${1:-}
  local -a lines
  classes=() names=() scanned=0 would=0
  if [[ -z $walk_script ]] || ! command -v perl >/dev/null; then
    why='no perl for the tally walk'
    return 1
  fi
  # its progress lines become ours, on fd 3 (the log); the substitution ends when the relay does
  exec 3>&1
  out=$(AUDIT_ROOT=$root AUDIT_FOR_FIX=1 PROGRESS_EVERY=$every perl -e "$walk_script" audit-walk \
    2> >(while IFS= read -r line; do
      if [[ $line =~ ^progress:\ entries=([0-9]+)$ ]]; then
        [[ -n $quiet ]] ||
          printf 'progress: scanned=%d %s=%d failed=%d\n' "${BASH_REMATCH[1]}" "$did" "$changed" "$failed" >&3
      else printf '%s\n' "$line" >&2; fi
    done))
  if (($? != 0)); then
    why='the tally walk failed'
    return 1
  fi
  IFS=$'\n'
  lines=($out)
  IFS=$' \t\n'
  for line in "${lines[@]}"; do
    case $line in
    'vpaudit1 {"t":"class",'*)
      if ! [[ $line =~ \"sampleHex\":\"([0-9a-f]*)\" ]]; then
        why='a class record without its first file'
        return 1
      fi
      unhex "${BASH_REMATCH[1]}"
      if ! [[ $line =~ \"type\":\"(.)\",\"uid\":([0-9]+),\"gid\":([0-9]+),\"perm\":([0-9]+),\"count\":([0-9]+), ]]; then
        why='a class record it cannot read'
        return 1
      fi
      type=${BASH_REMATCH[1]} uid=${BASH_REMATCH[2]} gid=${BASH_REMATCH[3]}
      perm=${BASH_REMATCH[4]} count=${BASH_REMATCH[5]}
      targeted "$uid:$gid" || continue
      # chown clears setuid and setgid bits: only the careful walk knows each file to put back
      if [[ $mode == apply && $type == f ]] && ((perm & 06000)); then
        why='a setuid or setgid file to change'
        return 1
      fi
      classes[$uid:$gid]=$((${classes[$uid:$gid]:-0} + count))
      would=$((would + count))
      names+=("$REPLY")
      ;;
    'vpaudit1 {"t":"folded",'*)
      why='more owner classes than the tally walk prints'
      return 1
      ;;
    'vpaudit1 {"t":"denied",'*)
      why='a directory the tally walk could not read'
      return 1
      ;;
    'vpaudit1 {"t":"mount",'*)
      why='a filesystem mounted inside the volume'
      return 1
      ;;
    'vpaudit1 {"t":"end",'*)
      [[ $line =~ \"listed\":([0-9]+)\}$ ]] && scanned=${BASH_REMATCH[1]}
      ;;
    esac
  done
  if ((scanned == 0)); then
    why='the tally walk did not finish'
    return 1
  fi
  more_names
  return 0
}

# more files to name, up to SHOW_PATHS: the neighbours of each class's first file, one stat each
more_names() {
  local p dir k rel
  local -a entries found
  local -A have=()
  for p in "${names[@]}"; do have[$p]=1; done
  for p in "${names[@]}"; do
    ((${#names[@]} < show)) || return 0
    if [[ $p == . || $p != */* ]]; then dir=$root; else dir=$root/${p%/*}; fi
    set +f
    entries=("$dir"/*)
    set -f
    entries=("${entries[@]:0:batch}")
    ((${#entries[@]} > 0)) || continue
    IFS=$'\n'
    found=($(stat -c '%u:%g' -- "${entries[@]}" 2>/dev/null))
    IFS=$' \t\n'
    ((${#found[@]} == ${#entries[@]})) || continue
    for ((k = 0; k < ${#entries[@]} && ${#names[@]} < show; k++)); do
      rel=${entries[k]#"$root"/}
      [[ -z ${have[$rel]:-} ]] && targeted "${found[k]}" || continue
      have[$rel]=1
      names+=("$rel")
    done
  done
}

# the files named, those that have the owner now (all of them when counting), each inode once,
# SHOW_PATHS at most
name_changed() {
  local p now
  local -A inodes=()
  for p in "${names[@]}"; do
    ((listed < show)) || return 0
    if [[ $p == . ]]; then p=$root; else p=$root/$p; fi
    now=$(stat -c '%u:%g %i' -- "$p" 2>/dev/null) || continue
    [[ $mode == count || ${now% *} == "$owner" ]] && [[ -z ${inodes[${now##* }]:-} ]] || continue
    inodes[${now##* }]=1
    listed=$((listed + 1))
    printf '%s: %q\n' "$did" "$p"
  done
}

# the careful walk from the start, saying why
rewalk() {
  printf 'fix-ownership: the careful walk: %s\n' "$1"
  scanned=0 next_progress=$every dirs=() queue=() modes=() seen=()
  careful_walk
}

# One chown -R can take most of the run (millions of files) and says nothing until it ends, so a line
# every PROGRESS_SECONDS tells the log it runs and where: the deepest directory under the root it
# holds open (/proc). It cannot say how many files are done: chown -c would, but it reads
# /etc/passwd and /etc/group again for each file it names, three times chown's time.
watch_chown() {
  local pid=$1 from=$2 fd dir at waited=0
  set +f # a process of its own: the listing of /proc below is its only glob
  while :; do
    sleep "$progress_seconds" >/dev/null 2>&1
    kill -0 "$pid" 2>/dev/null || return 0
    waited=$((waited + progress_seconds))
    at=
    for fd in /proc/"$pid"/fd/*; do
      dir=$(readlink -- "$fd" 2>/dev/null) || continue
      [[ $dir == "$root"/* && ${#dir} -gt ${#at} ]] && at=$dir
    done
    printf 'progress: chown %s -> %s: %ds%s\n' "$from" "$owner" "$waited" \
      "$([[ -n $at ]] && printf ', in %q' "${at#"$root"/}")"
  done
}

fast_run() {
  local o planned walked pid watcher status
  local -a named
  if ! fast_walk; then
    rewalk "$why"
    return
  fi
  planned=$would walked=$scanned why=
  if [[ $mode == count ]]; then
    changed=$would
    name_changed
    return
  fi
  for o in "${!classes[@]}"; do
    chown -R -h --from="$o" -- "$owner" "$root" 2>/dev/null &
    pid=$!
    # killed while its sleep runs: that sleep, left behind, must hold none of the log's pipes
    watch_chown "$pid" "$o" 3>&- &
    watcher=$!
    wait "$pid"
    status=$?
    kill "$watcher" 2>/dev/null
    wait "$watcher"
    if ((status != 0)); then
      why='chown failed'
      continue
    fi
    changed=$((changed + classes[$o]))
    # with VERIFY a count is told once stat has confirmed it
    [[ $verify == 1 ]] ||
      printf 'progress: scanned=%d %s=%d failed=%d\n' "$scanned" "$did" "$changed" "$failed"
  done
  if [[ $verify == 1 && -z $why ]]; then
    # the same walk again: what is still to change did not change
    named=("${names[@]}")
    if ! fast_walk quiet; then
      why='the files chown left'
    elif ((would > 0)); then
      why="$would files still not owned by $owner after chown returned success"
    fi
    names=("${named[@]}") scanned=$walked
  fi
  name_changed
  [[ -n $why ]] || return 0
  # the careful walk names each failure; every file it finds still to change is one chown left
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

declare -A classes=()
if [[ $walk == careful || $op == chmod ]]; then
  careful_walk
elif nested_mount; then
  rewalk 'a filesystem mounted inside the volume (chown -R would enter it)'
else
  fast_run
fi

((listed < changed)) && printf '... and %d more\n' $((changed - listed))
printf 'summary: scanned=%d %s=%d failed=%d skipped-mounts=%d\n' "$scanned" "$did" "$changed" "$failed" "$mounts"
printf 'root: %s\n' "$(stat -c '%u:%g %a' -- "$root")"
((failed == 0))
