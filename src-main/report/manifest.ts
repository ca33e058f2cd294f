import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/**
 * The seal of an audit bundle: `SHA256SUMS`, one line per file in the format `sha256sum` writes and
 * checks (`<64 hex>  <path>`, two spaces, paths relative to the bundle with `/`), so an auditor runs
 * `sha256sum -c SHA256SUMS` (or `shasum -a 256 -c SHA256SUMS`) in the folder and sees, file by file,
 * whether what was handed over is what KeyDrill wrote. `manifest.json` says what each file is; it is
 * listed in SHA256SUMS too, and the digest of SHA256SUMS itself is what to write in the sign-off.
 */
export const SUMS_FILE = 'SHA256SUMS';
export const MANIFEST_FILE = 'manifest.json';

export type BundleFileKind = 'run-record' | 'html' | 'pdf' | 'csv' | 'cloudtrail' | 'observations' | 'manifest';

export interface ManifestEntry {
  /** Relative to the bundle, `/`-separated. */
  path: string;
  kind: BundleFileKind;
  bytes: number;
  sha256: string;
}

/** The lines of SHA256SUMS. A path sha256sum would have to escape (a newline, a backslash) is refused: ours never have one. */
export function sumsText(entries: readonly ManifestEntry[]): string {
  return entries.map((e) => {
    if (/[\n\r\\]/.test(e.path) || e.path.startsWith('/') || e.path.split('/').includes('..')) throw new Error(`a bundle path cannot be listed in ${SUMS_FILE}: ${JSON.stringify(e.path)}`);
    return `${e.sha256}  ${e.path}\n`;
  }).join('');
}

/** SHA-256 and size of a file, read as a stream (CloudTrail log files may be large). */
export async function digestFile(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

export interface BundleCheck {
  /** True when every listed file is present with its digest and no file is unlisted. */
  ok: boolean;
  checked: number;
  /** One line per problem: `changed: report.html`, `missing: …`, `not listed: …`, `outside the bundle: …`, `a symbolic link, not a file of the bundle: …`. */
  problems: string[];
  /**
   * Each path SHA256SUMS lists, with its digest where the file has it (undefined where it was not
   * read or is already a problem), so what manifest.json says of a file is checked without reading
   * a large one twice, and a changed file is not named twice.
   */
  read: Map<string, string | undefined>;
}

/**
 * A line of SHA256SUMS as sha256sum reads it: the digest, then the path (text or binary mode). As
 * `sha256sum -c` does, a digest in capitals and a line ended CRLF (the file saved on Windows) are taken.
 */
const SUMS_LINE = /^([0-9a-fA-F]{64}) [ *](.+?)\r?$/;

/** The lines of a SHA256SUMS text, each its digest (lower case) and path, or undefined where it is not such a line. */
export function sumsEntries(text: string): ({ sha256: string; path: string } | undefined)[] {
  return text.split('\n').map((line) => {
    const match = SUMS_LINE.exec(line);
    return match ? { sha256: (match[1] as string).toLowerCase(), path: match[2] as string } : undefined;
  });
}

/**
 * What `sha256sum -c SHA256SUMS` checks, plus files added to the folder that the seal does not list.
 * Only regular files are read: a FIFO or a link to /dev/zero handed over in a bundle would be read
 * forever, so each path is looked at (lstat) before it is opened, and anything else is a finding.
 */
export async function verifyBundle(dir: string): Promise<BundleCheck> {
  const text = await readFile(join(dir, SUMS_FILE), 'utf8');
  const problems: string[] = [];
  const listed = new Set<string>([SUMS_FILE]);
  const read = new Map<string, string | undefined>();
  let checked = 0;
  const lines = text.split('\n');
  for (const [i, entry] of sumsEntries(text).entries()) {
    if (lines[i] === '' || lines[i] === '\r') continue;
    if (!entry) {
      problems.push(`line ${i + 1} of ${SUMS_FILE} is not "<sha256>  <path>"`);
      continue;
    }
    const { sha256: expected, path } = entry;
    listed.add(path);
    checked++;
    // sha256sum -c would read it wherever it is; a bundle's files are in its folder.
    if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.split(/[\\/]/).includes('..')) {
      problems.push(`outside the bundle: ${path}`);
      continue;
    }
    read.set(path, undefined);
    const file = join(dir, ...path.split('/'));
    const info = await lstat(file).catch((err: unknown) => (isDenied(err) ? 'denied' : undefined));
    if (info === 'denied') problems.push(`${path} ${DENIED}`);
    else if (!info) problems.push(`missing: ${path}`);
    // A link's target is not handed over with the folder (and its digest would be the target's).
    else if (info.isSymbolicLink()) problems.push(`${LINK}: ${path}`);
    else if (!info.isFile()) problems.push(`${path} is not a regular file (${whatIs(info)})`);
    else {
      const actual = await digestFile(file).catch((err: unknown) => (isDenied(err) ? 'denied' : undefined));
      if (actual === 'denied') problems.push(`${path} ${DENIED}`);
      else if (!actual) problems.push(`missing: ${path}`);
      else if (actual.sha256 !== expected) problems.push(`changed: ${path}`);
      else read.set(path, actual.sha256);
    }
  }
  const tree = await bundleTree(dir);
  for (const file of tree.files) if (!listed.has(file)) problems.push(`not listed: ${file}`);
  for (const { path, what } of tree.others) {
    if (!listed.has(path)) problems.push(what === 'a symbolic link' ? `${LINK}: ${path}` : `${path} is not a regular file (${what})`);
  }
  for (const folder of tree.unreadable) problems.push(`${folder || '.'}/ ${DENIED}`);
  return { ok: problems.length === 0, checked, problems, read };
}

const LINK = 'a symbolic link, not a file of the bundle';
/** A file or folder the user running the check may not read: not missing, and not the check failing. */
export const DENIED = 'cannot be read (permission denied)';

export function isDenied(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM';
}

/** What a path is when it is not a regular file: "a FIFO", "a symbolic link"… */
function whatIs(entry: Dirent | Stats): string {
  if (entry.isSymbolicLink()) return 'a symbolic link';
  if (entry.isDirectory()) return 'a folder';
  if (entry.isFIFO()) return 'a FIFO';
  if (entry.isSocket()) return 'a socket';
  if (entry.isCharacterDevice()) return 'a character device';
  if (entry.isBlockDevice()) return 'a block device';
  return 'not a file';
}

/** What is in a bundle's folder, relative and `/`-separated: its regular files (sorted), anything else but folders, and folders that cannot be read. */
export interface BundleTree {
  files: string[];
  others: { path: string; what: string }[];
  unreadable: string[];
}

/** The bundle's folder walked without following links (a link to a folder is one entry, not read). */
export async function bundleTree(dir: string): Promise<BundleTree> {
  const tree: BundleTree = { files: [], others: [], unreadable: [] };
  const walk = async (at: string): Promise<void> => {
    const entries = await readdir(at ? join(dir, ...at.split('/')) : dir, { withFileTypes: true }).catch((err: unknown) => {
      if (!isDenied(err)) throw err;
      tree.unreadable.push(at);
      return [];
    });
    for (const entry of entries) {
      const path = at ? `${at}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) tree.files.push(path);
      else tree.others.push({ path, what: whatIs(entry) });
    }
  };
  await walk('');
  tree.files.sort();
  return tree;
}

/** Every file under `dir`, relative and `/`-separated, sorted. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/')).sort();
}
