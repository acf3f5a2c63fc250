import { isObject } from './json.js';

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** A metav1.LabelSelector; an empty selector selects everything, as the API server reads it. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

const operators = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * The selector in `v`, or null when it is not one the API server would accept (an unknown
 * operator, In without values): a selector that cannot be read selects nothing we can name.
 */
export function parseLabelSelector(v: unknown): LabelSelector | null {
  if (v === undefined) return {};
  if (!isObject(v)) return null;
  const out: LabelSelector = {};
  const ml = v['matchLabels'];
  if (ml !== undefined) {
    if (!isObject(ml) || Object.values(ml).some((x) => typeof x !== 'string')) return null;
    out.matchLabels = ml as Record<string, string>;
  }
  const me = v['matchExpressions'];
  if (me !== undefined) {
    if (!Array.isArray(me)) return null;
    const reqs: LabelSelectorRequirement[] = [];
    for (const r of me as unknown[]) {
      if (!isObject(r) || typeof r['key'] !== 'string' || !operators.has(r['operator'] as string))
        return null;
      const values = r['values'];
      if (
        values !== undefined &&
        (!Array.isArray(values) || values.some((x) => typeof x !== 'string'))
      )
        return null;
      const op = r['operator'] as LabelSelectorRequirement['operator'];
      const needsValues = op === 'In' || op === 'NotIn';
      if (needsValues !== ((values as string[] | undefined)?.length ?? 0) > 0) return null;
      reqs.push({
        key: r['key'],
        operator: op,
        ...(needsValues && { values: values as string[] }),
      });
    }
    out.matchExpressions = reqs;
  }
  return out;
}

/** Whether `labels` satisfy every term of the selector (k8s.io/apimachinery labels.Selector). */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {}))
    if (labels[k] !== v) return false;
  return (selector.matchExpressions ?? []).every((r) => {
    const has = Object.hasOwn(labels, r.key);
    switch (r.operator) {
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      case 'In':
        return has && (r.values ?? []).includes(labels[r.key] as string);
      case 'NotIn':
        return !has || !(r.values ?? []).includes(labels[r.key] as string);
    }
  });
}
