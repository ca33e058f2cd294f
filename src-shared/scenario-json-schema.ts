import { z } from 'zod';
import { ScenarioShape } from './scenario';

/**
 * The JSON Schema editors use to complete and check scenario files (resources/scenario.schema.json,
 * and the Drills page's editor), generated from the same zod schema the loader validates with,
 * describing the file as written (durations as strings, defaults optional).
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioShape, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: 'https://keydrill.dev/scenario.schema.json',
    title: 'KeyDrill scenario',
    description: 'A KeyDrill drill: topology and key hierarchy, policy, workload, a timeline of faults and operator actions, and expectations.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
