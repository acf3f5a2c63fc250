import type { PolicyApis } from '../core/snapshot.js';

/** --policy-api: what the target cluster of -f/-k/--demo serves (ValidatingAdmissionPolicy is v1 from 1.30). */
export const policyApiFlag: Record<string, PolicyApis> = {
  v1: { mutating: 'v1', validating: 'v1' },
  v1beta1: { mutating: 'v1beta1', validating: 'v1' },
  none: { mutating: null, validating: 'v1' },
};
