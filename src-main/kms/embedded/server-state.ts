import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from './data-folder';

/**
 * `server.json` in a data folder: where the `kms serve` that holds the folder is listening, so
 * `keydrill kms env` (and a credential_process) can hand out that server's endpoint with the
 * folder's credentials. Written at start (mode 0600), removed at a clean stop; a file left by a
 * server that died names a pid that is gone, and readers treat it as no server.
 */
export interface ServerState {
  endpoint: string;
  pid: number;
  /** CloudTrail LookupEvents is answered too (an event store is attached). */
  cloudTrail: boolean;
  acceptsTestCredentials: boolean;
  startedAt: string;
}

const FILE = 'server.json';

export function writeServerState(dir: string, state: ServerState): () => void {
  const file = join(dir, FILE);
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return () => {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as ServerState).pid === state.pid) rmSync(file, { force: true });
    } catch {
      // already gone, or rewritten by another server: leave it
    }
  };
}

/** The running server's state, or undefined when the folder has none or its process is gone. */
export function readServerState(dir: string): ServerState | undefined {
  const file = join(dir, FILE);
  if (!existsSync(file)) return undefined;
  let state: ServerState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as ServerState;
  } catch {
    return undefined;
  }
  if (typeof state.endpoint !== 'string' || !Number.isInteger(state.pid) || !isRunning(state.pid)) return undefined;
  return state;
}
