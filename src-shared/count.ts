/** A count as KeyDrill prints it, with thousands separators — the same in every locale, so a run's record and report repeat for its seed. */
export const count = (n: number): string => n.toLocaleString('en-US');
