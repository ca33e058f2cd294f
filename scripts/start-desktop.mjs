#!/usr/bin/env node
// `npm start`: opens the desktop window with the built app (out/), after checking that the Electron
// binary is really there. On machines where setup skipped its download (the default: the CLI, tests
// and build do not need it), this says so and what to do, instead of Electron's own "Electron failed
// to install correctly".
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
if (!binary) {
  console.error(`KeyDrill: the Electron binary is not installed, so the desktop window cannot open.
  Setup skips its download by default. Where the network allows it:
    npm run setup -- --with-electron        # downloads Electron
    npx electron-builder install-app-deps   # rebuilds better-sqlite3 for Electron (npm rebuild better-sqlite3 brings back the CLI's)
  Meanwhile the same app runs in a browser:  node bin/keydrill.mjs ui`);
  process.exit(1);
}
const child = spawn(binary, ['.'], { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
