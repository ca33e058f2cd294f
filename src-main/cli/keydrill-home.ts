import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where KeyDrill keeps its data unless told otherwise: $KEYDRILL_HOME, else ~/.keydrill. */
export function keydrillHome(): string {
  return process.env.KEYDRILL_HOME ? resolve(process.env.KEYDRILL_HOME) : join(homedir(), '.keydrill');
}
