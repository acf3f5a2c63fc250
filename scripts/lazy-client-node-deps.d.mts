import type { Plugin } from 'esbuild';

export declare const lazyClientNodeDeps: Plugin;
