import { runCli } from '../src/cli.js';

// kubectl runs the plugin with whatever `node` is first on PATH; the cluster and registry clients
// need Node 22 (package.json engines), and fail obscurely on older ones.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `error: node ${process.version}: kubectl-volsync_perms needs Node.js 22 or newer; put a newer node first on PATH\n`,
  );
  process.exit(7);
}

// Ctrl-C exits at once, unless a command holds the interrupt to undo what it changed first (a
// second Ctrl-C still exits).
const interrupt = new AbortController();
let holders = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    if (holders === 0 || interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  });
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  interrupt: {
    signal: interrupt.signal,
    hold: () => {
      holders++;
      return () => {
        holders--;
      };
    },
  },
});
process.exitCode = code;
