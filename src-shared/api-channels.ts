/**
 * The names of the API contract's request channels and pushed events, free of zod so the sandboxed
 * preload script can carry them without bundling a schema library. `api.ts` checks at compile time
 * that these lists and its schema maps have exactly the same keys, so the allowlist cannot drift
 * from the contract.
 */
export const API_CHANNEL_NAMES = [
  'kms:status',
  'drills:list',
  'drills:validate',
  'drills:run',
  'runs:list',
  'runs:get',
  'audit:lookup',
  'audit:aggregate',
  'audit:event',
  'reports:export',
  'settings:get',
  'settings:set',
  'settings:test-connection',
] as const;
export type ApiChannelName = (typeof API_CHANNEL_NAMES)[number];

/** Events main pushes to the UI without being asked (a drill's progress and its end). */
export const API_EVENT_NAMES = ['drill:progress', 'drill:finished'] as const;
export type ApiEventName = (typeof API_EVENT_NAMES)[number];
