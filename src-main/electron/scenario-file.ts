import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';

/** The contract's ScenarioText cap: the editor is never handed more than the API would accept. */
export const MAX_SCENARIO_BYTES = 2 * 1024 * 1024;

/** Why a scenario file could not be opened, in words for an error dialog. */
export class ScenarioFileError extends Error {
  override name = 'ScenarioFileError';
}

/**
 * Reads a scenario file picked in File › Open Scenario… as UTF-8 text, at most `maxBytes`.
 * Plain Node (no electron), so the checks are tested without a window. Validation of the scenario
 * itself is the Drills editor's job; this only makes sure there is reasonable text to hand it.
 */
export async function readScenarioFile(file: string, maxBytes = MAX_SCENARIO_BYTES): Promise<string> {
  const name = basename(file);
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new ScenarioFileError(`${name} could not be read: ${err.code === 'ENOENT' ? 'it no longer exists' : err.message}.`);
  });
  // Checked before opening: opening a FIFO or a device would block or never end.
  if (!info.isFile()) throw new ScenarioFileError(`${name} is not a regular file.`);
  if (info.size > maxBytes) throw new ScenarioFileError(tooLarge(name, maxBytes, info.size));
  const bytes = await readAtMost(file, maxBytes);
  if (bytes.length > maxBytes) throw new ScenarioFileError(tooLarge(name, maxBytes));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ScenarioFileError(`${name} is not UTF-8 text: scenarios are YAML or JSON files.`);
  }
  if (text.trim() === '') throw new ScenarioFileError(`${name} is empty.`);
  return text;
}

/** Up to maxBytes + 1 bytes: one more than allowed tells a file that grew after stat() from one that fits. */
async function readAtMost(file: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** `size` is unknown when the file grew past the cap while it was read. */
function tooLarge(name: string, maxBytes: number, size?: number): string {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${name} is too large${size === undefined ? '' : ` (${mib(size)})`}: a scenario file may be at most ${mib(maxBytes)}.`;
}
