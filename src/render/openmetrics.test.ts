import { describe, expect, it } from 'vitest';
import { renderGaugeFamily, renderSamples } from './openmetrics.js';

describe('the OpenMetrics text of a gauge family', () => {
  it('prints HELP and TYPE, then one line per series with its labels in order', () => {
    const chunk = renderSamples('volsync_perms_findings', [
      { labels: { namespace: 'apps', code: 'VP001', severity: 'error' }, value: 2 },
    ]);
    expect(
      renderGaugeFamily({ name: 'volsync_perms_findings', help: 'Subjects with a finding' }, [
        chunk,
      ]),
    ).toBe(
      '# HELP volsync_perms_findings Subjects with a finding\n# TYPE volsync_perms_findings gauge\nvolsync_perms_findings{namespace="apps",code="VP001",severity="error"} 2\n',
    );
  });

  it.each([
    ['a double quote', 'a"b', 'a\\"b'],
    ['a backslash', 'a\\b', 'a\\\\b'],
    ['a line feed', 'a\nb', 'a\\nb'],
  ])('escapes %s in a label value', (_what, value, printed) => {
    expect(renderSamples('m', [{ labels: { name: value }, value: 1 }])).toBe(
      `m{name="${printed}"} 1\n`,
    );
  });

  it('escapes a line feed in the help text, so that it stays one line', () => {
    expect(renderGaugeFamily({ name: 'm', help: 'one\ntwo' }, [])).toBe(
      '# HELP m one\\ntwo\n# TYPE m gauge\n',
    );
  });
});
