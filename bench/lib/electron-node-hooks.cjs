/**
 * `node --require <this file>`: loads `better-sqlite3` from the copy electron-node.ts compiled for
 * Electron's Node (the project's node_modules holds a build for the system Node, which another Node
 * refuses: NODE_MODULE_VERSION). KEYDRILL_BENCH_BETTER_SQLITE3 names that copy's folder.
 * --require, not --import: a worker started from code (`eval: true`, as src-main/common/worker-entry.ts
 * starts the event store's writer from the TypeScript sources) runs the --require preloads it inherits
 * but not the --import ones, and hooks registered on the main thread do not reach it.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a --require preload is CommonJS */
const { realpathSync } = require('node:fs');
const { register } = require('node:module');
const { pathToFileURL } = require('node:url');

const dir = process.env.KEYDRILL_BENCH_BETTER_SQLITE3;
if (!dir) throw new Error('electron-node-hooks.cjs needs KEYDRILL_BENCH_BETTER_SQLITE3 (bench/lib/electron-node.ts sets it)');
// The real path, as Node's own resolver gives: through a symlink (here node_modules is one) the
// package's files load under two names and its default export comes out as an empty object.
const entry = new URL('lib/index.js', pathToFileURL(`${realpathSync(dir)}/`)).href;

// A data: URL keeps the hook in this one file (register() loads hooks as a module of their own).
const hook = `export async function resolve(specifier, context, next) {
  return specifier === 'better-sqlite3' ? { url: ${JSON.stringify(entry)}, format: 'commonjs', shortCircuit: true } : next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
