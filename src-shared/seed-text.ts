/**
 * The bounds of a drill's random seed (seed.ts builds its schema from them): a whole number from 0 to
 * the largest a double holds exactly. Plain numbers, no schema library: the Drills page checks what is
 * typed with them on the first screen, where zod is not loaded.
 */
export const SEED_RANGE = { min: 0, max: Number.MAX_SAFE_INTEGER } as const;

/**
 * A seed typed as text (a command-line option, a form field), or undefined when it is not one: only
 * decimal digits are taken, so "1e3", "0x10", "1.0" and "12abc", which Number() reads as numbers, are
 * refused; a minus sign passes the pattern only to be refused by the range, as in a scenario file.
 */
export function parseSeed(text: string): number | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  const n = Number(text);
  // BigInt: a number too long for a double must not pass as the one it rounds to.
  return n >= SEED_RANGE.min && n <= SEED_RANGE.max && BigInt(text) === BigInt(n) ? n : undefined;
}
