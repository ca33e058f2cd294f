/**
 * `npm run bench -- import [--records 20000,200000,1000000]`: one CloudTrail log file of each size
 * (1,000,000 records is about 1.4 GB, larger than one string), imported into a fresh event store in a
 * process of its own — wall time, time per record and peak RSS, as ratios to the smallest file (the
 * baseline). Files are read a record at a time: time per record stays flat and peak memory does not
 * follow the file's size (a file over 32 MiB of records is read twice: checked whole, then stored).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLogFile } from './lib/cloudtrail-log-writer';
import type { ImportMeasurement } from './lib/import-run';
import { printTable } from './lib/stats';

export async function runImportBench(argv: string[] = []): Promise<number> {
  const sizesArg = argv[argv.indexOf('--records') + 1];
  const sizes = argv.includes('--records') && sizesArg ? sizesArg.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0) : [20_000, 200_000, 1_000_000];
  const dir = mkdtempSync(join(tmpdir(), 'keydrill-import-bench-'));
  const rows: (string | number)[][] = [];
  const results: (ImportMeasurement & { records: number; fileBytes: number })[] = [];
  try {
    for (const records of sizes) {
      const file = join(dir, `log-${records}.json`);
      const fileBytes = await writeLogFile(file, records);
      const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/lib/import-run.ts', file, join(dir, `events-${records}.sqlite`)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
      rmSync(file);
      const m = { records, fileBytes, ...(JSON.parse(out.trim().split('\n').at(-1) as string) as ImportMeasurement) };
      if (m.imported !== records) throw new Error(`imported ${m.imported} of ${records} records`);
      results.push(m);
      const base = results[0] as (typeof results)[number];
      const usPerRecord = (x: typeof m) => (x.wallMs * 1000) / x.records;
      rows.push([
        records, (fileBytes / 1e6).toFixed(0), (m.wallMs / 1000).toFixed(1), usPerRecord(m).toFixed(1), `${(usPerRecord(m) / usPerRecord(base)).toFixed(2)}×`,
        m.peakRssMiB.toFixed(0), `${(m.peakRssMiB / base.peakRssMiB).toFixed(2)}×`, `${(fileBytes / base.fileBytes).toFixed(0)}×`,
      ]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`Import of one CloudTrail log file into a fresh event store (each in its own process; load ${loadavg().map((l) => l.toFixed(2)).join(' ')})\n`);
  printTable(['records', 'file MB', 'wall s', 'µs / record', 'vs base', 'peak RSS MiB', 'vs base', 'file size vs base'], rows);
  mkdirSync('bench/results', { recursive: true });
  const out = join('bench/results', `import-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify({ bench: 'import', node: process.version, load: loadavg(), results }, null, 2));
  console.log(`\nResults written to ${out}`);
  return 0;
}
