import { execFile } from 'node:child_process';
import { createReadStream, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InputError } from '../../errors.js';
import { inputIsLarge, largeInputBytes } from '../large-input.js';
import { parseYamlText, type ParseResult } from './parse-yaml.js';
import { readManifestStream } from './read-stream.js';
import { textOrder } from '../../core/text-order.js';

const manifestFile = /\.(ya?ml|json)$/i;

/** Why a path under a `-f` directory was not read, in the order the note counts them. */
const notReadReasons = [
  'not .yaml/.yml/.json',
  'hidden',
  'symlinked directory',
  'not a regular file',
  'same file as another path',
  'directory loop',
  'unreadable',
] as const;
export type NotReadReason = (typeof notReadReasons)[number];

export interface NotRead {
  path: string;
  reason: NotReadReason;
  /** The errno code of an unreadable path (ENOENT for a dangling symlink, EACCES...). */
  code?: string;
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);
/** The identity of a file or directory, whatever path reaches it. */
const identity = (st: Stats) => `${st.dev}:${st.ino}`;

/**
 * The manifest files under a directory, as `kubectl apply -f DIR -R` visits them (sorted by name):
 * *.yaml, *.yml and *.json files, symlinks to files included (kubectl opens them by their name;
 * their extension is the link's); symlinks to directories are not followed (kubectl's
 * filepath.Walk does not), so no symlink loop is possible, and a directory reached twice (a bind
 * mount) is walked once. Dot-entries are not read (.git, .github, .sops.yaml). Every path not read
 * goes into `notRead`, never silently away.
 */
function walk(dir: string, notRead: NotRead[], walking: ReadonlySet<string>): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    notRead.push({ path: dir, reason: 'unreadable', code: errno(e) });
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => textOrder(a.name, b.name))) {
    const p = join(dir, e.name);
    if (e.name.startsWith('.')) {
      notRead.push({ path: p, reason: 'hidden' });
      continue;
    }
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      let target;
      try {
        target = statSync(p);
      } catch (err) {
        notRead.push({ path: p, reason: 'unreadable', code: errno(err) });
        continue;
      }
      if (target.isDirectory()) {
        notRead.push({ path: p, reason: 'symlinked directory' });
        continue;
      }
      isFile = target.isFile();
      isDir = false;
    }
    if (isDir) {
      let id;
      try {
        id = identity(statSync(p));
      } catch (err) {
        notRead.push({ path: p, reason: 'unreadable', code: errno(err) });
        continue;
      }
      if (walking.has(id)) notRead.push({ path: p, reason: 'directory loop' });
      else out.push(...walk(p, notRead, new Set([...walking, id])));
    } else if (!manifestFile.test(e.name))
      notRead.push({ path: p, reason: 'not .yaml/.yml/.json' });
    else if (!isFile) notRead.push({ path: p, reason: 'not a regular file' });
    else out.push(p);
  }
  return out;
}

/**
 * Files up to this size are parsed whole (one parser call, no line splitting); larger ones, such as
 * a saved `kubectl get -A -o yaml`, are streamed so memory stays bounded.
 */
const wholeFileBytes = 8 * 1024 * 1024;

// Synchronous on purpose, like the walk: thousands of small files and directories read one by one
// would otherwise wait on the thread pool for each readdir, stat and read, longer than parsing
// them takes. An I/O failure is thrown as it comes (an errno error), a malformed manifest as an
// InputError.
let bytesRead = 0;

async function readManifestFile(f: string, st: Stats, out: ParseResult): Promise<void> {
  bytesRead += st.size;
  if (bytesRead > largeInputBytes) inputIsLarge();
  if (st.size > wholeFileBytes) {
    await readManifestStream(createReadStream(f), f, out);
    return;
  }
  parseYamlText(readFileSync(f, 'utf8'), f, 1, out);
}

/**
 * Reads `-f` arguments: files, directories (recursive, *.yaml|*.yml|*.json, see walk) and `-` for
 * stdin; a file reached by two paths (a symlink beside its target) is read once. A named file that
 * cannot be read is an error; what a directory holds and cannot be read is returned, with every
 * other path of it not read, for one note (notReadNote).
 */
export async function readFilenames(
  names: string[],
  stdin: Readable,
  out: ParseResult,
): Promise<NotRead[]> {
  const notRead: NotRead[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '-') {
      await readManifestStream(stdin, '<stdin>', out);
      continue;
    }
    let st;
    try {
      st = await stat(name);
    } catch {
      throw new InputError(`${name}: no such file or directory; check the -f path`);
    }
    if (!st.isDirectory()) {
      if (seen.has(identity(st))) continue;
      seen.add(identity(st));
      try {
        await readManifestFile(name, st, out);
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(`${name}: cannot read (${errno(e)}); check the path and permissions`);
      }
      continue;
    }
    for (const f of walk(name, notRead, new Set([identity(st)]))) {
      try {
        const fst = statSync(f);
        if (seen.has(identity(fst))) {
          notRead.push({ path: f, reason: 'same file as another path' });
          continue;
        }
        seen.add(identity(fst));
        await readManifestFile(f, fst, out);
      } catch (e) {
        if (e instanceof InputError) throw e;
        notRead.push({ path: f, reason: 'unreadable', code: errno(e) });
      }
    }
  }
  return notRead;
}

const hints: Partial<Record<NotReadReason, string>> = {
  'symlinked directory': 'kubectl apply -f does not follow them either; pass one with its own -f',
};

/**
 * The stderr lines for what `-f` directories held and was not read: one warning counting them by
 * reason (none when all was read); `verbose` (-v) adds one line per path.
 */
export function notReadNote(notRead: NotRead[], verbose: boolean): string[] {
  if (notRead.length === 0) return [];
  const counts = new Map<NotReadReason, { n: number; codes: Set<string> }>();
  for (const x of notRead) {
    const c = counts.get(x.reason) ?? { n: 0, codes: new Set<string>() };
    c.n++;
    if (x.code) c.codes.add(x.code);
    counts.set(x.reason, c);
  }
  const parts = [...counts]
    .sort(([a], [b]) => notReadReasons.indexOf(a) - notReadReasons.indexOf(b))
    .map(([reason, c]) => {
      const why = [...c.codes, ...(hints[reason] ? [hints[reason]] : [])].join('; ');
      return `${c.n} ${reason}${why ? ` (${why})` : ''}`;
    });
  const n = notRead.length;
  return [
    `warning: -f: ${n} ${n === 1 ? 'path' : 'paths'} under the directories not read: ${parts.join(', ')}${verbose ? '' : '; -v names them'}`,
    ...(verbose
      ? notRead.map((x) => `I -f: not read: ${x.path}: ${x.reason}${x.code ? ` (${x.code})` : ''}`)
      : []),
  ];
}

/** Renders a kustomization with the real `kubectl kustomize` and reads its output. */
export async function readKustomize(
  dir: string,
  out: ParseResult,
  kubectl = 'kubectl',
): Promise<void> {
  const text = await new Promise<string>((resolve, reject) => {
    execFile(
      kubectl,
      ['kustomize', dir],
      { maxBuffer: 512 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) {
          resolve(stdout);
          return;
        }
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(
            new InputError(
              `-k ${dir}: kubectl is not on PATH; install kubectl, or render with kustomize and pass the output to -f -`,
            ),
          );
          return;
        }
        const first = stderr.trim().split('\n')[0] ?? err.message;
        reject(
          new InputError(`-k ${dir}: kubectl kustomize failed: ${first}; fix the kustomization`),
        );
      },
    );
  });
  await readManifestStream(Readable.from([text]), `kustomize:${dir}`, out);
}
