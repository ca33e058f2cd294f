/**
 * Durations as scenario files write them: "90s", "5m", "1h30m", "7d", "2w". A year is written
 * "365d" (calendar years vary; drills need exact arithmetic). Parsed to milliseconds.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

export const DURATION_HINT = 'expected a duration like "90m", "1h30m" or "7d"';

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (!DURATION.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit as string] as number);
  return Math.round(total);
}

/**
 * The shortest exact rendering: 5400000 -> "1h30m". Milliseconds beside larger units are written as
 * decimal seconds, 3600020 -> "1h0.02s": never "1h20ms", which reads as 1h20m. Parses back exactly.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const total = Math.round(ms);
  if (total < 1000) return `${total}ms`;
  let rest = total;
  let out = '';
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = UNIT_MS[unit] as number;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  const seconds = Math.floor(rest / 1000);
  const milli = rest % 1000;
  if (milli > 0) out += `${seconds}.${String(milli).padStart(3, '0').replace(/0+$/, '')}s`;
  else if (seconds > 0) out += `${seconds}s`;
  return out;
}
