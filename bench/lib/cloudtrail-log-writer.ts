import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SAMPLE = join(import.meta.dirname, '../../resources/sample-cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/15/111122223333_CloudTrail_us-east-1_20260115T0905Z_Kd7fQm2ZpL4xRt8W.json');

/**
 * Writes one CloudTrail log file of `records` Decrypt records (the sample logs' Decrypt, each with its
 * own eventID and second) a record at a time, so a file larger than memory can be written: the
 * input of the import benchmark. Returns its size in bytes.
 */
export async function writeLogFile(file: string, records: number): Promise<number> {
  const template = (JSON.parse(readFileSync(SAMPLE, 'utf8')) as { Records: Record<string, unknown>[] }).Records.find((r) => r.eventName === 'Decrypt');
  if (!template) throw new Error(`${SAMPLE} holds no Decrypt record`);
  const out = createWriteStream(file);
  const start = Date.parse('2026-01-15T00:00:00Z');
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"Records":[');
  for (let i = 0; i < records; i++) {
    const eventTime = new Date(start + i * 1000).toISOString().replace('.000Z', 'Z');
    await write(`${i ? ',' : ''}${JSON.stringify({ ...template, eventID: `bench-${i}`, eventTime })}`);
  }
  await write(']}');
  out.end();
  await once(out, 'finish');
  return bytes;
}
