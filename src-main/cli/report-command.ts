import { resolve } from 'node:path';
import { reportFormatFor, writeReport } from '../report/write-report';
import { defineCommand } from './command-spec';
import { writeJUnit } from './junit-report';
import { summariseRun } from './drill-summary';
import { runService } from './scenario-input';
import { EXIT_OK, UsageError } from './usage-error';

/** `keydrill report <run-id> --out FILE`: a saved run exported again, in any format. */
export const reportCommand = defineCommand({
  path: ['report'],
  summary: 'export a saved run again: HTML, PDF, JSON, CSV or JUnit XML',
  description: 'Writes a report of a saved run (keydrill runs list shows them). The format follows the file name: .html (self-contained, with charts), .pdf (printed by an installed Chrome, Chromium or Edge), .json (the run record), .csv, or .xml (the verdicts as JUnit XML).',
  args: [{ name: 'run-id', complete: 'run', description: 'the id of a saved run (printed by keydrill drill run; keydrill runs list)' }],
  options: {
    out: { type: 'string', multiple: true, value: 'FILE', complete: 'file', description: 'the report file (.html, .pdf, .json, .csv or .xml); required' },
    json: { type: 'boolean', description: 'print [{file, format, bytes}] as JSON' },
  },
  examples: [
    { command: 'keydrill report revocation-and-restore-s11-1a2b3c4d --out report.pdf --out report.csv', note: 'two formats at once' },
  ],
  async run({ values, positionals }) {
    if (!values.out?.length) throw new UsageError('report: --out FILE is required (.html, .pdf, .json, .csv or .xml)');
    for (const file of values.out) {
      if (/\.xml$/i.test(file)) continue;
      try {
        reportFormatFor(file);
      } catch (err) {
        throw new UsageError(`--out ${file}: ${(err as Error).message.replace(/\.$/, '')}, or .xml for JUnit XML.`);
      }
    }
    const runs = runService();
    let record;
    try {
      record = runs.full(positionals[0] as string);
    } catch (err) {
      throw new UsageError(`report: ${(err as Error).message}`);
    } finally {
      runs.close();
    }
    const written: { file: string; format: string; bytes: number }[] = [];
    for (const file of values.out) {
      if (/\.xml$/i.test(file)) written.push({ ...(await writeJUnit(resolve(file), { kind: 'ran', summary: summariseRun(record), seconds: 0 })), format: 'junit' });
      else written.push(await writeReport(record, resolve(file)));
    }
    if (values.json) console.log(JSON.stringify(written));
    else for (const w of written) console.log(`report: ${w.file} (${w.format}, ${w.bytes} bytes)`);
    return EXIT_OK;
  },
});
