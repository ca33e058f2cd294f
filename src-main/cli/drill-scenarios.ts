import { readFileSync } from 'node:fs';
import { formatDuration } from '../../src-shared/duration';
import { builtInScenarioNames, builtInScenarios, resolveScenario } from '../drill/scenario-catalog';
import { loadScenarioFile, ScenarioError } from '../drill/scenario-loader';
import { defineCommand } from './command-spec';
import { scenarioNotFound, scenarioProblems } from './scenario-input';
import { EXIT_OK, EXIT_USAGE, UsageError } from './usage-error';

/** `keydrill drill list | validate | show`: the built-in scenarios and scenario files. */

export const drillListCommand = defineCommand({
  path: ['drill', 'list'],
  summary: 'the built-in scenarios',
  description: 'Each built-in scenario is a worked example from a story in the vendor documents; run one by name, or copy it out with keydrill drill show NAME > my.yaml and change it.',
  options: { json: { type: 'boolean', description: 'print [{name, title, description, duration, steps, expectations}] as JSON' } },
  examples: [{ command: 'keydrill drill list', note: 'names and titles' }],
  async run({ values, output }) {
    const scenarios = builtInScenarios();
    if (values.json) {
      output.json(scenarios.map((s) => ({ name: s.name, title: s.title, description: s.description, duration: formatDuration(s.duration), steps: s.timeline.length, expectations: s.expectations.length })));
    } else {
      for (const s of scenarios) console.log(`${s.name.padEnd(36)} ${s.title}`);
    }
    return EXIT_OK;
  },
});

export const drillValidateCommand = defineCommand({
  path: ['drill', 'validate'],
  summary: 'check a scenario file or built-in scenario; every problem names its path and line',
  description: 'Reads the scenario as keydrill drill run would and reports every problem on its own line with the path and the line, e.g. "timeline[3].at: expected a duration like "90m" (line 41)". Exit 0 when valid, 2 otherwise.',
  args: [{ name: 'scenario', complete: 'scenario', description: 'a scenario file (YAML or JSON) or a built-in scenario name' }],
  options: { json: { type: 'boolean', description: 'print {file, valid, title, steps, expectations} or {file, valid: false, problems: [{path, line, column (a syntax error), message}]}' } },
  examples: [
    { command: 'keydrill drill validate my-drill.yaml', note: 'check a file before running it' },
    { command: 'keydrill drill validate revocation-and-restore', note: 'a built-in scenario, by name' },
  ],
  async run({ values, positionals, output }) {
    const ref = positionals[0] as string;
    const file = resolveScenario(ref);
    if (!file) throw scenarioNotFound(ref, 'drill validate');
    try {
      const s = loadScenarioFile(file);
      if (values.json) output.json({ file, valid: true, name: s.name, title: s.title, steps: s.timeline.length, expectations: s.expectations.length });
      else console.log(`${ref}: valid — ${s.title} (${plural(s.timeline.length, 'step')}, ${plural(s.expectations.length, 'expectation')})`);
      return EXIT_OK;
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      if (values.json) {
        output.json({ file, valid: false, problems: scenarioProblems(err) });
        return EXIT_USAGE;
      }
      throw new UsageError(err.message);
    }
  },
});

export const drillShowCommand = defineCommand({
  path: ['drill', 'show'],
  summary: 'print a built-in scenario\'s YAML, to copy and change',
  description: 'Prints the scenario file exactly as shipped (comments included), so keydrill drill show NAME > my.yaml gives a starting point that keydrill drill validate and drill run accept.',
  args: [{ name: 'name', complete: 'scenario', description: 'a built-in scenario name (keydrill drill list), or a scenario file' }],
  options: {},
  examples: [{ command: 'keydrill drill show revocation-and-restore > my-drill.yaml', note: 'copy a built-in scenario out to edit it' }],
  async run({ positionals }) {
    const ref = positionals[0] as string;
    const file = resolveScenario(ref);
    if (!file) throw new UsageError(`drill show: no built-in scenario named '${ref}' (built-in: ${builtInScenarioNames().join(', ')})`, { code: 'scenario-not-found' });
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(`drill show: ${file}: ${code === 'EISDIR' ? 'this is a folder, not a scenario file' : `cannot read the file (${code ?? (err as Error).message})`}`, { code: 'scenario-not-found', path: file });
    }
    process.stdout.write(text);
    return EXIT_OK;
  },
});

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
