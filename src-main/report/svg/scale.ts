/** Ticks and rounding shared by the charts. */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 60 * DAY, 91 * DAY, 182 * DAY, 365 * DAY,
];

/** Offsets for the time axis: round durations ("1h", "2h"...), at most `maxTicks` of them after 0. */
export function timeTicks(duration: number, maxTicks = 8): number[] {
  if (duration <= 0) return [0];
  const step = TIME_STEPS.find((s) => duration / s <= maxTicks) ?? Math.ceil(duration / maxTicks / DAY) * DAY;
  const ticks: number[] = [];
  for (let t = 0; t <= duration; t += step) ticks.push(t);
  return ticks;
}

/** A rounded top for a value axis and its ticks: 0, 25, 50... for 0–100; 0, 2, 4, 6 for a max of 5.3. */
export function valueTicks(max: number, count = 4): { top: number; ticks: number[] } {
  if (!(max > 0)) return { top: 1, ticks: [0, 1] };
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)) as number;
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + step / 1e6; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { top, ticks };
}

/** One decimal is below a pixel at the sizes the report draws; it keeps the SVG small. */
export function r1(n: number): number {
  return Math.round(n * 10) / 10;
}

export function tickLabel(value: number): string {
  if (value >= 1_000_000) return `${Number((value / 1_000_000).toPrecision(3))}M`;
  if (value >= 10_000) return `${Number((value / 1000).toPrecision(3))}k`;
  return String(Number(value.toPrecision(6)));
}
