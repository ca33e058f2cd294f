import { formatDuration } from './duration';

/** Before this share of a drill, or this much wall time of playing, its pace does not yet tell how long the rest takes. */
const MIN_FRACTION = 0.02;
const MIN_PLAYED_MS = 2_000;

/**
 * How long a drill has left to play, from how far it got (`fraction` of its drill time) and how
 * long the part since `fromFraction` took (`playedMs` of wall time; the CLI counts from the first
 * event, so the set-up is not counted; a window that takes up a drill already playing counts from
 * where it found it): "about 1m10s left", rounded to 5 s under a minute, 10 s under ten minutes
 * and a minute beyond. Undefined while it is too early to tell, and once it is done. The pace is
 * the drill's own so far, so the busy hours of an outage still ahead make the rest take longer than
 * said: hence "about". The CLI's progress line and the Drills page both say it, so a fleet drill of
 * a minute or more says how long it will be.
 */
export function timeLeftText(fraction: number, playedMs: number, fromFraction = 0): string | undefined {
  const progress = fraction - fromFraction;
  if (!(progress >= MIN_FRACTION && fraction < 1) || !(playedMs >= MIN_PLAYED_MS)) return undefined;
  const left = (playedMs * (1 - fraction)) / progress;
  const step = left < 60_000 ? 5_000 : left < 600_000 ? 10_000 : 60_000;
  return `about ${formatDuration(Math.max(step, Math.round(left / step) * step))} left`;
}
