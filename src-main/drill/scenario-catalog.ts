import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Scenario } from '../../src-shared/scenario';
import { loadScenarioFile } from './scenario-loader';

/** The built-in scenarios shipped in resources/scenarios, each a story from the seeds. */
export const BUILT_IN_DIR = fileURLToPath(new URL('../../resources/scenarios/', import.meta.url));

export function builtInScenarioNames(): string[] {
  return readdirSync(BUILT_IN_DIR).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => f.replace(/\.(ya?ml|json)$/, '')).sort();
}

export function builtInScenarios(): Scenario[] {
  return builtInScenarioNames().map((name) => loadScenarioFile(join(BUILT_IN_DIR, `${name}.yaml`)));
}

/**
 * A file path, or the name of a built-in scenario; undefined when it is neither. A folder is never
 * a scenario: one named like a built-in (a folder per drill for its reports) leaves the built-in
 * meant, and any other is returned so that reading it says it is a folder.
 */
export function resolveScenario(ref: string): string | undefined {
  const stats = statSync(ref, { throwIfNoEntry: false });
  const isFolder = stats?.isDirectory() ?? false;
  if (stats && !isFolder) return ref;
  const builtIn = join(BUILT_IN_DIR, `${ref}.yaml`);
  if (/^[a-z0-9-]+$/.test(ref) && existsSync(builtIn)) return builtIn;
  return isFolder ? ref : undefined;
}
