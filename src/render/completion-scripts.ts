/**
 * Shell completion scripts. Each asks the binary (`kubectl-volsync_perms __complete WORDS... CUR`)
 * and reads Cobra's protocol: candidates `value<TAB>description`, then `:directive`, where 2 means
 * no space after the candidate and 4 no file names.
 */
export const shells = ['bash', 'zsh', 'fish', 'kubectl'] as const;
export type Shell = (typeof shells)[number];

const bin = 'kubectl-volsync_perms';

const bash = `# bash completion for ${bin}; source it, or put it in /etc/bash_completion.d/
_kubectl_volsync_perms() {
  local cur=\${COMP_WORDS[COMP_CWORD]} out directive line
  out=$(${bin} __complete "\${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null) || return 0
  directive=\${out##*:}
  COMPREPLY=()
  while IFS= read -r line; do
    [[ -z $line || $line == :* ]] && continue
    COMPREPLY+=("\${line%%$'\\t'*}")
  done <<<"$out"
  if (( directive & 2 )); then compopt -o nospace; fi
  if (( directive & 4 )) || (( \${#COMPREPLY[@]} > 0 )); then compopt +o default; fi
}
complete -o default -F _kubectl_volsync_perms ${bin}
`;

const zsh = `#compdef ${bin}
# zsh completion for ${bin}; put it on $fpath as _${bin}
_kubectl_volsync_perms() {
  local out directive
  local -a items
  out=$(${bin} __complete "\${(@)words[2,CURRENT-1]}" "\${words[CURRENT]}" 2>/dev/null) || return 1
  directive=\${out##*:}
  items=("\${(@f)\${out%:*}}")
  items=("\${(@)items:#}")
  items=("\${(@)items//:/\\\\:}")
  items=("\${(@)items//$'\\t'/:}")
  if (( \${#items} == 0 )) && (( !(directive & 4) )); then _files; return; fi
  if (( directive & 2 )); then _describe -t values 'values' items -S ''
  else _describe -t values 'values' items; fi
}
compdef _kubectl_volsync_perms ${bin}
`;

const fish = `# fish completion for ${bin}; put it in ~/.config/fish/completions/${bin}.fish
function __kubectl_volsync_perms_complete
  set -l words (commandline -opc)
  set -e words[1]
  set -l out (${bin} __complete $words (commandline -ct) 2>/dev/null)
  set -e out[-1]
  for line in $out
    test -n "$line"; and echo $line
  end
end
complete -c ${bin} -f -a '(__kubectl_volsync_perms_complete)'
`;

/** kubectl (>= 1.26) runs `kubectl_complete-volsync_perms ARGS... CUR` and reads the protocol. */
const kubectl = `#!/usr/bin/env sh
# kubectl_complete-volsync_perms: completion of \`kubectl volsync-perms ...\` (kubectl >= 1.26).
# Install it executable next to ${bin} on PATH (krew: ~/.krew/bin).
exec ${bin} __complete "$@"
`;

export function completionScript(shell: Shell): string {
  return { bash, zsh, fish, kubectl }[shell];
}
