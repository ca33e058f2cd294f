import { useId } from 'react';

/**
 * One way to type a time everywhere: ISO 8601 in UTC, 24-hour, to the minute — "2026-01-01" or
 * "2026-01-01 06:30" (a "T" and a trailing "Z" are accepted too; the charts count whole minutes, so
 * the table's count and theirs agree). The browser's datetime-local
 * picker is not used: it shows the machine's locale (12-hour, local zone) under a UTC label.
 */
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?Z?$/;

/**
 * The instant a typed UTC time stands for, as ISO 8601, or an error saying what is wrong. A start
 * is the first second written ("2026-01-01" → 00:00:00), an end the last ("2026-01-01" → 23:59:59,
 * "06:30" → 06:30:59),
 * so both ends of a range are inclusive as the table reads them.
 */
export function parseUtc(text: string, edge: 'start' | 'end'): { iso: string } | { error: string } {
  const m = PATTERN.exec(text.trim());
  if (!m) return { error: `"${text.trim()}" is not a UTC time like 2026-01-01 06:30` };
  const [y, mo, d, h, mi] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v)));
  const end = edge === 'end';
  const [hh, mm, ss] = [h ?? (end ? 23 : 0), mi ?? (end ? 59 : 0), end ? 59 : 0];
  const t = Date.UTC(y as number, (mo as number) - 1, d as number, hh, mm, ss);
  const back = new Date(t);
  if (back.getUTCMonth() !== (mo as number) - 1 || back.getUTCDate() !== d || hh > 23 || mm > 59 || ss > 59) {
    return { error: `"${text.trim()}" is not a real date and time` };
  }
  return { iso: back.toISOString().replace('.000Z', 'Z') };
}

/** Checks a From/To pair as typed (either may be empty): the ISO bounds, or the error to show. */
export function parseUtcRange(from: string, to: string): { startTime?: string; endTime?: string } | { error: string } {
  const out: { startTime?: string; endTime?: string } = {};
  if (from.trim()) {
    const p = parseUtc(from, 'start');
    if ('error' in p) return { error: `From: ${p.error}.` };
    out.startTime = p.iso;
  }
  if (to.trim()) {
    const p = parseUtc(to, 'end');
    if ('error' in p) return { error: `To: ${p.error}.` };
    out.endTime = p.iso;
  }
  if (out.startTime && out.endTime && out.startTime > out.endTime) return { error: `From (${from.trim()}) is after To (${to.trim()}): swap them.` };
  return out;
}

/** A text field for a UTC time, named "<label> (UTC)", with the format as its description. */
export function UtcTimeInput({ label, value, onChange, invalid }: { label: string; value: string; onChange: (text: string) => void; invalid?: boolean }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={`${id}-input`}>{label} (UTC)</label>
      <input id={`${id}-input`} className="utc-time mono" value={value} onChange={(e) => onChange(e.target.value)} placeholder="YYYY-MM-DD HH:MM" inputMode="numeric"
        spellCheck={false} autoComplete="off" aria-invalid={invalid || undefined} aria-describedby={`${id}-hint`} size={17} />
      <span id={`${id}-hint`} className="sr-only">24-hour, as 2026-01-01 06:30; a date alone means the whole day</span>
    </div>
  );
}
