/**
 * The name among `candidates` that `word` is most likely a slip for: the same letters swapped or
 * recased ("Decrpyt", "atleast"), or a letter or two missing, extra or wrong ("withn", "databse");
 * undefined when none is that close. Used wherever a scenario names something from a fixed set
 * (KMS operations, the keys an expectation or step takes).
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const names = [...candidates];
  const shuffled = names.find((name) => sameLetters(name, word));
  if (shuffled !== undefined) return shuffled;
  // Short words get one edit: at two, "at" would be a slip for "to".
  const allowed = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** A misspelling that swaps or recases letters ("Decrpyt", "decrypt"). */
function sameLetters(a: string, b: string): boolean {
  const letters = (text: string) => [...text.toLowerCase()].sort().join('');
  return letters(a) === letters(b);
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
