import { createHash } from 'node:crypto';
import { parentPort, type MessagePort } from 'node:worker_threads';
import { canonicalJson } from './canonical-json';

/**
 * The digest thread of a large drill (trail-digest.ts starts it): takes the run's CloudTrail records
 * as plain JSON lines, in order, and hashes each one's canonical JSON into the event-set digest.
 */
export type DigestRequest = { type: 'lines'; text: string } | { type: 'digest'; id: number };

export type DigestReply = { type: 'ready' } | { type: 'digest'; id: number; hex: string } | { type: 'failed'; id: number; message: string };

if (!parentPort) throw new Error('trail-digest-worker.ts runs only as a worker thread');
const port: MessagePort = parentPort;
const hash = createHash('sha256');
/** A line that could not be hashed: every digest from then on would leave it out, so none is given. */
let failure: string | undefined;

port.on('message', (request: DigestRequest) => {
  if (request.type === 'digest') {
    port.postMessage((failure === undefined ? { type: 'digest', id: request.id, hex: hash.copy().digest('hex') } : { type: 'failed', id: request.id, message: failure }) satisfies DigestReply);
    return;
  }
  if (failure !== undefined) return;
  for (const line of request.text.split('\n')) {
    try {
      hash.update(`${canonicalJson(JSON.parse(line))}\n`);
    } catch (err) {
      failure = `a record could not be read as JSON: ${(err as Error).message}`;
      return;
    }
  }
});
port.postMessage({ type: 'ready' } satisfies DigestReply);
