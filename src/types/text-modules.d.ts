// The Job scripts, shell and Perl, are bundled as text (esbuild's text loader, the vitest plugin in
// vitest.config.ts).
declare module '*.sh' {
  const text: string;
  // the loaders hand the text over as the default export; it cannot be named
  // eslint-disable-next-line no-restricted-syntax
  export default text;
}

declare module '*.pl' {
  const text: string;
  // eslint-disable-next-line no-restricted-syntax
  export default text;
}
