import type { z } from 'zod';

/**
 * A schema problem as a scenario's author reads it. The schema's own messages (a percentage, a
 * duration, an id) are kept; zod's generic ones — "Invalid input: expected int, received number",
 * "Too small: expected number to be >=0" — say what was written and what to write instead.
 */
export function scenarioIssueText(issue: z.core.$ZodIssue, value: unknown): string {
  if (!/^(Invalid input|Invalid option|Too small|Too big):/.test(issue.message)) return issue.message;
  const got = written(value);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? `a ${issue.expected}`;
      const hint = issue.expected === 'boolean' && typeof value === 'string' && /^(yes|no|on|off|y|n)$/i.test(value) ? ' (YAML 1.2 reads yes, no, on and off as text)' : '';
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

const EXPECTED: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list ([a, b] or one "- " item a line)',
  object: 'a mapping (key: value)',
};

/** The value as the author wrote it, with what YAML made of it. */
function written(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}
