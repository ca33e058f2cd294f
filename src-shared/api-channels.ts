/**
 * The names of the API contract's request channels, free of zod so the sandboxed preload script
 * can carry them without bundling a schema library. `api.ts` checks at compile time that this list
 * and its schema map have exactly the same keys, so the allowlist cannot drift from the contract.
 */
export const API_CHANNEL_NAMES = ['kms:status'] as const;
export type ApiChannelName = (typeof API_CHANNEL_NAMES)[number];
