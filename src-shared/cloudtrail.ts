import { z } from 'zod';

/**
 * A CloudTrail record for a KMS API call, with CloudTrail's own field names, so KeyDrill's records
 * and real CloudTrail logs are one format: exported files are read by Athena and CloudTrail Lake as
 * they are, and imported logs land in the same table as KeyDrill's own events.
 *
 * Real logs carry more fields than KeyDrill writes (tlsDetails, additionalEventData, sessionContext,
 * ...): the schema keeps them (`loose`) so an import loses nothing.
 * Never holds key material: requestParameters carry keyId, encryptionContext, keySpec and the like,
 * responseElements only identifiers.
 */

/**
 * An optional field, read as absent when it holds null. AWS leaves out a field that has no value,
 * but CloudTrail Lake and Athena exports write every column, null where it is empty — and a log of
 * those is the same evidence. (Fields KeyDrill does not know keep whatever they hold: `loose`.)
 */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

export const CloudTrailUserIdentity = z.looseObject({
  /** Absent from what AWS does on its own (an AwsServiceEvent names only the account and `invokedBy`). */
  type: optional(z.string()),
  principalId: optional(z.string()),
  arn: optional(z.string()),
  accountId: optional(z.string()),
  accessKeyId: optional(z.string()),
  userName: optional(z.string()),
  invokedBy: optional(z.string()),
});

export const CloudTrailResource = z.looseObject({
  ARN: optional(z.string()),
  accountId: optional(z.string()),
  type: optional(z.string()),
});

export const CloudTrailRecord = z.looseObject({
  eventVersion: z.string(),
  userIdentity: CloudTrailUserIdentity,
  /** ISO 8601 UTC with seconds precision, e.g. 2026-01-01T00:00:00Z (CloudTrail's format). */
  eventTime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'expected an ISO 8601 UTC time like 2026-01-01T00:00:00Z'),
  eventSource: z.string(),
  eventName: z.string(),
  awsRegion: z.string(),
  sourceIPAddress: optional(z.string()),
  userAgent: optional(z.string()),
  requestParameters: z.record(z.string(), z.unknown()).nullable().optional(),
  responseElements: z.record(z.string(), z.unknown()).nullable().optional(),
  errorCode: optional(z.string()),
  errorMessage: optional(z.string()),
  requestID: optional(z.string()),
  eventID: z.string().min(1),
  readOnly: optional(z.boolean()),
  resources: optional(z.array(CloudTrailResource)),
  eventType: optional(z.string()),
  managementEvent: optional(z.boolean()),
  recipientAccountId: optional(z.string()),
  /** The same on the records of one call delivered to two accounts (a call on another account's KMS key): caller's and key owner's. */
  sharedEventID: optional(z.string()),
  eventCategory: optional(z.string()),
});
export type CloudTrailRecord = z.infer<typeof CloudTrailRecord>;

/** A CloudTrail log file as delivered to S3: `{"Records": [...]}`. */
export const CloudTrailLogFile = z.object({ Records: z.array(z.unknown()) });

/** KMS operations that only read (CloudTrail's readOnly flag). Everything else is a write. */
export const KMS_READ_ONLY_EVENTS: ReadonlySet<string> = new Set([
  'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext', 'GenerateRandom', 'ReEncrypt', 'DescribeKey', 'ListKeys', 'ListAliases',
  'ListGrants', 'ListKeyPolicies', 'ListKeyRotations', 'ListResourceTags', 'ListRetirableGrants',
  'GetKeyPolicy', 'GetKeyRotationStatus', 'GetPublicKey', 'Sign', 'Verify', 'GenerateMac', 'VerifyMac',
]);

/**
 * Every AWS KMS API operation, by the name CloudTrail gives its events (eventName). The same list as
 * the commands of @aws-sdk/client-kms: test/unit/scenario-loader.test.ts holds them equal, and holds
 * every operation the embedded KMS answers, and every read-only one above, to be in it.
 */
export const KMS_API_OPERATIONS: ReadonlySet<string> = new Set([
  'CancelKeyDeletion', 'ConnectCustomKeyStore', 'CreateAlias', 'CreateCustomKeyStore', 'CreateGrant', 'CreateKey', 'Decapsulate',
  'Decrypt', 'DeleteAlias', 'DeleteCustomKeyStore', 'DeleteImportedKeyMaterial', 'DeriveSharedSecret', 'DescribeCustomKeyStores',
  'DescribeKey', 'DisableKey', 'DisableKeyRotation', 'DisconnectCustomKeyStore', 'EnableKey', 'EnableKeyRotation', 'Encapsulate',
  'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateDataKeyWithoutPlaintext',
  'GenerateMac', 'GenerateRandom', 'GetKeyLastUsage', 'GetKeyPolicy', 'GetKeyRotationStatus', 'GetParametersForImport', 'GetPublicKey',
  'ImportKeyMaterial', 'ListAliases', 'ListGrants', 'ListKeyPolicies', 'ListKeyRotations', 'ListKeys', 'ListResourceTags',
  'ListRetirableGrants', 'PutKeyPolicy', 'ReEncrypt', 'ReplicateKey', 'RetireGrant', 'RevokeGrant', 'RotateKeyOnDemand',
  'ScheduleKeyDeletion', 'Sign', 'TagResource', 'UntagResource', 'UpdateAlias', 'UpdateCustomKeyStore', 'UpdateKeyDescription',
  'UpdatePrimaryRegion', 'Verify', 'VerifyMac',
]);
