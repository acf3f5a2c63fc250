/** Kubernetes name rules (RFC 1123), as the API server validates them. */
const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Namespace names (and other DNS labels): at most 63 characters. */
export const isDnsLabel = (s: string) => s.length <= 63 && label.test(s);

/** Most object names: DNS subdomains of at most 253 characters. */
export const isDnsSubdomain = (s: string) => s.length <= 253 && subdomain.test(s);
