import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
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

/** A line of SHA256SUMS as sha256sum reads it: the digest, then the path (text or binary mode). */
const SUMS_LINE = /^([0-9a-f]{64}) [ *](.+)$/;

/** The lines of a SHA256SUMS text, each its digest and path, or undefined where it is not such a line. */
export function sumsEntries(text: string): ({ sha256: string; path: string } | undefined)[] {
  return text.split('\n').map((line) => {
    const match = SUMS_LINE.exec(line);
    return match ? { sha256: match[1] as string, path: match[2] as string } : undefined;
  });
}

/** What `sha256sum -c SHA256SUMS` checks, plus files added to the folder that the seal does not list. */
export async function verifyBundle(dir: string): Promise<BundleCheck> {
  const text = await readFile(join(dir, SUMS_FILE), 'utf8');
  const problems: string[] = [];
  const listed = new Set<string>([SUMS_FILE]);
  const read = new Map<string, string | undefined>();
  let checked = 0;
  const lines = text.split('\n');
  for (const [i, entry] of sumsEntries(text).entries()) {
    if (lines[i] === '') continue;
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
    const actual = await digestFile(join(dir, ...path.split('/'))).catch(() => undefined);
    read.set(path, actual?.sha256 === expected ? expected : undefined);
    if (!actual) problems.push(`missing: ${path}`);
    else if (actual.sha256 !== expected) problems.push(`changed: ${path}`);
  }
  for (const file of await filesUnder(dir)) if (!listed.has(file)) problems.push(`not listed: ${file}`);
  // A link's target is not handed over with the folder (and a listed file's digest would be its target's).
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() || entry.isDirectory()) continue;
    const path = relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/');
    problems.push(`${entry.isSymbolicLink() ? 'a symbolic link, not a file of the bundle' : 'not a file'}: ${path}`);
  }
  return { ok: problems.length === 0, checked, problems, read };
}

/** Every file under `dir`, relative and `/`-separated, sorted. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/')).sort();
}
