import type { Finding } from '../report/types.js';
import { findAnnotationMistakes, findAnnotationOverrides } from './annotation.js';
import type { Emission, FindingContext } from './context.js';
import { findCreatedWorkloadDrift } from './created-workloads.js';
import { findVersionDisagreement } from './version-disagreement.js';
import { findImageAndCapabilities } from './image-and-caps.js';
import { findKopiurPitfalls } from './kopiur.js';
import { findObservedDifferences } from './observed.js';
import { findRelaxedPodSecurity } from './relaxed.js';
import { findUnrenderedNamespaces, findUnusedVariables } from './repository.js';
import { findScopeEscapes } from './scope.js';
import { findStaleGrants } from './stale-grants.js';
import { findRootWriters } from './root-writers.js';
import { findSharedRepositories } from './shared-repository.js';
import { findStartFailures } from './start-failures.js';
import { findSquashedRoot, findUnreadableAudited, findUnreadableDatabase } from './storage.js';
import { findNfsFsGroup, findWorkloadMismatch } from './volumes.js';
import { textOrder } from '../text-order.js';

const rules: ((ctx: FindingContext) => Emission[])[] = [
  findAnnotationOverrides,
  findAnnotationMistakes,
  findRootWriters,
  findSharedRepositories,
  findStartFailures,
  findNfsFsGroup,
  findWorkloadMismatch,
  findImageAndCapabilities,
  findObservedDifferences,
  findCreatedWorkloadDrift,
  findVersionDisagreement,
  findKopiurPitfalls,
  findStaleGrants,
  findScopeEscapes,
  findRelaxedPodSecurity,
  findUnusedVariables,
  findUnrenderedNamespaces,
  findSquashedRoot,
  findUnreadableAudited,
  findUnreadableDatabase,
];

/** Runs every rule and attaches each finding to its subjects, in code order, without duplicates. */
export function attachFindings(ctx: FindingContext): void {
  for (const rule of rules)
    for (const e of rule(ctx))
      for (const s of e.to)
        if (!s.subject.findings.some((f) => same(f, e.finding))) s.subject.findings.push(e.finding);
  for (const s of ctx.subjects) s.subject.findings.sort((a, b) => textOrder(a.code, b.code));
}

const same = (a: Finding, b: Finding) => a.code === b.code && a.message === b.message;
