import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { demoSnapshot } from '../adapters/manifests/demo-snapshot.js';
import { App } from './App.js';
import { tuiData } from './data.js';
import { initialState } from './state.js';

const snapshot = demoSnapshot();
const data = tuiData(snapshot, '--demo', ['--demo']);
const key = { enter: '\r', esc: '\u001b', down: '\u001b[B' };

/** The app at 80x24 after `inputs`, each one write to stdin (one key, or several in one read). */
async function frameAfter(inputs: string[], o: { namespace?: string; copied?: string[] } = {}) {
  const app = render(
    <App
      data={data}
      initial={initialState(o.namespace)}
      size={{ columns: 80, rows: 24 }}
      color={false}
      onCopy={(t) => o.copied?.push(t)}
    />,
  );
  for (const i of [...inputs, '']) {
    if (i !== '') app.stdin.write(i);
    await new Promise((r) => setTimeout(r, 30));
  }
  const frame = app.lastFrame() ?? '';
  app.unmount();
  return frame;
}

const golden = (name: string) => `../../test/golden/tui/${name}.txt`;

describe('TUI frames at 80x24 (the demo, no colour)', () => {
  it.each<[string, string[], string?]>([
    ['namespaces', []],
    ['namespaces-filtered', ['/', 's', 't', key.enter]],
    ['namespaces-sorted-by-finding', ['s']],
    ['movers-default', [key.enter]],
    ['detail-bookstack', [key.enter, '/', 'rs/bookstack', key.enter, key.enter]],
    [
      'detail-bookstack-what-if-annotation',
      [key.enter, '/', 'rs/bookstack', key.enter, key.enter, 'a'],
    ],
    [
      'detail-bookstack-what-if-run-as-user',
      [key.enter, 'a', 'u', '5', '6', '8', key.enter],
      'default',
    ],
    // the incident's root mover as kubectl kopiur migrate volsync would leave it
    ['detail-bookstack-what-if-migrate-kopiur', [key.enter, 'm'], 'default'],
    // a restore target: the destination's context is lost
    ['detail-jellyfin-dst-what-if-migrate-kopiur', [key.enter, 'm'], 'media'],
    ['detail-scrolled-to-the-findings', [key.enter, 'G'], 'default'],
    ['help', ['?']],
    ['fix-job', [key.enter, 'f'], 'default'],
    ['annotate-scoped-preview', [key.enter, 'p'], 'default'],
    ['movers-storage', [key.down, key.down, key.down, key.enter]],
    // the demo's recorded audit of the shared repository, and what the maintenance meets there
    ['detail-audit-of-the-repository', [key.enter, 'G'], 'storage'],
  ])('%s', async (name, inputs, namespace) => {
    const frame = await frameAfter(inputs, namespace === undefined ? {} : { namespace });
    await expect(frame).toMatchFileSnapshot(golden(name));
  });

  // Terminals deliver a read at a time, and a read holds every key since the last one (a paste,
  // fast typing, tmux send-keys): each string below is ONE write, and the frame is the one the
  // same keys give typed one at a time.
  it.each<[string, string[], string, string?]>([
    ['/ then a name and Enter', ['/st\r'], 'namespaces-filtered'],
    ['Esc then / (Esc is not Alt+/)', ['\u001b/st\r'], 'namespaces-filtered', 'default'],
    ['a lone Esc at the end of a read', ['/xyz\u001b'], 'namespaces'],
    ['arrows and Enter', ['\u001b[B\u001b[B\u001b[B\r'], 'movers-storage'],
    [
      'Enter Enter: the second opens a row of the list the first opened',
      ['\r\r'],
      'detail-bookstack',
    ],
    ['a filter, then Enter twice', ['\r/rs/bookstack\r\r'], 'detail-bookstack'],
    ['u, digits, Enter', ['\rau568\r'], 'detail-bookstack-what-if-run-as-user', 'default'],
    ['a bracketed paste into the filter', ['/\u001b[200~st\r\u001b[201~\r'], 'namespaces-filtered'],
    [
      'a bracketed paste split over two reads',
      ['/\u001b[200~s', 't\u001b[201~\r'],
      'namespaces-filtered',
    ],
    ['an arrow split over two reads', ['\u001b[', 'B\u001b[', 'B\u001b[B\r'], 'movers-storage'],
    ['a pasted q and Esc, not commands', ['\u001b[200~q\u001b\u001b[201~'], 'namespaces'],
  ])('several keys in one read: %s', async (_name, writes, frameOf, namespace) => {
    const frame = await frameAfter(writes, namespace === undefined ? {} : { namespace });
    await expect(frame).toMatchFileSnapshot(golden(frameOf));
  });

  it('c shows the equivalent command and copies it', async () => {
    const copied: string[] = [];
    const frame = await frameAfter([key.enter, 'c'], { namespace: 'default', copied });
    expect(copied).toEqual(['kubectl volsync-perms effective-uid rs/bookstack -n default --demo']);
    expect(frame).toContain('kubectl volsync-perms effective-uid rs/bookstack -n default --demo');
  });

  it('follows the terminal size: at 60x12 the list and the columns shrink', async () => {
    const app = render(
      <App
        data={data}
        initial={initialState('default')}
        size={{ columns: 60, rows: 12 }}
        color={false}
      />,
    );
    await new Promise((r) => setTimeout(r, 30));
    const frame = app.lastFrame() ?? '';
    app.unmount();
    expect(Math.max(...frame.split('\n').map((l) => l.length))).toBeLessThanOrEqual(60);
    await expect(frame).toMatchFileSnapshot(golden('movers-default-60x12'));
  });
});
