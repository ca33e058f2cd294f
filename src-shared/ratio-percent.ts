/**
 * A ratio (0–1) as a percentage with `digits` decimals that reads 100% only when it is 1: a fleet's
 * millions of cache hits would round 99.9996% up to "100.00%" beside the KMS calls its misses made.
 * Just under 100% reads ">99.99%" (for 2 digits).
 */
export function ratioPercent(ratio: number, digits: number): string {
  if (ratio >= 1) return '100%';
  const text = (ratio * 100).toFixed(digits);
  return text === (100).toFixed(digits) ? `>${(100 - 10 ** -digits).toFixed(digits)}%` : `${text}%`;
}
