import type { Dirent, Stats } from 'node:fs';
import { readdir, readlink, stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';

/**
 * The CloudTrail log files under a folder, walked as `find -L` would: a symbolic link to a log file
 * is imported like the file, a link to a folder is walked like the folder. Each file and folder is
 * taken once, however many links lead to it, so a link back up the tree (a loop) ends there. A link
 * that cannot be followed — its target missing, unreadable, itself a loop of links — is listed with
 * the reason, for the import to name among the files it could not import.
 */
export interface LogFileListing {
  /** Log files, in the order of the walk (names sorted in each folder). */
  files: string[];
  /** Links that lead nowhere the import can read: the link's path and what is wrong with it. */
  unfollowable: { path: string; problem: string }[];
  /** Folders of what CloudTrail writes beside its logs (digests, Insights), passed over: the import says so. */
  skipped: string[];
  /**
   * Files passed over for their name (not .json or .json.gz): a folder handed over as evidence may
   * hold records in another form (JSON lines, say), and the import says it did not read them.
   */
  passedOver: string[];
}

/**
 * Folders CloudTrail writes beside the logs that hold no `Records` (digests) or another format
 * (Insights). Under an account's folder in AWSLogs/ only `CloudTrail` is read: a shared log bucket
 * also holds what other services deliver there (AWS Config's `Config/`, for one).
 */
const SKIPPED_FOLDERS = new Set(['CloudTrail-Digest', 'CloudTrail-Insight']);
const LOG_FILE = /\.json(\.gz)?$/;
const ACCOUNT_ID = /^\d{12}$/;

/** What a folder without log files is told; the app says the same. */
export const NO_LOG_FILES = 'holds no CloudTrail log files (.json or .json.gz, e.g. under AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/)';

export async function listLogFiles(dir: string): Promise<LogFileListing> {
  const listing: LogFileListing = { files: [], unfollowable: [], skipped: [], passedOver: [] };
  // Files and folders by device and inode: what two paths (a link and its target) lead to is taken once.
  const seen = new Set<string>();
  const firstVisit = (info: Stats): boolean => {
    const key = `${info.dev}:${info.ino}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };

  const walk = async (folder: string, inAwsLogs: boolean): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // AWSLogs/[<org-id>/]<account>/ holds a folder per service (CloudTrail, Config, ...): only CloudTrail's are CloudTrail logs.
    const accountFolder = inAwsLogs && ACCOUNT_ID.test(basename(folder));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      const kind = await entryKind(entry, path, listing);
      if (kind?.type === 'folder') {
        if (SKIPPED_FOLDERS.has(entry.name)) listing.skipped.push(path);
        const wanted = !SKIPPED_FOLDERS.has(entry.name) && (!accountFolder || entry.name === 'CloudTrail');
        if (wanted && firstVisit(kind.info)) await walk(path, inAwsLogs || entry.name === 'AWSLogs');
      } else if (kind?.type === 'file' && firstVisit(kind.info)) {
        if (LOG_FILE.test(entry.name) || LOG_FILE.test(kind.target ?? '')) listing.files.push(path);
        // Not what a folder of logs holds besides them: the system's own litter (.DS_Store) goes unsaid.
        else if (!entry.name.startsWith('.')) listing.passedOver.push(path);
      }
    }
  };

  firstVisit(await stat(dir));
  await walk(dir, resolve(dir).split(sep).includes('AWSLogs'));
  return listing;
}

type EntryKind = { type: 'file' | 'folder'; info: Stats; target?: string };

/**
 * A folder entry as a file or a folder, a link resolved to what it leads to; undefined for anything
 * else (a socket, a device: never read, whatever its name). A link that cannot be followed is added
 * to `listing.unfollowable` and gives undefined.
 */
async function entryKind(entry: Dirent, path: string, listing: LogFileListing): Promise<EntryKind | undefined> {
  if (!entry.isSymbolicLink()) {
    if (entry.isDirectory()) return { type: 'folder', info: await stat(path) };
    return entry.isFile() ? { type: 'file', info: await stat(path) } : undefined;
  }
  let info: Stats;
  try {
    info = await stat(path);
  } catch (err) {
    listing.unfollowable.push({ path, problem: await whyUnreadable(path, err as NodeJS.ErrnoException) });
    return undefined;
  }
  const target = await readlink(path);
  if (info.isDirectory()) return { type: 'folder', info, target };
  if (info.isFile()) return { type: 'file', info, target };
  // A link named like a log that leads to a device or a pipe would be read forever: it is named, not read.
  if (LOG_FILE.test(entry.name)) listing.unfollowable.push({ path, problem: `is a symbolic link to ${target}, which is neither a file nor a folder: nothing was imported from it` });
  return undefined;
}

/** Why `path` cannot be read, in the user's terms: a symbolic link that leads nowhere is said to be one, with its target. */
export async function whyUnreadable(path: string, err: NodeJS.ErrnoException): Promise<string> {
  const target = await readlink(path).catch(() => undefined);
  return target === undefined ? `cannot be read: ${err.message}` : linkProblem(target, err);
}

function linkProblem(target: string, err: NodeJS.ErrnoException): string {
  const why =
    err.code === 'ENOENT' || err.code === 'ENOTDIR'
      ? 'which does not exist (a dangling link)'
      : err.code === 'ELOOP'
        ? 'which leads back to itself through other links (a loop of links)'
        : err.code === 'EACCES' || err.code === 'EPERM'
          ? 'which cannot be read: permission denied'
          : `which cannot be read: ${err.message}`;
  return `is a symbolic link to ${target}, ${why}: nothing was imported from it`;
}
