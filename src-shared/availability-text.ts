/**
 * An availability as a percentage to `digits` places that never reads as 100 % when the tenant was
 * down at all, nor as 0 % when it served at all: 30 days less one minute is 99.998 %, which two
 * places would round to "100.00%" in a table listing the tenant as hurt. Otherwise rounded as usual.
 */
export function availabilityText(percent: number, digits = 2): string {
  const text = percent.toFixed(digits);
  const step = 10 ** -digits;
  if (percent < 100 && Number(text) >= 100) return `${(100 - step).toFixed(digits)}%`;
  if (percent > 0 && Number(text) <= 0) return `${step.toFixed(digits)}%`;
  return `${text}%`;
}
