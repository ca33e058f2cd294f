import { z } from 'zod';
import { didYouMean } from './did-you-mean';
import { Expectation, Scenario, TimelineStep } from './scenario';

/**
 * The keys each kind of expectation and timeline step takes, read from the schema itself so they
 * cannot drift from it, and the message for a key an item does not take: which key, in which item
 * (its index and kind), what that kind allows, and the key meant when it is a slip.
 */

type Kinds = ReadonlyMap<string, readonly string[]>;

/** Keys per kind, in the order the schema declares them. */
function keysByKind(options: readonly z.ZodType[], discriminator: string): Kinds {
  const kinds = new Map<string, readonly string[]>();
  for (const option of options) {
    const object = option instanceof z.ZodPipe ? option.in : option;
    if (!(object instanceof z.ZodObject)) continue;
    const tag = object.shape[discriminator];
    if (tag instanceof z.ZodLiteral && typeof tag.value === 'string') kinds.set(tag.value, Object.keys(object.shape));
  }
  return kinds;
}

/** The keys of each expectation kind (`expect`). */
export const EXPECTATION_KEYS: Kinds = keysByKind(Expectation.options, 'expect');
/** The keys of each timeline step kind (`do`). */
export const STEP_KEYS: Kinds = keysByKind(TimelineStep.options, 'do');

const LISTS = {
  expectations: { discriminator: 'expect', kinds: EXPECTATION_KEYS, noun: 'expectation' },
  timeline: { discriminator: 'do', kinds: STEP_KEYS, noun: 'step' },
} as const;

/**
 * The message for `key`, which the object at `path` (in the scenario as written) does not take.
 * `item` is that object. For an expectation or timeline step of a known kind:
 *   unknown key "withn" in expectations[1] (error-code-after): did you mean within? error-code-after allows expect, after, code, within, cluster
 */
export function unknownKeyMessage(path: readonly PropertyKey[], key: string, item: unknown): string {
  const [list, index] = path;
  const where = path.length === 2 && (list === 'expectations' || list === 'timeline') && typeof index === 'number' ? LISTS[list] : undefined;
  const kind = where && item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[where.discriminator] : undefined;
  const allowed = where && typeof kind === 'string' ? where.kinds.get(kind) : undefined;
  if (!where || !allowed) {
    // Elsewhere (the top level, policy, topology…): the key meant, when it is a slip of one the object takes.
    const keys = objectKeysAt(Scenario, path);
    const like = keys ? didYouMean(key, keys) : undefined;
    return like ? `unknown key "${key}": did you mean ${like}?` : `unknown key "${key}"`;
  }
  const like = didYouMean(key, allowed);
  const elsewhere = like ? [] : [...where.kinds].filter(([, keys]) => keys.includes(key)).map(([other]) => other);
  return `unknown key "${key}" in ${String(list)}[${String(index)}] (${String(kind)}): ${like ? `did you mean ${like}? ` : ''}${String(kind)} allows ${allowed.join(', ')}`
    + (elsewhere.length ? ` (${key} is a key of ${elsewhere.slice(0, 3).join(', ')}${elsewhere.length > 3 ? '…' : ''})` : '');
}


/**
 * The message for a required `key` missing from the object at `path` (`item`):
 *   missing key "code": error-code-after needs it
 */
export function missingKeyMessage(path: readonly PropertyKey[], key: string, item: unknown): string {
  const [list] = path;
  const where = path.length === 2 && (list === 'expectations' || list === 'timeline') ? LISTS[list] : undefined;
  const kind = where && item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[where.discriminator] : undefined;
  return `missing key "${key}"${typeof kind === 'string' && where?.kinds.has(kind) ? `: ${kind} needs it` : ''}`;
}

/** The keys the object at `path` of a schema takes (through optional, default, pipe and array), or undefined where the schema is no plain object. */
function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let at: z.ZodType | undefined = schema;
  for (const step of [...path, undefined]) {
    for (;;) {
      if (at instanceof z.ZodOptional || at instanceof z.ZodDefault || at instanceof z.ZodPrefault || at instanceof z.ZodNullable) at = at.unwrap() as z.ZodType;
      else if (at instanceof z.ZodPipe) at = at.in as z.ZodType;
      else break;
    }
    if (step === undefined) return at instanceof z.ZodObject ? Object.keys(at.shape) : undefined;
    if (at instanceof z.ZodArray && typeof step === 'number') at = at.element as z.ZodType;
    else if (at instanceof z.ZodObject && typeof step === 'string') at = (at.shape as Record<string, z.ZodType>)[step];
    else return undefined;
  }
  return undefined;
}
