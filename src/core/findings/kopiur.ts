import { kopiurPrivilegedKey } from '../kopiur/gate.js';
import { moverNonrootId } from '../kopiur/hardened.js';
import { unreadId } from '../kopiur/unknown-ids.js';
import type { ResolvedSubject } from '../report/subjects.js';
import {
  at,
  emit,
  fmtId,
  identityAt,
  subjectRef,
  type Emission,
  type FindingContext,
} from './context.js';

const dac = ['DAC_OVERRIDE', 'DAC_READ_SEARCH'];

/**
 * kopiur's own pitfalls (kopiur.md §11): the gate refusing an elevated mover, and `"True"` that
 * does not open it (VP027, §4.1); root without DAC capabilities, which kopiur never adds (VP028,
 * §0 rules 7-8); runAsUser without runAsGroup on distroless, GID 0 (VP029, §2.3); the hardened
 * fsGroup 65532 landing on a restore target (VP030, §2.4); a run kopiur holds for want of an
 * identity to inherit (VP032, §3.2, §6).
 */
export function findKopiurPitfalls(ctx: FindingContext): Emission[] {
  const out: Emission[] = [];
  for (const s of ctx.subjects) {
    const k = s.kopiur;
    const c = s.containers[0];
    if (!k || !c) continue;
    const id = c.resolution.identity;
    const ref = subjectRef(s);
    const ns = s.subject.namespace;
    const nsRef = `Namespace/${ns}`;
    const holds = held(s, ctx.snapshot.namespacesComplete);
    if (holds) out.push(holds);
    if (k.gate.permitted === false) {
      const spelled = k.gate.misspelled;
      out.push(
        emit('VP027', [s], {
          message:
            spelled !== undefined
              ? `${s.subject.kind} ${s.subject.name} is elevated (${k.elevated.join(', ')}); Namespace ${ns} has ${kopiurPrivilegedKey}: ${JSON.stringify(spelled)}, but kopiur accepts exactly "true" (case-sensitive, unlike VolSync): ${k.gate.effect.split(': ').slice(-1)[0] ?? ''}`
              : `${s.subject.kind} ${s.subject.name} is elevated (${k.elevated.join(', ')}) and Namespace ${ns} lacks ${kopiurPrivilegedKey}: kopiur refuses the run${k.job === 'maintenance' ? ' (only its log says so)' : ' (MoverPermitted=False, PrivilegedMoverNotPermitted)'}`,
          objects: [ref, nsRef],
          fix: `kubectl annotate namespace ${ns} ${kopiurPrivilegedKey}=true --overwrite (it only permits; it adds nothing to the pod), or drop what makes it elevated`,
          ...(spelled !== undefined
            ? at(ctx.index.get('Namespace', ns, ns), 'metadata', 'annotations', kopiurPrivilegedKey)
            : identityAt(s)),
        }),
      );
    }
    if (id.uid === 0 && id.capabilities !== null && !id.capabilities.some((x) => dac.includes(x)))
      out.push(capless(s, k.job === 'restore'));
    const sc = k.pod.containers[0]?.securityContext;
    const psc = k.pod.securityContext;
    if (
      id.uid !== null &&
      id.uid !== 0 &&
      id.gid === 0 &&
      sc?.runAsGroup === undefined &&
      psc?.runAsGroup === undefined
    )
      out.push(
        emit('VP029', [s], {
          message: `${s.subject.kind} ${s.subject.name} runs as UID ${id.uid} without runAsGroup: the mover image (distroless) has no /etc/passwd entry for it, so its primary GID is 0 and the files it writes are group root`,
          objects: [ref],
          fix: `set spec.mover.podSecurityContext.runAsGroup (kopiur's docs set it in every example) to the group the data should have`,
          ...identityAt(s),
        }),
      );
    const fsGroupFrom = k.folded.origins.find((o) => o.field === 'pod.fsGroup');
    const target = k.pod.volumes?.find((v) => v.name === 'source');
    if (
      k.job === 'restore' &&
      target?.claimName !== undefined &&
      psc?.fsGroup === moverNonrootId &&
      unreadId(k, 'fsGroup') === undefined &&
      fsGroupFrom?.from.startsWith('kopiur hardened') === true &&
      !c.resolution.storage?.some(
        (v) => v.volume === 'source' && v.storage.fsGroupApplied === false,
      )
    )
      out.push(
        emit('VP030', [s], {
          message: `Restore ${s.subject.name} keeps kopiur's default fsGroup ${moverNonrootId}: the kubelet re-groups PersistentVolumeClaim ${target.claimName} to ${moverNonrootId} with setgid directories on first mount, and files it restores are owned by UID ${fmtId(id.uid)} with group ${moverNonrootId}, not the app's group`,
          objects: [ref, `PersistentVolumeClaim/${ns}/${target.claimName}`],
          fix: "set spec.mover.podSecurityContext.fsGroup to the app's GID (the one its pods use)",
          ...identityAt(s),
        }),
      );
  }
  return out;
}

const heldFix: Record<string, string> = {
  MissingRecordedIdentity:
    'set spec.mover.podSecurityContext runAsUser, runAsGroup and fsGroup to the owner of the backed-up files (kopiur then falls back to them: InheritFallback), or restore a backup kopiur 0.9.0+ wrote',
  MissingDependency:
    'start the workload it inherits from, or set spec.mover.podSecurityContext runAsUser and runAsGroup (kopiur then falls back to them: InheritFallback)',
};

/**
 * VP032: the run never starts. A missing workload is a fact only of a cluster read: files may
 * leave it out (a HelmRelease); a Snapshot row without a recorded identity is one wherever read.
 */
function held(s: ResolvedSubject, clusterRead: boolean): Emission | undefined {
  const i = s.kopiur?.inherit;
  if (!i || !('effect' in i)) return undefined;
  if (i.reason === 'MissingDependency' && !clusterRead) return undefined;
  const fix = heldFix[i.reason];
  if (fix === undefined) return undefined;
  return emit('VP032', [s], {
    message: `${s.subject.kind} ${s.subject.name} does not run: ${i.effect}; the identity shown leaves out what it would inherit`,
    objects: [subjectRef(s)],
    fix,
  });
}

function capless(s: ResolvedSubject, restore: boolean): Emission {
  const pm = s.kopiur?.elevated.includes('privilegedMode: true') === true;
  return emit('VP028', [s], {
    message: `${s.subject.kind} ${s.subject.name} runs as UID 0 with no DAC capability (kopiur keeps drop [ALL] and adds none${pm ? '; privilegedMode: true only opens the gate' : ''}): it cannot read another UID's 0600/0700 files, kopia's repository blobs included${restore ? ', and cannot chown what it restores' : ''}`,
    objects: [subjectRef(s)],
    fix: restore
      ? 'run it as the owner of the data (runAsUser/runAsGroup), or add capabilities CHOWN, FOWNER and DAC_OVERRIDE to spec.mover.securityContext.capabilities.add (gated like root)'
      : 'run it as the owner of the files it backs up (runAsUser/runAsGroup), or add DAC_READ_SEARCH to spec.mover.securityContext.capabilities.add (gated like root)',
    ...identityAt(s),
  });
}
