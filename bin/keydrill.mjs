#!/usr/bin/env node
// The `keydrill` command. An installed package runs the JavaScript built into out/cli (npm run
// build:cli; no TypeScript compiled at start). A development checkout — the sources are beside this
// file — runs the TypeScript sources through tsx, so the CLI, the tests and the app always run the
// code as it is now, never a stale build. KEYDRILL_USE_BUILD=1 forces the build (to try it here).
import { existsSync } from 'node:fs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const built = new URL('../out/cli/main.js', import.meta.url);
const sources = new URL('../src-main/cli/main.ts', import.meta.url);
const useBuild = existsSync(built) && (!existsSync(sources) || process.env.KEYDRILL_USE_BUILD === '1');

let main;
if (useBuild) {
  ({ main } = await import(built.href));
} else if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(sources.href));
} else {
  console.error('keydrill: this installation has neither out/cli/main.js nor the sources; reinstall the package (its prepack builds out/cli).');
  process.exit(3);
}
// A reader that stops early (`keydrill audit query --json | head`) closes the pipe: that ends the
// output, not the command with a stack trace. Anything already stored stays stored.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
process.exitCode = await main(process.argv.slice(2));
