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
  'drills:fleet',
  'drills:run',
  'drills:cancel',
  'drills:running',
  'runs:list',
  'runs:get',
  'runs:overview',
  'runs:timeline',
  'runs:frames',
  'runs:moments',
  'runs:event-ids',
  'runs:delete',
  'audit:lookup',
  'audit:aggregate',
  'audit:event',
  'audit:observations',
  'audit:observation-aggregate',
  'reports:export',
  'reports:verify',
  'audit:import-files',
  'audit:import-lookup',
  'settings:get',
  'settings:set',
  'settings:test-connection',
] as const;
export type ApiChannelName = (typeof API_CHANNEL_NAMES)[number];

/** Events main pushes to the UI without being asked: a drill's progress, frames and end; imports; menu commands. */
export const API_EVENT_NAMES = ['drill:started', 'drill:progress', 'drill:finished', 'drill:frame', 'import:progress', 'import:finished', 'menu:command'] as const;
export type ApiEventName = (typeof API_EVENT_NAMES)[number];
