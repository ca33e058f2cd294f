import { scenarioJsonSchema } from '../../src-shared/scenario-json-schema';

export { scenarioJsonSchema };

export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
