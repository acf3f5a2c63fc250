import type { Origin } from './k8s/object.js';

/** What only a repository source (--flux) knows: how its files become objects. */
export interface RepositoryFacts {
  /** postBuild.substitute variables that no template of their Kustomization reads. */
  unusedVariables: UnusedVariable[];
  /** Namespace manifests that write the privileged-movers key but no Kustomization renders. */
  unrenderedNamespaces: UnrenderedNamespace[];
}

export interface UnusedVariable {
  /** The Flux Kustomization, `namespace/name`. */
  kustomization: string;
  variable: string;
  value: string;
  /** Where the variable is set (the Kustomization's file). */
  origin: Origin;
  /** The variables its templates read that none of its sources sets: what it may have meant. */
  unset: string[];
  /** The objects it renders, `Kind/namespace/name`. */
  objects: string[];
}

export interface UnrenderedNamespace {
  name: string;
  /** `annotations` or `labels`. */
  part: 'annotations' | 'labels';
  value: string;
  origin: Origin;
}
