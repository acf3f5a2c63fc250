import type { Plugin } from 'esbuild';

export declare const stubReactDevtools: Plugin;
