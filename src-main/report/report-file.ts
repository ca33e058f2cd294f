import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ReportError } from './report-error';

/** A file as written: where, how many bytes, and the SHA-256 of exactly those bytes (for the manifest). */
export interface WrittenFile {
  file: string;
  bytes: number;
  sha256: string;
}

/** Text is gathered to about this many characters before each write: few system calls, little memory. */
const WRITE_CHUNK = 1 << 20;

/**
 * Writes `chunks` to a temporary file beside `file`, flushed and renamed over it only once all of
 * it is written — so a failed export (a record that does not match the schema half-way, a full
 * disk) leaves the previous file or nothing, never half a report. The chunks are consumed as they
 * are written: the whole report never has to exist in memory. Hashes the bytes on the way.
 */
export async function writeFileAtomically(file: string, chunks: Iterable<string | Buffer>, what: string): Promise<WrittenFile> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const hash = createHash('sha256');
  let bytes = 0;
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx');
  } catch (err) {
    throw new ReportError('write-failed', `Could not write the ${what} to ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const out = handle;
    const write = async (data: Buffer): Promise<void> => {
      hash.update(data);
      bytes += data.length;
      await out.write(data);
    };
    let pending: string[] = [];
    let pendingChars = 0;
    for (const chunk of chunks) {
      if (typeof chunk !== 'string') {
        await write(Buffer.from(pending.join(''), 'utf8'));
        pending = [];
        pendingChars = 0;
        await write(chunk);
        continue;
      }
      pending.push(chunk);
      pendingChars += chunk.length;
      if (pendingChars >= WRITE_CHUNK) {
        await write(Buffer.from(pending.join(''), 'utf8'));
        pending = [];
        pendingChars = 0;
      }
    }
    await write(Buffer.from(pending.join(''), 'utf8'));
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, file);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    if (err instanceof ReportError) throw err;
    throw new ReportError('write-failed', `Could not write the ${what} to ${file}: ${(err as Error).message}`, { cause: err });
  }
  return { file, bytes, sha256: hash.digest('hex') };
}

/**
 * Puts the finished folder `from` where the folder `to` is, replacing it: `to` is moved aside first
 * and put back if the move fails, so either the old folder or the new one is there, never neither.
 */
export async function swapFolder(from: string, to: string): Promise<void> {
  const old = `${from}.old`;
  await rename(to, old);
  try {
    await rename(from, to);
  } catch (err) {
    await rename(old, to);
    throw err;
  }
  await rm(old, { recursive: true, force: true });
}
