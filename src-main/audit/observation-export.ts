import { open } from 'node:fs/promises';
import { MAX_PAGE_SIZE, type EventStore } from './event-store';

/**
 * A run's client-side observations — its calls that never reached KMS — as JSON Lines, oldest
 * first, one observation per line as the event store holds it. They are not CloudTrail records (AWS
 * never saw those calls), so they are not in the run's log files; an audit bundle carries them in
 * this file instead, for the verdicts that cite them. Read and written a page at a time.
 */
export async function exportObservations(store: EventStore, file: string, runId: string): Promise<{ observations: number }> {
  const out = await open(file, 'wx');
  let observations = 0;
  try {
    let nextToken: string | undefined;
    do {
      const page = store.observations({ runId, order: 'oldest', maxResults: MAX_PAGE_SIZE, nextToken });
      if (page.observations.length) await out.write(page.observations.map((o) => `${JSON.stringify(o.observation)}\n`).join(''));
      observations += page.observations.length;
      nextToken = page.nextToken;
    } while (nextToken);
  } finally {
    await out.close();
  }
  return { observations };
}
