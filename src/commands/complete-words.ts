/**
 * Shell completion in Cobra's `__complete` protocol, which kubectl (>= 1.26) speaks with a
 * plugin's `kubectl_complete-<name>` executable and our own bash/zsh/fish scripts speak with the
 * binary: one candidate per line (`value<TAB>description`), then `:<directive>`.
 */

/** Cobra's ShellCompDirective bits. */
export const directive = { error: 1, noSpace: 2, noFileComp: 4 } as const;

/** A command as completion sees it, read from its yargs definition. */
export interface CommandShape {
  name: string;
  describe: string;
  /** Flag names (long and short) → whether the flag takes a value, and its fixed choices. */
  flags: Map<string, { value: boolean; choices?: string[] }>;
  /** What the first positional names: `ns` (a namespace), `ref` (TYPE/NAME), nothing. */
  target?: 'ns' | 'ref';
}

/** Names the cluster knows; each may fail or time out, which completes nothing. */
export interface Lookups {
  namespaces(): Promise<string[]>;
  /** Names of a kubectl resource type (`rs`, `pvc`, `pods`...) in the namespace in effect. */
  names(type: string, namespace: string | undefined): Promise<string[]>;
  contexts(): string[];
}

export interface Completion {
  items: string[];
  directive: number;
}

/** Flag values completed from files (the shell's own completion) instead of the cluster. */
const fileFlags = new Set([
  'filename',
  'f',
  'kustomize',
  'k',
  'kubeconfig',
  'flux',
  'flux-root',
  'from-log',
  'from-audit',
]);
const outputs = ['table', 'wide', 'json', 'yaml', 'sarif'];
/** The types `TYPE/NAME` arguments take, in kubectl's short names. */
const refTypes: Record<string, string[]> = {
  'effective-uid': ['rs', 'rd', 'kopiamaintenance', 'pod', 'job', 'cronjob', 'deploy', 'sts', 'ds'],
  render: ['rs', 'rd', 'kopiamaintenance'],
  'fix-job': ['rs', 'rd', 'pvc', 'sts', 'deploy'],
  audit: ['rs', 'rd', 'kopiamaintenance', 'pvc'],
};

const none: Completion = { items: [], directive: directive.noFileComp };

/**
 * The candidates for `toComplete` after `words` (the words typed after the plugin's name).
 * Unknown or failing lookups give no candidates, never an error the shell would print.
 */
export async function completeWords(
  commands: CommandShape[],
  globalFlags: CommandShape['flags'],
  words: string[],
  toComplete: string,
  lookups: Lookups,
): Promise<Completion> {
  const { command, positionals, namespace, pendingFlag } = scan(commands, globalFlags, words);
  const flags = command?.flags ?? globalFlags;
  if (pendingFlag !== undefined)
    return flagValue(pendingFlag, flags, toComplete, namespace, lookups);
  if (toComplete.startsWith('-'))
    return {
      items: [...flags.keys()]
        .map((f) => (f.length === 1 ? `-${f}` : `--${f}`))
        .filter((f) => f.startsWith(toComplete))
        .sort(),
      directive: directive.noFileComp,
    };
  if (command === undefined)
    return {
      items: commands
        .filter((c) => c.name.startsWith(toComplete))
        .map((c) => `${c.name}\t${c.describe}`),
      directive: directive.noFileComp,
    };
  if (positionals > 0 || command.target === undefined) return none;
  if (command.target === 'ns')
    return {
      items: (await safe(lookups.namespaces()))
        .map((n) => `ns/${n}`)
        .filter((n) => n.startsWith(toComplete)),
      directive: directive.noFileComp,
    };
  return completeRef(refTypes[command.name] ?? [], toComplete, namespace, lookups);
}

/** The command, how many positionals follow it, `-n`, and a flag still waiting for its value. */
function scan(commands: CommandShape[], globalFlags: CommandShape['flags'], words: string[]) {
  let command: CommandShape | undefined;
  let positionals = 0;
  let namespace: string | undefined;
  let pendingFlag: string | undefined;
  for (const w of words) {
    if (pendingFlag !== undefined) {
      if (pendingFlag === 'namespace' || pendingFlag === 'n') namespace = w;
      pendingFlag = undefined;
      continue;
    }
    if (w.startsWith('-')) {
      const [name = '', value] = w.replace(/^-+/, '').split('=', 2);
      const flag = (command?.flags ?? globalFlags).get(name);
      if (flag?.value && value === undefined) pendingFlag = name;
      if ((name === 'namespace' || name === 'n') && value !== undefined) namespace = value;
      continue;
    }
    if (command === undefined) command = commands.find((c) => c.name === w);
    else positionals++;
  }
  return { command, positionals, namespace, pendingFlag };
}

async function flagValue(
  flag: string,
  flags: CommandShape['flags'],
  toComplete: string,
  namespace: string | undefined,
  lookups: Lookups,
): Promise<Completion> {
  if (fileFlags.has(flag)) return { items: [], directive: 0 };
  const starts = (items: string[]) => items.filter((i) => i.startsWith(toComplete));
  const choices = flags.get(flag)?.choices;
  if (choices) return { items: starts(choices), directive: directive.noFileComp };
  switch (flag) {
    case 'output':
    case 'o':
      return { items: starts(outputs), directive: directive.noFileComp };
    case 'namespace':
    case 'n':
    case 'volsync-namespace':
      return { items: starts(await safe(lookups.namespaces())), directive: directive.noFileComp };
    case 'context':
      return { items: starts(lookups.contexts()), directive: directive.noFileComp };
    case 'scoped':
      return completeRef(['rs', 'rd'], toComplete, namespace, lookups);
    default:
      return none;
  }
}

/** `TYPE/` first (no space after it), then the names of that type. */
async function completeRef(
  types: string[],
  toComplete: string,
  namespace: string | undefined,
  lookups: Lookups,
): Promise<Completion> {
  // --scoped takes a comma-separated list: complete its last element
  const head = toComplete.slice(0, toComplete.lastIndexOf(',') + 1);
  const last = toComplete.slice(head.length);
  const slash = last.indexOf('/');
  if (slash < 0)
    return {
      items: types.map((t) => `${head}${t}/`).filter((t) => t.startsWith(toComplete)),
      directive: directive.noFileComp | directive.noSpace,
    };
  const type = last.slice(0, slash);
  if (!types.includes(type)) return none;
  const names = await safe(lookups.names(type, namespace));
  return {
    items: names.map((n) => `${head}${type}/${n}`).filter((n) => n.startsWith(toComplete)),
    directive: directive.noFileComp,
  };
}

const safe = (p: Promise<string[]>) => p.catch(() => [] as string[]);

/** The protocol's text: candidates, then the directive. */
export const renderCompletion = (c: Completion) =>
  `${c.items.map((i) => `${i}\n`).join('')}:${c.directive}\n`;
