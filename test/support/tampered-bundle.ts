import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

export const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/**
 * A copy of an audit bundle at `copy` with `change` applied to its first CloudTrail file, and
 * SHA256SUMS rewritten to match, as a careful tamperer would: `sha256sum -c` passes it, only the
 * seal and the event set show it.
 */
export function tamperedCopy(bundle: string, copy: string, change: (records: Record<string, unknown>[]) => Record<string, unknown>[]): string {
  spawnSync('cp', ['-r', bundle, copy]);
  const sums = readFileSync(join(copy, 'SHA256SUMS'), 'utf8').split('\n');
  const line = sums.findIndex((l) => l.includes('  cloudtrail/'));
  const path = (sums[line] as string).slice(66);
  const file = join(copy, ...path.split('/'));
  const log = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { Records: Record<string, unknown>[] };
  const bytes = gzipSync(JSON.stringify({ Records: change(log.Records) }));
  writeFileSync(file, bytes);
  sums[line] = `${sha256(bytes)}  ${path}`;
  writeFileSync(join(copy, 'SHA256SUMS'), sums.join('\n'));
  return copy;
}

/** SHA256SUMS of `dir` rewritten over its files as they are now, as `sha256sum FILES > SHA256SUMS` would: `sha256sum -c` passes it. */
export function resealed(dir: string): string {
  const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8').split('\n').filter(Boolean);
  writeFileSync(join(dir, 'SHA256SUMS'), sums.map((line) => `${sha256(readFileSync(join(dir, ...line.slice(66).split('/'))))}  ${line.slice(66)}\n`).join(''));
  return dir;
}
