import { render } from 'ink';
import { App } from './App.js';
import type { TuiData } from './data.js';
import { initialState } from './state.js';

const bracketedPaste = { on: '\u001b[?2004h', off: '\u001b[?2004l' };

/**
 * Runs the TUI on a terminal until the user quits, in the alternate screen so the terminal is
 * restored as it was. Ctrl-C is a key here (quit), not a signal: stdin is in raw mode. Pastes are
 * bracketed while it runs.
 */
export async function runTui(
  data: TuiData,
  o: {
    stdin: NodeJS.ReadableStream;
    stdout: NodeJS.WritableStream;
    color: boolean;
    namespace?: string;
    onCopy?: (text: string) => void;
  },
): Promise<number> {
  const app = render(
    <App
      data={data}
      initial={initialState(o.namespace)}
      color={o.color}
      {...(o.onCopy && { onCopy: o.onCopy })}
    />,
    {
      stdin: o.stdin,
      stdout: o.stdout,
      alternateScreen: true,
      // the command checked for a terminal; CI=true in a user's shell must not turn the view off
      interactive: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  // Bracketed paste (xterm's mode 2004) for as long as the alternate screen: the terminal marks
  // pasted text, which is then typed into the filter as text, never read as keys (split-keys.ts)
  o.stdout.write(bracketedPaste.on);
  try {
    await app.waitUntilExit();
  } finally {
    o.stdout.write(bracketedPaste.off);
  }
  return 0;
}
