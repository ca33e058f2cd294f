import { useRef, useState } from 'react';
import { call } from './api-client';

/** As the contract allows (drills:fleet): one short row per tenant fits thousands of tenants. */
const MAX_BYTES = 2 * 1024 * 1024;

/**
 * "Drill your fleet": a CSV inventory of the user's tenants made into a scenario in the editor
 * (`keydrill drill fleet`'s defaults: 30 days, a 3 h outage of the busiest region). The user then
 * changes the outage, the duration or anything else in the editor, with its checks.
 */
export function FleetInventory({ onScenario }: { onScenario: (text: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [note, setNote] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function make(file: File | undefined): Promise<void> {
    if (!file) return;
    setNote(undefined);
    setError(undefined);
    if (file.size > MAX_BYTES) return setError(`${file.name} is larger than 2 MiB; make its scenario with keydrill drill fleet.`);
    setBusy(true);
    try {
      const made = await call('drills:fleet', { inventory: await file.text(), name: file.name });
      onScenario(made.text);
      const ignored = made.ignored.length ? ` Read past the column${made.ignored.length === 1 ? '' : 's'} ${made.ignored.map((c) => `'${c}'`).join(', ')}.` : '';
      setNote(`${made.tenants.toLocaleString('en')} tenant${made.tenants === 1 ? '' : 's'} from ${file.name}.${ignored} Change the outage or the duration in the editor.`);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
      // The same file chosen again (after fixing it) is read again.
      if (input.current) input.current.value = '';
    }
  }

  return (
    <div className="fleet-inventory">
      <button type="button" disabled={busy} onClick={() => input.current?.click()}>{busy ? 'Reading the inventory…' : 'Drill your fleet: from a CSV inventory…'}</button>
      <input ref={input} type="file" accept=".csv,text/csv" hidden aria-label="CSV inventory of tenants" data-testid="fleet-inventory-input"
        onChange={(e) => void make(e.target.files?.[0])} />
      <p className="muted">One row per tenant: tenant, region, and optionally replicas (regions, separated by ;), nodes, databases, zones.</p>
      {note ? <p role="status" data-testid="fleet-inventory-note">{note}</p> : null}
      {error ? <p className="error" role="alert" data-testid="fleet-inventory-error">{error}</p> : null}
    </div>
  );
}
