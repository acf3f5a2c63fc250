declare const __VERSION__: string | undefined;

/** Set by the bundler (scripts/build.mjs) and by vitest's define. */
export const version: string = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';
