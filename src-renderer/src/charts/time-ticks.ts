import { formatDuration } from '../format';

/**
 * Round ticks and bucket names for the time axes: drill time (offsets from the drill's start, "+2h")
 * and wall-clock time (UTC, ISO style, 24-hour). A tick falls on a round step — 15 min, 6 h, 7 days —
 * never on a fraction of the span, and a drill axis ends on the drill's own length.
 */
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const STEPS = [
  1, 5, 10, 15, 30,
].map((s) => s * SECOND).concat(
  [1, 2, 5, 10, 15, 30].map((m) => m * MINUTE),
  [1, 2, 3, 6, 12].map((h) => h * HOUR),
  [1, 2, 7, 14, 30, 60, 90, 180, 365].map((d) => d * DAY),
);

/** The smallest round step that cuts `span` into at most `maxTicks` pieces. */
export function tickStep(span: number, maxTicks = 6): number {
  return STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / (365 * DAY)) * 365 * DAY;
}

/** Ticks for a drill-time axis [0, duration]: round steps from 0, and the duration itself as the last tick. */
export function drillTicks(duration: number, maxTicks = 6): number[] {
  if (!(duration > 0)) return [0];
  const step = tickStep(duration, maxTicks);
  const ticks: number[] = [];
  for (let t = 0; t < duration; t += step) ticks.push(t);
  // The end is always labelled; a round tick too close to it would overprint it.
  if (ticks.length > 1 && duration - (ticks.at(-1) as number) < step / 2) ticks.pop();
  ticks.push(duration);
  return ticks;
}

/** Ticks for a UTC axis [start, end]: multiples of a round step since the epoch (midnight UTC for days). */
export function wallTicks(start: number, end: number, maxTicks = 6): number[] {
  const step = tickStep(Math.max(end - start, SECOND), maxTicks);
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push(t);
  return ticks;
}

/** "+6h", "+60d": a drill-time tick. */
export const drillTickLabel = (t: number): string => (t === 0 ? '0' : `+${formatDuration(t)}`);

/** A UTC tick label, as precise as the step needs: "2026-01-05", "01-05 06:00", "06:30", "06:30:15". */
export function wallTickLabel(start: number, end: number, maxTicks = 6): (t: number) => string {
  const step = tickStep(Math.max(end - start, SECOND), maxTicks);
  const multiDay = end - start > DAY || new Date(start).toISOString().slice(0, 10) !== new Date(end).toISOString().slice(0, 10);
  return (t) => {
    const iso = new Date(t).toISOString();
    if (step >= DAY) return iso.slice(0, 10);
    if (step < MINUTE) return iso.slice(11, 19);
    return multiDay ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
  };
}

/** A bucket's length in words: "minute", "2 hours", "day", "7 days". */
export function bucketName(ms: number): string {
  const unit = (n: number, one: string) => (n === 1 ? one : `${n} ${one}s`);
  if (ms % DAY === 0) return unit(ms / DAY, 'day');
  if (ms % HOUR === 0) return unit(ms / HOUR, 'hour');
  if (ms % MINUTE === 0) return unit(ms / MINUTE, 'minute');
  return unit(Math.round(ms / SECOND), 'second');
}

/** "2026-01-01 06:00:00 UTC" (seconds shown only when the time has them). */
export function utcLabel(t: number): string {
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(17, 19) === '00' ? iso.slice(11, 16) : iso.slice(11, 19)} UTC`;
}
