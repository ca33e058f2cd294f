/**
 * `npm run bench -- <name>`: benchmark scripts. Each prints a table, compares against a baseline
 * measured in the same run (a ratio, never a fixed number of seconds) and writes JSON under
 * bench/results/.
 */
import { runDrillBench } from './drill-bench';
import { runEnvelopeBench } from './envelope-bench';
import { runImportBench } from './import-bench';
import { runKmsBench } from './kms-bench';
import { runReportBench } from './report-bench';
import { runStoreBench } from './store-bench';
import { runUiBench } from './ui-bench';

// The SDK warns on every client that Node 20 support ends in 2027; the benchmark output is no place for it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const benches: Record<string, (argv: string[]) => Promise<number>> = {
  kms: runKmsBench,
  store: runStoreBench,
  envelope: runEnvelopeBench,
  drill: runDrillBench,
  ui: runUiBench,
  report: runReportBench,
  import: runImportBench,
};

const [name = 'kms', ...rest] = process.argv.slice(2);
const bench = benches[name];
if (!bench) {
  console.error(`unknown benchmark '${name}'; available: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
process.exitCode = await bench(rest);
