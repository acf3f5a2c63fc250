import type * as nodeModule from 'node:module';
import { answeredAlone } from '../src/version-alone.js';
import { meetsNodeFloor, nodeFloor } from './node-floor.js';

// The entry kubectl runs, with whatever `node` is first on PATH: often older than the Node the CLI
// needs (node-floor.ts), e.g. a distribution's Node 12, 18 or 20. So the npm build makes this file
// one CommonJS file (scripts/build.mjs; node-floor.ts is bundled into it), with no import at run
// time and no syntax newer than Node 10 parses: it checks the version first, then loads the CLI,
// which is ES modules (cli-main.ts). An ES module entry fails before its first line runs: a named
// import the old Node lacks is a SyntaxError at link time (Node 20 and 22.0 have no
// enableCompileCache), and Node 12 or 16 cannot load an extensionless ES module at all.
if (!meetsNodeFloor(process.versions.node)) {
  process.stderr.write(
    `error: node ${process.version} (${process.execPath}): kubectl-volsync_perms needs Node.js ${nodeFloor.join('.')} or newer; put a newer node first on PATH\n`,
  );
  // not process.exit: a pipe to stderr is written asynchronously on macOS
  process.exitCode = 7;
} else if (!answeredAlone(process.argv.slice(2))) {
  // `version`, the one command that needs nothing else, was answered above without loading an ES
  // module: the module loader alone costs a plugin ~7 ms (bench/startup.mjs).
  // V8 keeps the compiled code of the CLI's modules in the OS temp dir (Node's own compile cache,
  // Node >= 22.1; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so it is enabled before they load.
  // No top-level await: the standalone executable runs this bundle as a CommonJS function.
  void import('node:module').then(({ enableCompileCache }: Partial<typeof nodeModule>) => {
    if (enableCompileCache) enableCompileCache();
    return import('./cli-main.js');
  });
}
