// Writes resources/scenario.schema.json from the zod scenario schema (npm run schema).
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchemaText } from '../src-main/drill/scenario-json-schema';

writeFileSync(new URL('../resources/scenario.schema.json', import.meta.url), scenarioJsonSchemaText());
console.log('wrote resources/scenario.schema.json');
