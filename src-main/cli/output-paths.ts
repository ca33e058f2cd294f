import { randomBytes } from 'node:crypto';
import { open, readdir, stat, unlink } from 'node:fs/promises';
import { realpathSync, type Stats } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { isReplaceableBundle } from '../report/audit-bundle';
import { UsageError } from './usage-error';

/**
 * Where a command is going to write, checked before it does anything that costs: a drill provisions
 * real keys in LocalStack or AWS and plays for minutes, so an output it cannot write is bad input
 * (exit 2) named with its option and path at the start, not an error once the drill has run.
 */

/** The option and path at fault: the message names both, and `--json` gives them apart. */
class Problem {
  constructor(readonly option: string, readonly path: string) {}

  error(what: string): UsageError {
    return new UsageError(`${this.option} ${this.path}: ${what}`, { code: 'bad-output-path', option: this.option, path: this.path });
  }
}

/**
 * A file written in a folder that must already exist (reports go to a temporary name beside the
 * file and are renamed over it; JUnit XML is written in place): the folder is there and takes new
 * files, and the name is not a folder.
 */
export async function checkOutputFile(option: string, file: string): Promise<void> {
  const path = resolve(file);
  const problem = new Problem(option, file);
  const folder = await existingParent(path, problem);
  if ((await statOf(path, problem))?.isDirectory()) throw problem.error(`${path} is a folder; give a file name`);
  await probe(folder, problem);
}

/**
 * An audit bundle's folder, which is written beside itself under a temporary name and moved into
 * place: its parent exists and takes new files, the name is no file, and a folder already there is
 * empty or an earlier bundle (one holding the user's own files is never written into or emptied).
 */
export async function checkBundleFolder(option: string, dir: string): Promise<void> {
  const path = resolve(dir);
  const problem = new Problem(option, dir);
  const parent = await existingParent(path, problem);
  const stats = await statOf(path, problem);
  if (stats && !stats.isDirectory()) throw problem.error(`${path} is a file: an audit bundle is a folder, so choose a folder name`);
  if (stats && (await readdir(path)).length > 0 && !(await isReplaceableBundle(path))) {
    throw problem.error(`${path} already holds other files: an audit bundle goes into a new or empty folder (or over an earlier bundle holding nothing else), so choose another folder name`);
  }
  await probe(parent, problem);
}

/**
 * The same file named twice (`--report r.html --report ./r.html`) would be written twice over
 * itself and listed twice: most likely a typo for another file, so it is refused before anything runs.
 */
export function checkFilesDistinct(files: readonly { option: string; path: string }[]): void {
  const seen = new Map<string, string>();
  for (const f of files) {
    const path = resolve(f.path);
    const earlier = seen.get(path);
    if (earlier !== undefined) throw new Problem(f.option, f.path).error(`names the same file as ${f.option} ${earlier}; give each report its own file`);
    seen.set(path, f.path);
  }
}

/**
 * A report written over a file the command reads — `drill run fleet.json --report fleet.json` — would
 * replace the user's scenario (or the event store) with the report, and the drill would run before
 * anyone noticed: refused before anything runs. Paths are compared as the file system resolves them
 * (`./fleet.json`, a symbolic link to it).
 */
export function checkFilesApartFromInputs(files: readonly { option: string; path: string }[], inputs: readonly { what: string; path: string }[]): void {
  for (const f of files) {
    const input = inputs.find((i) => samePath(f.path, i.path));
    if (input) throw new Problem(f.option, f.path).error(`is ${input.what}: the report would replace it; write the report elsewhere`);
  }
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return resolve(a) === resolve(b) || real(a) === real(b);
}

/**
 * Files written beside a folder that is written too (--report beside --cloudtrail-out, --out beside
 * --bundle). A file at the folder's path, or one the folder would sit inside, is written first and
 * then makes the folder impossible to write: a drill would run to its end before failing. A bundle's
 * folder is moved into place whole, so a file inside it would be swept away too (`owned`).
 */
export function checkFilesApartFromFolder(files: readonly { option: string; path: string }[], folder: { option: string; path: string; owned: boolean } | undefined): void {
  if (!folder) return;
  const dir = resolve(folder.path);
  for (const f of files) {
    const path = resolve(f.path);
    const other = `${folder.option} ${folder.path}`;
    const clash = path === dir ? `names the same path as ${other}` : dir.startsWith(`${path}${sep}`) ? `${other} needs it to be a folder` : folder.owned && path.startsWith(`${dir}${sep}`) ? `is inside ${other}, which is written whole` : undefined;
    if (clash) throw new Problem(f.option, f.path).error(`${clash}; write the file elsewhere`);
  }
}

/** The folder `path` goes in, which must exist already. */
async function existingParent(path: string, problem: Problem): Promise<string> {
  const folder = dirname(path);
  const nearest = await nearestExisting(folder, problem);
  if (!nearest.stats.isDirectory()) throw problem.error(`${nearest.path} is a file, not a folder`);
  if (nearest.path !== folder) throw problem.error(`the folder ${folder} does not exist; create it first`);
  return folder;
}

/**
 * A folder that is created if it is not there (with its parents): it is a folder that takes new
 * files, or the nearest part of its path that exists is.
 */
export async function checkOutputFolder(option: string, dir: string): Promise<void> {
  const problem = new Problem(option, dir);
  const nearest = await nearestExisting(resolve(dir), problem);
  if (!nearest.stats.isDirectory()) throw problem.error(`${nearest.path} is a file, not a folder`);
  await probe(nearest.path, problem);
}

/** `path` or the nearest folder above it that exists (the root always does). */
async function nearestExisting(path: string, problem: Problem): Promise<{ path: string; stats: Stats }> {
  for (let at = path; ; at = dirname(at)) {
    const stats = await statOf(at, problem);
    if (stats) return { path: at, stats };
    if (dirname(at) === at) throw problem.error('no part of the path exists');
  }
}

/** The entry at `path`, undefined when there is none (or a file stands where a folder of its path should). */
async function statOf(path: string, problem: Problem): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw problem.error((err as Error).message);
  }
}

/**
 * Creates and removes an empty file in `folder`: the test that holds whoever runs it, where
 * access(W_OK) says yes to root on folders nothing can be created in (/proc).
 */
async function probe(folder: string, problem: Problem): Promise<void> {
  const name = join(folder, `.keydrill-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await (await open(name, 'wx')).close();
  } catch (err) {
    throw problem.error(`cannot create files in ${folder} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  await unlink(name).catch(() => undefined);
}

/** What an export's summary adds when its folder holds CloudTrail log files it did not write (ExportReport.others). */
export function othersNote(others: number): string {
  if (others === 0) return '';
  return `; the folder also holds ${others.toLocaleString('en')} CloudTrail log file${others === 1 ? '' : 's'} it did not write (other runs or times), which whoever gets the folder reads too: export into an empty folder to hand these on alone`;
}
