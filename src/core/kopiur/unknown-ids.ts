export type IdField = 'runAsUser' | 'runAsGroup' | 'fsGroup';

/**
 * Identity fields of a kopiur-built pod that a rung the input cannot read may set (a Restore's
 * recorded identity not in the input) and no higher rung pins, with why.
 */
export interface UnknownIds {
  fields: IdField[];
  why: string;
}

/** Why `field` is unknown, when it is: the engine then says unknown instead of the rungs below. */
export const unreadId = (
  k: { unknownIds?: UnknownIds } | undefined,
  field: IdField,
): string | undefined => (k?.unknownIds?.fields.includes(field) ? k.unknownIds.why : undefined);
