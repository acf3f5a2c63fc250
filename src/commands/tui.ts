import { UsageError } from '../errors.js';
import { onTerminal, write, type Deps } from './deps.js';
import { completeScope } from './explain.js';
import { colorEnabled, type GlobalArgs } from './global-options.js';
import { openSource, validateSource } from './source.js';

export interface TuiArgs extends GlobalArgs {
  target?: string;
}

/** How the TUI names its source, and the flags that select the same source on the CLI. */
function sourceOf(a: TuiArgs): { label: string; flags: string[] } {
  if (a.demo) return { label: '--demo', flags: ['--demo'] };
  if (a.flux !== undefined) return { label: `--flux ${a.flux}`, flags: ['--flux', a.flux] };
  if (a.kustomize !== undefined) return { label: `-k ${a.kustomize}`, flags: ['-k', a.kustomize] };
  if (a.filename.length > 0)
    return { label: `-f ${a.filename.join(',')}`, flags: a.filename.flatMap((f) => ['-f', f]) };
  const context = a.context[0];
  return context === undefined
    ? { label: 'current context', flags: [] }
    : { label: `context ${context}`, flags: ['--context', context] };
}

/**
 * `tui [ns/NAME]` (and bare `kubectl volsync-perms` on a terminal): reads every namespace of the
 * source once, then browses it. Ink and React are loaded here only, never by the other commands.
 */
export async function runTuiCommand(a: TuiArgs, deps: Deps): Promise<number> {
  const { stdin, stdout } = deps;
  if (!onTerminal(deps))
    throw new UsageError(
      'tui needs a terminal on stdin and stdout; for a report use kubectl volsync-perms explain -A (or -o json)',
    );
  validateSource(a);
  if (a['all-contexts'] || a.context.length > 1)
    throw new UsageError('tui browses one cluster: pass one --context');
  const source = await openSource(a, deps);
  const scope = a.target === undefined ? undefined : completeScope(a, source.defaultNamespace);
  const snapshot = await source.read({ all: true });
  const { startTui } = await import('../tui/start.js');
  return startTui(snapshot, sourceOf(a), {
    stdin,
    stdout,
    color: colorEnabled(a, deps),
    ...(scope && !scope.all && { namespace: scope.namespace }),
    // OSC 52: the terminal puts the text on the clipboard, where it allows that
    onCopy: (text) => {
      write(deps.stdout, `\u001b]52;c;${Buffer.from(text).toString('base64')}\u0007`);
    },
  });
}
