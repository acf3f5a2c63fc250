// Keypress to frame in the TUI, on a namespace of N movers (bench/tui.mjs bundles and runs it).
import { render } from 'ink-testing-library';
import { App } from '../src/tui/App.js';
import { tuiData } from '../src/tui/data.js';
import { initialState } from '../src/tui/state.js';
import { offlineSnapshot } from '../src/core/snapshot.js';
import { defaultMoverImages, knownImages } from '../src/core/identity/known-images.js';
import type { KubeObject } from '../src/core/k8s/object.js';

function snapshotOf(movers: number) {
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'big', annotations: { 'volsync.backube/privileged-movers': 'true' } },
    },
  ];
  for (let i = 0; i < movers; i++)
    objects.push({
      apiVersion: 'volsync.backube/v1alpha1',
      kind: 'ReplicationSource',
      metadata: { name: `app-${String(i).padStart(5, '0')}`, namespace: 'big' },
      spec: {
        sourcePVC: `data-${i}`,
        restic: {
          repository: `repo-${i}`,
          moverSecurityContext: { runAsUser: 1000 + (i % 7), runAsGroup: 1000 },
        },
      },
    });
  return offlineSnapshot(objects, [], knownImages, defaultMoverImages);
}

const tick = () => new Promise((r) => setImmediate(r));

/** Milliseconds from each key to the frame it produces: setup time, and per-key times. */
export async function measure(
  movers: number,
  keys: number,
): Promise<{ setup: number; times: number[] }> {
  const t0 = performance.now();
  const data = tuiData(snapshotOf(movers), 'bench', []);
  const app = render(
    <App
      data={data}
      initial={initialState('big')}
      size={{ columns: 80, rows: 24 }}
      color={false}
    />,
  );
  while (!(app.lastFrame() ?? '').includes('app-00000')) await tick();
  const setup = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < keys; i++) {
    const before = app.lastFrame();
    const t = performance.now();
    // PgDn, j, PgUp, k: every key moves the cursor, half of them a whole page
    app.stdin.write(['\u001b[6~', 'j', '\u001b[5~', 'k'][i % 4] ?? 'j');
    while (app.lastFrame() === before) await tick();
    times.push(performance.now() - t);
  }
  app.unmount();
  return { setup, times };
}
