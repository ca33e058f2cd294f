import { homedir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { UsageError } from './usage-error';

/** Where KeyDrill keeps its data unless told otherwise: $KEYDRILL_HOME, else ~/.keydrill. */
export function keydrillHome(): string {
  if (!process.env.KEYDRILL_HOME) return join(homedir(), '.keydrill');
  return dataPath('KEYDRILL_HOME', process.env.KEYDRILL_HOME);
}

/**
 * Linux's kernel file systems: no folder or file of ours can be made in them, and Node 20's
 * recursive mkdir never returns under /proc (it retries forever), so a data folder there would hang
 * the command instead of failing it.
 */
const KERNEL_FILE_SYSTEMS = ['/proc', '/sys', '/dev'];

/**
 * A folder or file KeyDrill will create, given by `what` (an option or a variable), resolved; one in a
 * kernel file system is bad input (exit 2), said before anything tries to create it.
 */
export function dataPath(what: string, value: string): string {
  const path = resolve(value);
  const kernel = process.platform === 'linux' ? KERNEL_FILE_SYSTEMS.find((root) => path === root || path.startsWith(root + sep)) : undefined;
  if (kernel) throw new UsageError(`${what} ${path}: ${kernel} is a kernel file system, where KeyDrill cannot keep data; choose a folder on a disk`, { code: 'bad-data-folder', option: what, path });
  return path;
}
