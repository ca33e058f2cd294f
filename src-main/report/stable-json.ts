import { z } from 'zod';

/**
 * JSON whose bytes depend only on the data: object keys in the schema's order (so `format` and
 * `version` lead, as docs/run-record.md lists them), keys of free-form maps (`z.record`, unknown
 * values) sorted, two-space indentation, arrays of plain values (a [time, value] point) on one line.
 * Two deep-equal records give the same text however their maps were filled.
 */
export function stableJson(value: unknown, schema: z.ZodType): string {
  return `${write(value, schema, '')}\n`;
}

/**
 * One value as stableJson writes it at `indent` (its first line unindented, as after `"key": `), so a
 * document too large for one string can be written a piece at a time with the same bytes.
 */
export function stableJsonAt(value: unknown, schema: z.ZodType | undefined, indent: string): string {
  return write(value, schema, indent);
}

function write(value: unknown, schema: z.ZodType | undefined, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  const s = unwrap(schema);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v) ?? 'null').join(', ')}]`;
    const items = value.map((v, i) => `${inner}${write(v, elementSchema(s, i), inner)}`);
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  const record = value as Record<string, unknown>;
  let keys: string[];
  let childSchema: (key: string) => z.ZodType | undefined;
  if (s instanceof z.ZodObject) {
    const shape = s.shape as Record<string, z.ZodType>;
    keys = Object.keys(shape).filter((k) => record[k] !== undefined);
    childSchema = (k) => shape[k];
  } else {
    keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    const valueSchema = s instanceof z.ZodRecord ? (s.valueType as z.ZodType) : undefined;
    childSchema = () => valueSchema;
  }
  if (keys.length === 0) return '{}';
  const entries = keys.map((k) => `${inner}${JSON.stringify(k)}: ${write(record[k], childSchema(k), inner)}`);
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s;
}

function elementSchema(schema: z.ZodType | undefined, index: number): z.ZodType | undefined {
  if (schema instanceof z.ZodArray) return schema.element as z.ZodType;
  if (schema instanceof z.ZodTuple) return (schema.def.items as z.ZodType[])[index];
  return undefined;
}
