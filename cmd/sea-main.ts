import { getAsset } from 'node:sea';
import { constants, Script } from 'node:vm';
import { answeredAlone } from '../src/version-alone.js';

// The standalone executable's entry (npm run release). A SEA runs one script and must compile
// all of it before the first line runs: ~50 ms for the whole CLI. So this small script answers
// `version` alone, and only otherwise compiles the CLI, embedded as an asset, with the V8 code
// cache the release build made for it (linux/amd64 only: a cache is valid for the V8 and
// platform that made it; elsewhere V8 compiles as usual).
declare const require: NodeJS.Require;

if (!answeredAlone(process.argv.slice(2))) {
  let cachedData: Buffer | undefined;
  try {
    cachedData = Buffer.from(getAsset('cli.cache'));
  } catch {
    cachedData = undefined;
  }
  // the TUI is an ES module the CLI imports from a data: URL: it needs the default ESM loader,
  // whose experimental warning would land in every run's output
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = (warning: string | Error, ...rest: never[]) => {
    if (!String(warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) emitWarning(warning, ...rest);
  };
  const cli = new Script(getAsset('cli.cjs', 'utf8'), {
    filename: 'kubectl-volsync_perms.cjs',
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    ...(cachedData && { cachedData }),
  });
  (cli.runInThisContext() as (req: NodeJS.Require) => void)(require);
}
