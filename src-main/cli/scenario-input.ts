import { join } from 'node:path';
import type { Scenario } from '../../src-shared/scenario';
import { builtInScenarioNames, resolveScenario } from '../drill/scenario-catalog';
import { loadScenarioFile, problemRows, ScenarioError, type ScenarioTarget } from '../drill/scenario-loader';
import { RunService } from '../app/run-service';
import { keydrillHome } from './keydrill-home';
import { UsageError, type InputProblem } from './usage-error';

/** The run store shared with the desktop window and `keydrill ui`: <data folder>/runs.sqlite. */
export const runService = (): RunService => new RunService(join(keydrillHome(), 'runs.sqlite'));

/**
 * A scenario named on the command line: a file, or the name of a built-in scenario, everywhere a
 * scenario is accepted. Problems become a UsageError (exit 2) listing each with its path and line.
 */
export function scenarioFrom(ref: string, command: string, target: ScenarioTarget = {}): { scenario: Scenario; file: string } {
  const file = resolveScenario(ref);
  if (!file) throw scenarioNotFound(ref, command);
  try {
    return { scenario: loadScenarioFile(file, target), file };
  } catch (err) {
    if (err instanceof ScenarioError) throw new UsageError(err.message, { code: 'invalid-scenario', path: err.file, problems: scenarioProblems(err) });
    throw err;
  }
}

/**
 * Nothing answers to `ref`: a path (it has a folder or a scenario file's extension) is a file that is
 * not there, said as such; a bare name is listed beside the built-in scenarios it could have meant.
 */
export function scenarioNotFound(ref: string, command: string): UsageError {
  if (/[\\/]|\.(ya?ml|json)$/i.test(ref)) return new UsageError(`${command}: no scenario file ${ref}: it does not exist`, { code: 'scenario-not-found', path: ref });
  return new UsageError(`${command}: no file or built-in scenario named '${ref}' (built-in: ${builtInScenarioNames().join(', ')})`, { code: 'scenario-not-found' });
}

/** A scenario's problems as `--json` lists them (drill validate, and drill run when it refuses the file). */
export function scenarioProblems(err: ScenarioError): InputProblem[] {
  return problemRows(err);
}
