// Loaded by the entry (kubectl-volsync_perms.ts) once it has checked the Node version and that
// the command is not `version`, which it answers itself.
const args = process.argv.slice(2);
// no top-level await: the standalone executable runs this bundle as a CommonJS function
void main();

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
