import { dump } from 'js-yaml';
import type { TraceStep } from '../core/identity/trace.js';
import type { Report, Subject } from '../core/report/types.js';

type ContractSubject = ReturnType<typeof subjectContract<TraceStep[]>>;

/**
 * A trace step as the contract has it. A report shares equal steps (shared-steps.ts: 340,000 steps
 * of 20,000 generated movers are a few thousand objects), so each is made once, not per mover.
 */
const stepContracts = new WeakMap<TraceStep, TraceStep>();
function stepContract(t: TraceStep): TraceStep {
  let c = stepContracts.get(t);
  if (!c) {
    c = { layer: t.layer, field: t.field, value: t.value, effect: t.effect, source: t.source };
    stepContracts.set(t, c);
  }
  return c;
}

const traceContract = (steps: TraceStep[]) => steps.map(stepContract);

/** The subject's contract; `trace` gives each container's trace (JSON puts marks in: traceMark). */
function subjectContract<T>(s: Subject, trace: (steps: TraceStep[], container: number) => T) {
  return {
    kind: s.kind,
    namespace: s.namespace,
    name: s.name,
    mover: s.mover,
    privileged: s.privileged,
    containers: s.containers.map((c, i) => ({
      name: c.name,
      image: c.image,
      workload: c.workload,
      identity: c.identity,
      ...(c.writesAs && { writesAs: c.writesAs }),
      trace: trace(c.trace, i),
    })),
    podSecurity: s.podSecurity,
    findings: s.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      objects: f.objects,
      fix: f.fix,
    })),
  };
}

/** The machine-readable contract of DESIGN.md §5: only its fields, in its order. */
export function toContract(report: Report): {
  apiVersion: string;
  kind: string;
  subjects: ContractSubject[];
  unknowns: Report['unknowns'];
} {
  return {
    apiVersion: report.apiVersion,
    kind: report.kind,
    subjects: report.subjects.map((s) => subjectContract(s, traceContract)),
    unknowns: report.unknowns,
  };
}

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

/**
 * Each step's JSON text at the indentation it is printed with (`at`), made once per step: a
 * report's subjects share equal steps, and the traces are most of its JSON (5 of 6.8 KB a mover).
 */
const stepTexts = new Map<string, WeakMap<TraceStep, string>>();

function traceText(trace: readonly TraceStep[], at: string): string {
  if (trace.length === 0) return '[]';
  let texts = stepTexts.get(at);
  if (!texts) stepTexts.set(at, (texts = new WeakMap()));
  const parts: string[] = [];
  for (const t of trace) {
    let text = texts.get(t);
    if (text === undefined)
      texts.set(t, (text = indent(JSON.stringify(stepContract(t), null, 2), at)));
    parts.push(text);
  }
  // as JSON.stringify lays out an array whose key is at `at` less two spaces
  return `[\n${at}${parts.join(`,\n${at}`)}\n${at.slice(2)}]`;
}

// a string JSON prints as "\u0000trace N": only a value equal to it could print the same, and
// none of a subject's is, under a key named trace
const traceMark = (_: TraceStep[], container: number) => `\u0000trace ${container}`;

/**
 * A subject as `JSON.stringify` lays it out two levels deep (indented by four): stringified inside
 * two arrays, which indent it there, then cut out, so its text is not copied again to indent it.
 * Its traces are stringified apart (traceText) and put in at their marks.
 */
function subjectAtDepthTwo(s: Subject): string {
  const text = JSON.stringify([[subjectContract(s, traceMark)]], null, 2);
  const parts: string[] = [];
  let from = '[\n  [\n'.length;
  s.containers.forEach((c, i) => {
    const mark = `"trace": ${JSON.stringify(traceMark(c.trace, i))}`;
    const at = text.indexOf(mark, from);
    const line = text.lastIndexOf('\n', at) + 1;
    parts.push(text.slice(from, at), '"trace": ', traceText(c.trace, `${text.slice(line, at)}  `));
    from = at + mark.length;
  });
  parts.push(text.slice(from, -'\n  ]\n]'.length));
  return parts.join('');
}

/**
 * `JSON.stringify(toContract(report), null, 2)` one subject at a time: a cluster-wide report is
 * written without ever holding its whole text (JSON strings never hold a raw newline).
 */
export function* jsonChunks(report: Report): Generator<string> {
  yield `{\n  "apiVersion": ${JSON.stringify(report.apiVersion)},\n  "kind": ${JSON.stringify(report.kind)},\n  "subjects": [`;
  let first = true;
  for (const s of report.subjects) {
    yield `${first ? '' : ','}\n${subjectAtDepthTwo(s)}`;
    first = false;
  }
  const unknowns = indent(JSON.stringify(report.unknowns, null, 2), '  ');
  yield `${first ? '' : '\n  '}],\n  "unknowns": ${unknowns}\n}\n`;
}

/** Laid out as `kubectl get -o yaml` prints: sequences not indented under their key, no folding. */
const yamlOptions = { noRefs: true, lineWidth: -1, seqNoIndent: true } as const;

/** The YAML form of the contract, one subject at a time (a sequence item dumps alone the same). */
export function* yamlChunks(report: Report): Generator<string> {
  yield dump({ apiVersion: report.apiVersion, kind: report.kind }, yamlOptions);
  if (report.subjects.length === 0) yield 'subjects: []\n';
  else {
    yield 'subjects:\n';
    for (const s of report.subjects) yield dump([subjectContract(s, traceContract)], yamlOptions);
  }
  yield dump({ unknowns: report.unknowns }, yamlOptions);
}

/** One cluster of a fleet scan: its report, or why it could not be read. */
export interface FleetItem {
  cluster: string;
  report?: Report;
  error?: string;
}

/**
 * Several clusters: `kind: IdentityReportList` whose items are IdentityReports (unchanged
 * contract) with their `cluster`, or `{cluster, error}` for a cluster that could not be read.
 */
function fleetContract(items: FleetItem[]) {
  return {
    apiVersion: 'volsync-perms/v1',
    kind: 'IdentityReportList',
    items: items.map((i) =>
      i.report
        ? { cluster: i.cluster, ...toContract(i.report) }
        : { cluster: i.cluster, error: i.error },
    ),
  };
}

export const renderFleetJson = (items: FleetItem[]) =>
  JSON.stringify(fleetContract(items), null, 2) + '\n';
export const renderFleetYaml = (items: FleetItem[]) => dump(fleetContract(items), yamlOptions);

/** A Kubernetes object as YAML, laid out as kubectl prints it (for `kubectl apply -f -`). */
export const renderManifestYaml = (o: unknown) => dump(o, yamlOptions);

/**
 * An object as `kubectl get -o yaml` prints one the API server returned: keys sorted at every
 * level, strings quoted with `"` where YAML needs it. `render` prints this, so its output and a
 * live object read the same way are comparable byte for byte.
 */
export const renderKubectlYaml = (o: unknown) =>
  dump(o, { ...yamlOptions, sortKeys: true, quoteStyle: 'double' });
