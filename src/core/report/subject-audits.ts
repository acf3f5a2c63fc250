import { resolveForecast, type SubjectForecast } from '../storage/forecast.js';
import type { RecordedAudit } from '../storage/storage-facts.js';
import type { Snapshot } from '../snapshot.js';
import { resolveAllMovers, type SubjectRef } from './resolve-report.js';
import { findStorageSubjects } from './storage-subjects.js';
import { subjectContext } from './subjects.js';

/** A recorded audit of a storage a subject mounts, with what that subject can do with its files. */
export interface SubjectAudit {
  audit: RecordedAudit;
  forecast: SubjectForecast | undefined;
}

/**
 * The audits recorded for the storages a mover or KopiaMaintenance mounts (its repository, its
 * data volume), each with the subject's own access forecast over the files found there.
 */
export function resolveSubjectAudits(snapshot: Snapshot, ref: SubjectRef): SubjectAudit[] {
  const audits = snapshot.storage?.audits ?? [];
  if (audits.length === 0) return [];
  const ctx = subjectContext(snapshot);
  const movers = resolveAllMovers(ctx);
  const id = `${ref.kind}/${ref.namespace}/${ref.name}`;
  const out: SubjectAudit[] = [];
  for (const audit of audits) {
    const on = findStorageSubjects(ctx, movers, audit.key).find((s) => s.ref === id);
    if (on) out.push({ audit, forecast: resolveForecast([on], audit.summary.classes)[0] });
  }
  return out;
}
