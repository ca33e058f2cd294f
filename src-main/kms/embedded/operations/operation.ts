import type { z } from 'zod';
import type { CallContext, KmsCore } from '../kms-core';
import { parseWireRequest } from '../wire-validation';

/**
 * One KMS operation: its wire schema and what it does. `handle` validates the raw JSON body first,
 * so an operation's body only ever sees a well-formed request.
 */
export interface Operation {
  /** Changes state: the scheduler looks again for due rotations and deletions afterwards. */
  readonly mutates: boolean;
  handle(core: KmsCore, call: CallContext, body: unknown): Record<string, unknown>;
}

export function operation<S extends z.ZodType>(
  schema: S,
  mutates: boolean,
  run: (core: KmsCore, call: CallContext, req: z.output<S>) => Record<string, unknown>,
): Operation {
  return {
    mutates,
    handle: (core, call, body) => {
      const req = parseWireRequest(schema, body);
      return mutates ? core.store.atomically(() => run(core, call, req)) : run(core, call, req);
    },
  };
}

export const b64 = (bytes: Buffer): string => bytes.toString('base64');
