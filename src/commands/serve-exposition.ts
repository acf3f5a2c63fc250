import type { NamespaceSeries } from '../core/live/namespace-series.js';
import { renderGaugeFamily, renderSamples, type GaugeFamily } from '../render/openmetrics.js';

const families = {
  movers: {
    name: 'volsync_perms_mover_info',
    help: 'A mover container and the identity it runs with (uid, gid: numbers or unknown), and the layer that decides its UID',
  },
  findings: {
    name: 'volsync_perms_findings',
    help: 'Subjects of the namespace with this finding (README "Findings")',
  },
  drift: {
    name: 'volsync_perms_mover_drift',
    help: 'A mover whose running pod (VP016) or created workload (VP025) is not what the prediction says',
  },
  errors: {
    name: 'volsync_perms_namespace_errors',
    help: "A namespace whose movers do not parse (its subjects are not reported until they do); '' is the group of namespaces sharing storage",
  },
} satisfies Record<string, GaugeFamily>;

type Part = 'movers' | 'findings' | 'drift';

/**
 * The identity and findings families of /metrics, kept as one text chunk per namespace and
 * family: a change renders its namespace's lines, and the exposition is joined again only after
 * a change. prom-client would render every series of 20,000 movers on each scrape, megabytes of
 * text and many times that in garbage (bench/serve-watch.ts); the health metrics stay its.
 */
export class IdentityExposition {
  private readonly chunks: Record<Part, Map<string, string>> = {
    movers: new Map(),
    findings: new Map(),
    drift: new Map(),
  };
  private errors = new Set<string>();
  private text: string | undefined;

  /** Replaces a namespace's series (none: it has no subjects left). */
  replaceNamespace(namespace: string, series: NamespaceSeries | undefined): void {
    this.text = undefined;
    for (const part of ['movers', 'findings', 'drift'] as const) {
      const list = series?.[part] ?? [];
      if (list.length === 0) this.chunks[part].delete(namespace);
      else this.chunks[part].set(namespace, renderSamples(families[part].name, list));
    }
  }

  /** The namespaces whose movers do not parse. */
  replaceErrors(namespaces: Iterable<string>): void {
    const now = new Set(namespaces);
    if (now.size === this.errors.size && [...now].every((ns) => this.errors.has(ns))) return;
    this.errors = now;
    this.text = undefined;
  }

  /** The families' text, without the closing `# EOF` (the health metrics follow). */
  render(): string {
    this.text ??=
      renderGaugeFamily(families.movers, this.chunks.movers.values()) +
      renderGaugeFamily(families.findings, this.chunks.findings.values()) +
      renderGaugeFamily(families.drift, this.chunks.drift.values()) +
      renderGaugeFamily(
        families.errors,
        [...this.errors].map((ns) =>
          renderSamples(families.errors.name, [{ labels: { namespace: ns }, value: 1 }]),
        ),
      );
    return this.text;
  }
}
