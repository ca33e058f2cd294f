#!/usr/bin/env node
// Builds the command line to plain JavaScript in out/cli (main.js and the three worker threads it may
// start), so an installed `keydrill` starts without compiling TypeScript. Dependencies stay in
// node_modules (better-sqlite3 is native; the AWS SDK is large): only KeyDrill's own code is bundled.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'src-main/cli/main.ts',
    'store-writer': 'src-main/audit/store-writer-worker.ts',
    'record-worker': 'src-main/envelope/record-worker.ts',
    'trail-digest': 'src-main/drill/trail-digest-worker.ts',
  },
  outdir: 'out/cli',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
console.log('build-cli: out/cli/main.js');
