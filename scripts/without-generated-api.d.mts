import type { Plugin } from 'esbuild';

export declare const withoutGeneratedApi: Plugin;
