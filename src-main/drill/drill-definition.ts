import type { Scenario } from '../../src-shared/scenario';

/** The validated scenario as plain JSON (durations in milliseconds), for the self-contained report. */
export function drillDefinition(scenario: Scenario): Record<string, unknown> {
  return JSON.parse(JSON.stringify(scenario)) as Record<string, unknown>;
}
