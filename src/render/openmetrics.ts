import type { Series } from '../core/live/namespace-series.js';

/** A gauge family of the OpenMetrics exposition: its name, help and series. */
export interface GaugeFamily {
  name: string;
  help: string;
}

// OpenMetrics 1.0 ABNF: label values and help text escape backslash, double quote and line feed
const escapeValue = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** The sample lines of a family's series, in the order given (a namespace's chunk). */
export function renderSamples(family: string, series: readonly Series[]): string {
  let out = '';
  for (const s of series) {
    const labels = Object.entries(s.labels)
      .map(([k, v]) => `${k}="${escapeValue(v)}"`)
      .join(',');
    out += `${family}{${labels}} ${s.value}\n`;
  }
  return out;
}

/** A gauge family: its TYPE and HELP lines, then its samples (the chunks, joined). */
export function renderGaugeFamily(family: GaugeFamily, chunks: Iterable<string>): string {
  let out = `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} gauge\n`;
  for (const c of chunks) out += c;
  return out;
}
