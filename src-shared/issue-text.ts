import type { z } from 'zod';

/**
 * A schema problem as the author of the input reads it: a scenario file (YAML or JSON, read as
 * YAML) or an imported CloudTrail log (JSON). The schema's own messages (a percentage, a duration,
 * an id) are kept; zod's generic ones — "Invalid input: expected int, received number", "Too small:
 * expected number to be >=0" — say what was written and what to write instead.
 */
export function issueText(issue: z.core.$ZodIssue, value: unknown, format: 'yaml' | 'json'): string {
  if (!/^(Invalid input|Invalid option|Too small|Too big):/.test(issue.message)) return issue.message;
  const words = WORDS[format];
  const got = written(value, words);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = words[issue.expected] ?? `a ${issue.expected}`;
      if (value === undefined) return `missing (expected ${expected})`;
      const hint = format === 'yaml' && issue.expected === 'boolean' && typeof value === 'string' && /^(yes|no|on|off|y|n)$/i.test(value) ? ' (YAML 1.2 reads yes, no, on and off as text)' : '';
      return `expected ${expected}, not ${got}${hint}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => String(v)).join(', ')}, not ${got}`;
    case 'too_small':
    case 'too_big': {
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const word = issue.code === 'too_small' ? (issue.inclusive ? 'at least' : 'more than') : issue.inclusive ? 'at most' : 'less than';
      if (issue.origin === 'string') return bound === 1 && issue.code === 'too_small' ? 'must not be empty' : `must be ${word} ${bound} characters long`;
      if (issue.origin === 'array') return `needs ${word} ${bound} item${bound === 1 ? '' : 's'}, not ${Array.isArray(value) ? value.length : got}`;
      return `must be ${word} ${bound}, not ${got}`;
    }
    default:
      return issue.message;
  }
}

const COMMON: Record<string, string> = { int: 'a whole number', number: 'a number', string: 'text', boolean: 'true or false' };

/** What each type is called where the author wrote it. */
const WORDS: Record<'yaml' | 'json', Record<string, string>> = {
  yaml: { ...COMMON, array: 'a list ([a, b] or one "- " item a line)', object: 'a mapping (key: value)', arrayValue: 'a list', objectValue: 'a mapping' },
  json: { ...COMMON, array: 'an array', object: 'an object', arrayValue: 'an array', objectValue: 'an object' },
};

/** The value as the author wrote it, with what the parser made of it. */
function written(value: unknown, words: Record<string, string>): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? (words.arrayValue as string) : (words.objectValue as string);
}
