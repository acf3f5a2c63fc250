import { render } from 'ink';
import { App } from './App.js';
import type { TuiData } from './data.js';
import { initialState } from './state.js';

/**
 * Runs the TUI on a terminal until the user quits, in the alternate screen so the terminal is
 * restored as it was. Ctrl-C is a key here (quit), not a signal: stdin is in raw mode.
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
  await app.waitUntilExit();
  return 0;
}
