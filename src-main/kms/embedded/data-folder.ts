import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultIdentities, upgradeIdentities, type Identity } from './identities';

/**
 * The embedded KMS's data folder: kms.sqlite (keys, material wrapped under root.key), root.key
 * (mode 0600), identities.json (mode 0600: the credentials the server accepts) and a lock file so
 * two servers never share one folder (each keeps state in memory and would overwrite the other).
 */
export function prepareDataFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Folders locked by this process: the lock file's pid cannot tell two servers in one process apart. */
const lockedHere = new Set<string>();

/** The data folder's lock file names a live process: the message names the file and when to remove it. */
export class DataFolderLockedError extends Error {
  override name = 'DataFolderLockedError';
  constructor(readonly lockFile: string, message: string) {
    super(message);
  }
}

export function lockDataFolder(dir: string): () => void {
  const lock = join(dir, 'kms.lock');
  const folder = realpathSync(dir);
  if (lockedHere.has(folder)) throw new Error(`The KMS data folder ${dir} is in use by another embedded KMS in this process. Close it first, or choose another folder with --data.`);
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]); // the file is "<pid>\n<token>\n"
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
      throw new DataFolderLockedError(lock, `The KMS data folder ${dir} is in use by another KeyDrill process (pid ${pid}), says its lock file ${lock}. Stop that process, or choose another folder with --data. If pid ${pid} is not a KeyDrill KMS (a crashed server's pid taken by another program), remove ${lock} and start again.`);
    }
    rmSync(lock, { force: true }); // left behind by a process that is gone
  }
  const token = `${process.pid}\n${randomBytes(4).toString('hex')}\n`;
  writeFileSync(lock, token, { flag: 'wx' });
  lockedHere.add(folder);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    lockedHere.delete(folder);
    if (existsSync(lock) && readFileSync(lock, 'utf8') === token) rmSync(lock, { force: true });
  };
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Keeps the identities (an IAM policy changed by the administrator) in the folder, mode 0600. */
export function saveIdentities(dir: string, identities: readonly Identity[]): void {
  const file = join(dir, 'identities.json');
  writeFileSync(`${file}.new`, JSON.stringify({ identities }, null, 2), { mode: 0o600 });
  renameSync(`${file}.new`, file);
}

/** The folder's identities, created on first use so credentials stay the same across restarts. */
export function loadOrCreateIdentities(dir: string, account: string): Identity[] {
  const file = join(dir, 'identities.json');
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { identities?: Identity[] };
    if (!Array.isArray(parsed.identities) || parsed.identities.length === 0) throw new Error(`${file} holds no identities`);
    const identities = upgradeIdentities(parsed.identities, account);
    // A folder from before session tokens or the vendor account: keep what it now has.
    if (identities.length !== parsed.identities.length || identities.some((id, i) => id !== parsed.identities?.[i])) writeFileSync(file, JSON.stringify({ identities }, null, 2), { mode: 0o600 });
    return identities;
  }
  const identities = defaultIdentities(account);
  writeFileSync(file, JSON.stringify({ identities }, null, 2), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return identities;
}
