import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunRecord } from '../../src-shared/run-record';

/** Run records kept as JSON under <home>/runs, so `keydrill report <run-id>` can export them later. */
export function saveRun(dir: string, record: RunRecord): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${record.runId}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(record));
  renameSync(tmp, file);
  return file;
}

export function loadRun(dir: string, runId: string): RunRecord {
  if (!/^[a-z0-9-]+$/.test(runId)) throw new Error(`'${runId}' is not a run id (runs are named like revocation-and-restore-s11-1a2b3c4d)`);
  const file = join(dir, `${runId}.json`);
  if (!existsSync(file)) throw new Error(`no run ${runId} in ${dir}`);
  const parsed = RunRecord.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a valid run record: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
