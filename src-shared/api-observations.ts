import { z } from 'zod';
import { ClientObservation } from './client-observation';

/**
 * The API contract's part for client-side observations: KMS calls that never reached KMS (an
 * unreachable region, a step a drill played on the client). They are not CloudTrail records, so
 * they have channels of their own (`audit:observations`, `audit:observation-aggregate`) and never
 * appear in `audit:lookup`, `audit:aggregate` or a CloudTrail export.
 */
const IsoTime = z.iso.datetime({ offset: true });
const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region like us-east-1');

/** Observations of one run, a time range or a region (or one by its id), newest first unless asked otherwise, a page at a time. */
export const ObservationQuery = z.object({
  /** One observation by its id: a verdict's evidence cites observations by id as it cites records. */
  observationId: z.string().min(1).max(200).optional(),
  runId: z.string().max(200).optional(),
  startTime: IsoTime.optional(),
  endTime: IsoTime.optional(),
  region: Region.optional(),
  maxResults: z.number().int().min(1).max(2000).optional(),
  order: z.enum(['newest', 'oldest']).optional(),
  /** From the previous page of the same query. */
  nextToken: z.string().max(4096).optional(),
}).strict();
export type ObservationQuery = z.infer<typeof ObservationQuery>;

/** One observation and the drill run that made it (null for none). */
export const ObservationRow = ClientObservation.extend({ runId: z.string().nullable() });
export type ObservationRow = z.infer<typeof ObservationRow>;

export const ObservationPage = z.object({ observations: z.array(ObservationRow), nextToken: z.string().optional() });
export type ObservationPage = z.infer<typeof ObservationPage>;

export const ObservationDimension = z.enum(['operation', 'region', 'errorCode', 'cause']);
export type ObservationDimension = z.infer<typeof ObservationDimension>;

/** Observations per bucket by operation, region, error code or cause, for a chart beside the CloudTrail calls. */
export const ObservationAggregateQuery = z.object({
  by: ObservationDimension,
  startTime: IsoTime,
  endTime: IsoTime,
  bucketMinutes: z.number().int().min(1).max(43_200).optional(),
  runId: z.string().max(200).optional(),
}).strict();
export type ObservationAggregateQuery = z.infer<typeof ObservationAggregateQuery>;
