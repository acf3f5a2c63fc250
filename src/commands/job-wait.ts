import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterWrites } from '../adapters/cluster/writes.js';
import { jobState } from '../core/plans/job-state.js';
import { CliError, exitCodes } from '../errors.js';
import type { Deps } from './deps.js';

const pollMs = 1_000;

/**
 * Polls the Job until it ends, streaming its pod's log to stderr as progress once the pod exists
 * and renewing the relaxation lease; Ctrl-C and --timeout end it early.
 */
export async function waitForJob(
  deps: Deps,
  api: ClusterWrites,
  job: { ns: string; name: string; uid: string },
  o: {
    timeoutMs: number;
    /** How the timeout reads in the error: the flag's value, or "its deadline". */
    timeoutText: string;
    verbose: boolean;
    signal: AbortSignal | undefined;
    /** Called every `everyMs` while waiting (the relaxation lease). */
    renew?: { everyMs: number; run: () => Promise<void> };
    /** Which log lines are progress for stderr (default: all of them). */
    shows?: (line: string) => boolean;
    /** What a failed Job's log says, for the error (e.g. how many files could not be changed). */
    failure?: (log: string) => string;
    /** The command to run again, for the error when the Job is deleted meanwhile. */
    rerun: string;
  },
): Promise<{ log: string | undefined } | number> {
  const { ns, name, uid } = job;
  const { signal } = o;
  const started = Date.now();
  let renewed = started;
  const log = new LogFollower(deps, api, ns, name, uid, o.verbose, o.shows ?? (() => true));
  try {
    for (;;) {
      if (signal?.aborted) {
        await api.deleteJob(ns, name);
        deps.stderr.write(`Interrupted: deleted Job ${ns}/${name}\n`);
        return exitCodes.interrupted;
      }
      if (Date.now() - started > o.timeoutMs) {
        await api.deleteJob(ns, name);
        throw new CliError(
          `Job ${ns}/${name}: did not finish within ${o.timeoutText}; deleted it. Raise --timeout, or check why its pod does not run (kubectl describe job ${name} -n ${ns})`,
          exitCodes.cluster,
        );
      }
      const current = await api.readJob(ns, name);
      if (!current)
        throw new CliError(
          `Job ${ns}/${name}: deleted while the tool waited for it; run ${o.rerun} again`,
          exitCodes.cluster,
        );
      const state = jobState(current);
      if (state.phase !== 'running')
        return { log: await finish(api, ns, name, state, await log.all(), o.failure) };
      await log.start();
      if (o.renew && Date.now() - renewed >= o.renew.everyMs) {
        renewed = Date.now();
        await o.renew.run();
      }
      await sleep(pollMs, undefined, signal ? { signal } : {}).catch(() => undefined);
    }
  } finally {
    log.stop();
  }
}

/** The Job pod's log on stderr as it is written; what the stream missed is read at the end. */
class LogFollower {
  private text = '';
  private following: Promise<boolean> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly deps: Deps,
    private readonly api: ClusterWrites,
    private readonly ns: string,
    private readonly job: string,
    private readonly uid: string,
    private readonly verbose: boolean,
    private readonly shows: (line: string) => boolean,
  ) {}

  private echo(text: string): void {
    const shown = text
      .split(/(?<=\n)/)
      .filter((l) => this.shows(l))
      .join('');
    if (shown !== '') this.deps.stderr.write(shown);
  }

  /** Starts following once the job controller has created the pod. */
  async start(): Promise<void> {
    if (this.following) return;
    const pod = await this.api.readJobPodName(this.ns, this.job, this.uid);
    if (pod === undefined) return;
    if (this.verbose) this.deps.stderr.write(`I following the log of Pod ${this.ns}/${pod}\n`);
    this.following = this.api.followPodLog(
      this.ns,
      pod,
      (chunk) => {
        this.text += chunk;
        this.echo(chunk);
      },
      this.abort.signal,
    );
  }

  /** The whole log: the stream's, once it ends (briefly awaited), else read in one request. */
  async all(): Promise<string | undefined> {
    if (this.following) await Promise.race([this.following, sleep(2000)]);
    if (this.text !== '') return this.text;
    const log = await this.api.readJobLog(this.ns, this.job, this.uid);
    if (log !== undefined) this.echo(log.endsWith('\n') ? log : `${log}\n`);
    return log;
  }

  stop(): void {
    this.abort.abort();
  }
}

/** The Job's log; a failed Job is kept for inspection, a succeeded one deleted. */
async function finish(
  api: ClusterWrites,
  ns: string,
  name: string,
  state: ReturnType<typeof jobState>,
  log: string | undefined,
  failure: ((log: string) => string) | undefined,
): Promise<string | undefined> {
  if (state.phase === 'failed') {
    const said = log === undefined || !failure ? '' : failure(log);
    throw new CliError(
      `Job ${ns}/${name}: failed (${state.reason})${said === '' ? '' : `: ${said}`}; it is kept for inspection: kubectl describe job ${name} -n ${ns}`,
      exitCodes.cluster,
    );
  }
  await api.deleteJob(ns, name);
  return log;
}
