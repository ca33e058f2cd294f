/**
 * Node statuses are free text from the simulator ("serving", "shut-down", "starting"...). Reports
 * colour them by what they mean for the reader: serving, not serving, or somewhere in between.
 */
export type Tone = 'ok' | 'bad' | 'warn';

export function statusTone(status: string): Tone {
  const s = status.toLowerCase();
  if (/down|shut|crash|stop|fail|lost|unavailable|unreachable|dead/.test(s)) return 'bad';
  if (/cache|degraded|start|pending|recover/.test(s)) return 'warn';
  if (/serv|run|up|healthy|ok|ready/.test(s)) return 'ok';
  return 'warn';
}
