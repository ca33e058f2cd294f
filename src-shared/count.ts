/** A count as KeyDrill prints it, with thousands separators — the same in every locale, so a run's record and report repeat for its seed. */
export const count = (n: number): string => n.toLocaleString('en-US');

/** "1 call", "1,812 calls": a count and its noun, singular for one (`plural` when the noun's is not noun + s). */
export const counted = (n: number, noun: string, plural = `${noun}s`): string => `${count(n)} ${n === 1 ? noun : plural}`;
