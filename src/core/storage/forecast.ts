import type { StorageActor } from '../identity/layers/storage.js';
import { mayAccess, type Actor, type FileMeta } from './access.js';
import type { AuditClass } from './audit-summary.js';
import type { SquashMode } from './nfs-squash.js';

/** Who mounts the audited storage, with the identity it presents there. */
export interface StorageSubject {
  /** `Kind/namespace/name`. */
  ref: string;
  /** e.g. `mover`, `KopiaMaintenance`, `workload`. */
  role: string;
  /** The identity the process has, `uid:gid`, for the message. */
  identity: string;
  actors: readonly StorageActor[];
}

/** What one subject can do with one class of files: true, false, or null (depends on what). */
export interface ClassAccess {
  read: boolean | null;
  write: boolean | null;
}

/** Files of some classes summed up. */
export interface ClassTotal {
  classes: AuditClass[];
  count: number;
  bytes: number;
}

export interface SubjectForecast {
  subject: StorageSubject;
  cannotRead: ClassTotal;
  cannotWrite: ClassTotal;
  /** Classes whose verdict depends on an unknown fact, and on what. */
  unknown: ClassTotal & { dependsOn: string[] };
}

/**
 * The container runtimes' default capabilities hold DAC_OVERRIDE (k8s-identity §5.1): a root
 * container that does not drop ALL reads everything on local storage with either runtime.
 */
const runtimeDefaultCaps = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'SETGID', 'SETUID'];

/** Reading a directory means listing and entering it; writing means creating entries in it. */
function verdict(a: Actor, f: FileMeta, want: 'read' | 'write'): boolean {
  if (f.type === 'd') return mayAccess(a, f, want) && mayAccess(a, f, 'execute');
  return mayAccess(a, f, want);
}

interface Case {
  actor: Actor;
  assumes: SquashMode | null;
  capsUnknown: boolean;
}

function cases(s: StorageSubject): Case[] {
  return s.actors.flatMap((x): Case[] =>
    x.capabilitiesKnown
      ? [{ actor: x.actor, assumes: x.assumes, capsUnknown: false }]
      : [
          { actor: { ...x.actor, capabilities: [] }, assumes: x.assumes, capsUnknown: true },
          {
            actor: { ...x.actor, capabilities: runtimeDefaultCaps },
            assumes: x.assumes,
            capsUnknown: true,
          },
        ],
  );
}

/**
 * Whether a subject can read and write a class of files, over every case its identity on the
 * storage may be (one per possible squash mode, and with or without the runtime's default
 * capabilities when they are not known): known only when every case agrees.
 */
export function resolveClassAccess(
  s: StorageSubject,
  c: AuditClass,
): ClassAccess & { dependsOn: string[] } {
  const all = cases(s);
  if (all.length === 0) return { read: null, write: null, dependsOn: ['its identity'] };
  const f: FileMeta = { type: c.type, uid: c.uid, gid: c.gid, perm: c.perm };
  const agree = (want: 'read' | 'write') => {
    const r = all.map((k) => verdict(k.actor, f, want));
    return r.every((x) => x === r[0]) ? (r[0] ?? null) : null;
  };
  const read = agree('read');
  const write = agree('write');
  const dependsOn: string[] = [];
  if (read === null || write === null) {
    if (all.some((k) => k.assumes !== null)) dependsOn.push("the NFS export's squash mode");
    if (all.some((k) => k.capsUnknown))
      dependsOn.push("the container runtime's default capabilities");
  }
  return { read, write, dependsOn };
}

const empty = (): ClassTotal => ({ classes: [], count: 0, bytes: 0 });
const add = (t: ClassTotal, c: AuditClass) => {
  t.classes.push(c);
  t.count += c.count;
  t.bytes += c.bytes;
};

/**
 * The access forecast: for every subject that mounts the storage, the classes of files (regular
 * files and directories; symlinks and special files carry no access of their own) it cannot read
 * or cannot write, and those it may not, with what that depends on.
 */
export function resolveForecast(
  subjects: readonly StorageSubject[],
  classes: readonly AuditClass[],
): SubjectForecast[] {
  return subjects.map((subject) => {
    const out: SubjectForecast = {
      subject,
      cannotRead: empty(),
      cannotWrite: empty(),
      unknown: { ...empty(), dependsOn: [] },
    };
    for (const c of classes) {
      if (c.type !== 'f' && c.type !== 'd') continue;
      const v = resolveClassAccess(subject, c);
      if (v.read === false) add(out.cannotRead, c);
      if (v.write === false) add(out.cannotWrite, c);
      if (v.read === null || v.write === null) {
        add(out.unknown, c);
        for (const d of v.dependsOn)
          if (!out.unknown.dependsOn.includes(d)) out.unknown.dependsOn.push(d);
      }
    }
    return out;
  });
}
