import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../src/cli.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process with captured streams, no colour and a fixed environment; `--offline`
 * is added so that output never depends on reaching a public registry (registry tests pass
 * `online`).
 */
export async function runCliCaptured(
  argv: string[],
  stdin = '',
  env: Record<string, string> = {},
  online = false,
): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on('data', (b: Buffer) => chunks.out.push(b));
  err.on('data', (b: Buffer) => chunks.err.push(b));
  const code = await runCli(online ? argv : [...argv, '--offline'], {
    stdout: out,
    stderr: err,
    stdin: Readable.from([stdin]),
    env: { NO_COLOR: '1', ...env },
  });
  return {
    code,
    stdout: Buffer.concat(chunks.out).toString(),
    stderr: Buffer.concat(chunks.err).toString(),
  };
}

export const golden = (r: CliResult) =>
  `exit: ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

/** Where SARIF output puts the first result of a rule: its file and line. */
export function sarifLocation(
  sarif: string,
  ruleId: string,
): { uri: string; line: number } | undefined {
  const results = (
    JSON.parse(sarif) as {
      runs: {
        results: {
          ruleId: string;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
        }[];
      }[];
    }
  ).runs[0]?.results;
  const at = results?.find((x) => x.ruleId === ruleId)?.locations[0]?.physicalLocation;
  return at && { uri: at.artifactLocation.uri, line: at.region.startLine };
}
