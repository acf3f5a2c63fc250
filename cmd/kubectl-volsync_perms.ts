import { enableCompileCache } from 'node:module';
import { answeredAlone } from '../src/version-alone.js';

// kubectl runs the plugin with whatever `node` is first on PATH; the cluster and registry clients
// need Node 22 (package.json engines), and fail obscurely on older ones.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `error: node ${process.version}: kubectl-volsync_perms needs Node.js 22 or newer; put a newer node first on PATH\n`,
  );
  process.exit(7);
}

// Startup is most of what a plugin costs (bench/startup.mjs): V8 keeps the compiled code of these
// modules in the OS temp dir (Node's own compile cache; NODE_DISABLE_COMPILE_CACHE=1 turns it off),
// and `version`, the one command that needs nothing else, answers before the CLI is loaded.
enableCompileCache();
const args = process.argv.slice(2);
// no top-level await: the standalone executable runs this bundle as a CommonJS function
if (!answeredAlone(args)) void main();

async function main(): Promise<void> {
  const { runCli } = await import('../src/cli.js');

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

  process.exitCode = await runCli(args, {
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
}
