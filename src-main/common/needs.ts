/**
 * Executable invariants: `needs(cond, msg)` throws when an assumption the code relies on is false.
 * The message is the invariant as a sentence, and a test carries the same sentence as its title.
 */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

export function needs(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
