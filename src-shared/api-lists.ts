/**
 * The contract's fixed lists, free of zod: the renderer's first screen and its lazily loaded pages use
 * them without loading the schema library (building the zod contract cost ~150 ms of a launch). The
 * schemas in `api.ts` and `api-types.ts` are built from these same lists.
 */

/** The codes a failed call carries (the contract's ApiError). */
export const API_ERROR_CODES = ['bad-request', 'unknown-channel', 'not-found', 'unauthorized', 'failed'] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The attributes CloudTrail's LookupEvents filters on (one at a time, as AWS allows). */
export const LOOKUP_ATTRIBUTES = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;

/** What a run's report can be exported as. */
export const REPORT_FORMATS = ['html', 'pdf', 'json', 'csv', 'cloudtrail', 'bundle'] as const;
