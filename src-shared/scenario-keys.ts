import { z } from 'zod';
import { didYouMean } from './did-you-mean';
import { Expectation, TimelineStep } from './scenario';

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
  if (!where || !allowed) return `unknown key "${key}"`;
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
