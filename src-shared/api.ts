import { z } from 'zod';
import { API_CHANNEL_NAMES, type ApiChannelName } from './api-channels';

/**
 * The whole surface between the UI and the main process: request channels (`domain:verb`) with
 * the zod schemas of their arguments and results. Electron IPC, the web bridge and the renderer's
 * client are all derived from this one map, so the allowlist cannot drift from the types.
 */

/** One KMS key as the UI lists it. Never carries key material. */
export const KeySummary = z.object({
  keyId: z.string(),
  arn: z.string(),
  region: z.string(),
  state: z.enum(['Enabled', 'Disabled', 'PendingDeletion', 'PendingReplicaDeletion']),
  description: z.string(),
  multiRegion: z.boolean(),
  role: z.enum(['single-region', 'primary', 'replica']),
  aliases: z.array(z.string()),
  materialVersions: z.number().int().nonnegative(),
  rotationEnabled: z.boolean(),
  nextRotation: z.string().nullable(),
  deletionDate: z.string().nullable(),
});
export type KeySummary = z.infer<typeof KeySummary>;

export const KmsStatus = z.object({
  backend: z.literal('embedded'),
  endpoint: z.string().nullable(),
  account: z.string(),
  dataDir: z.string().nullable(),
  identities: z.array(z.object({ name: z.string(), arn: z.string() })),
  keys: z.array(KeySummary),
});
export type KmsStatus = z.infer<typeof KmsStatus>;

type ChannelSpec = { args: z.ZodType; result: z.ZodType };

export const apiChannels = {
  'kms:status': { args: z.object({}).strict(), result: KmsStatus },
} as const satisfies Record<ApiChannelName, ChannelSpec>;

// Compile-time proof that the zod-free name list has no channel the map lacks, and vice versa.
type SameKeys<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : never;
const channelListMatchesMap: SameKeys<ApiChannelName, keyof typeof apiChannels> = true;
void channelListMatchesMap;

export type ApiChannel = keyof typeof apiChannels;
export type ApiArgs<C extends ApiChannel> = z.input<(typeof apiChannels)[C]['args']>;
export type ApiResult<C extends ApiChannel> = z.output<(typeof apiChannels)[C]['result']>;

export { API_CHANNEL_NAMES };

export function isApiChannel(name: unknown): name is ApiChannel {
  return typeof name === 'string' && Object.hasOwn(apiChannels, name);
}

/** Errors cross the boundary as a typed code and a message, never as a stack. */
export const ApiError = z.object({ code: z.enum(['bad-request', 'unknown-channel', 'failed']), message: z.string() });
export type ApiError = z.infer<typeof ApiError>;
