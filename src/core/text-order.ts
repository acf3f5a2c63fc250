/**
 * The order of names in every output: by UTF-16 code unit, the same whatever the locale, and the
 * order kubectl sorts by for the names Kubernetes allows (Go compares bytes). `localeCompare`
 * follows LANG: under cs_CZ "chrony" sorts after "h", so one report printed two ways.
 */
export const textOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
