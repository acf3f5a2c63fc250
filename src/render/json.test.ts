import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { demoFile, demoManifests } from '../adapters/manifests/demo-manifests.js';
import { parseYamlText } from '../adapters/manifests/parse-yaml.js';
import { defaultMoverImages, knownImages } from '../core/identity/known-images.js';
import { resolveReport } from '../core/report/resolve-report.js';
import { offlineSnapshot } from '../core/snapshot.js';
import { jsonChunks, toContract, yamlChunks } from './json.js';

const demo = offlineSnapshot(
  parseYamlText(demoManifests, demoFile).objects,
  [],
  knownImages,
  defaultMoverImages,
);
const reports = {
  'every namespace of the demo': resolveReport(demo, { all: true }),
  'one namespace': resolveReport(demo, { all: false, namespace: 'media' }),
  'no movers': resolveReport(demo, { all: false, namespace: 'absent' }),
};

describe('streamed report output', () => {
  for (const [name, report] of Object.entries(reports)) {
    it(`writes JSON identical to stringifying the whole contract (${name})`, () => {
      const whole = JSON.stringify(toContract(report), null, 2) + '\n';
      expect([...jsonChunks(report)].join('')).toBe(whole);
    });

    it(`writes YAML identical to dumping the whole contract (${name})`, () => {
      const whole = dump(toContract(report), { noRefs: true, lineWidth: -1, seqNoIndent: true });
      expect([...yamlChunks(report)].join('')).toBe(whole);
    });
  }

  it('writes JSON identical to stringifying the whole contract where traces are empty, many, or mimic the marks', () => {
    const full = reports['every namespace of the demo'];
    const [s] = full.subjects;
    const [c] = s?.containers ?? [];
    if (!s || !c) throw new Error('the demo has a mover');
    const mark = '\u0000trace 1';
    const odd = {
      ...c,
      name: mark,
      image: `"trace": "${mark}"`,
      trace: [{ ...c.trace[0], field: mark, value: [mark, 1], effect: `"trace": ${mark}` }],
    } as typeof c;
    const report = {
      ...full,
      subjects: [{ ...s, containers: [{ ...c, trace: [] }, odd, c] }, ...full.subjects],
    };
    const whole = JSON.stringify(toContract(report), null, 2) + '\n';
    expect([...jsonChunks(report)].join('')).toBe(whole);
  });

  it('yields one chunk per subject, so no chunk holds the whole report', () => {
    const report = reports['every namespace of the demo'];
    expect([...jsonChunks(report)]).toHaveLength(report.subjects.length + 2);
  });
});
