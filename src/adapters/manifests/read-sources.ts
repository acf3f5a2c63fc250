import { execFile } from 'node:child_process';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InputError } from '../../errors.js';
import { parseYamlText, type ParseResult } from './parse-yaml.js';
import { readManifestStream } from './read-stream.js';

const manifestFile = /\.(ya?ml|json)$/i;

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile() && manifestFile.test(e.name)) out.push(p);
  }
  return out;
}

/**
 * Files up to this size are parsed whole (one parser call, no line splitting); larger ones, such as
 * a saved `kubectl get -A -o yaml`, are streamed so memory stays bounded.
 */
const wholeFileBytes = 8 * 1024 * 1024;

// Synchronous on purpose: thousands of small files read one by one would otherwise wait on the
// thread pool for each stat and read, longer than parsing them takes.
async function readManifestFile(f: string, out: ParseResult): Promise<void> {
  let text;
  try {
    if (statSync(f).size > wholeFileBytes) {
      await readManifestStream(createReadStream(f), f, out);
      return;
    }
    text = readFileSync(f, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(
      `${f}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)}); check the path and permissions`,
    );
  }
  parseYamlText(text, f, 1, out);
}

/** Reads `-f` arguments: files, directories (recursive, *.yaml|*.yml|*.json) and `-` for stdin. */
export async function readFilenames(
  names: string[],
  stdin: Readable,
  out: ParseResult,
): Promise<void> {
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
    const files = st.isDirectory() ? await walk(name) : [name];
    for (const f of files) await readManifestFile(f, out);
  }
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
