/**
 * What AWS KMS writes into CloudTrail for each operation, beyond the request as sent, taken from the
 * examples of the AWS KMS developer guide ("Examples of AWS KMS log entries",
 * https://docs.aws.amazon.com/kms/latest/developerguide/understanding-kms-entries.html, one ct-*
 * page per operation). test/fixtures/cloudtrail-kms-reference.ts restates each example in our own
 * words, and test/integration/cloudtrail-records.integration.test.ts holds every record KeyDrill
 * makes to them, operation by operation.
 */

/**
 * Request parameters KMS fills in when the request left them out: CloudTrail shows the request as
 * KMS understood it. Encrypt, Decrypt and ReEncrypt "always include the encryptionAlgorithm in the
 * requestParameters even if the encryption algorithm wasn't specified" (ct-decrypt); CreateKey shows
 * its defaulted description, origin, key spec and usage (ct-createkey); ReplicateKey and
 * PutKeyPolicy their defaulted flags (ct-replicate-key, ct-put-key-policy).
 */
export const REQUEST_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  Encrypt: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
  Decrypt: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
  ReEncrypt: { sourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', destinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
  CreateKey: {
    description: '', origin: 'AWS_KMS', bypassPolicyLockoutSafetyCheck: false,
    customerMasterKeySpec: 'SYMMETRIC_DEFAULT', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT',
  },
  ReplicateKey: { bypassPolicyLockoutSafetyCheck: false, description: '' },
  PutKeyPolicy: { policyName: 'default', bypassPolicyLockoutSafetyCheck: false },
  ScheduleKeyDeletion: { pendingWindowInDays: 30 },
};

/** Operations whose log entry carries no request parameters at all (ct-generaterandom). */
export const NO_REQUEST_PARAMETERS: ReadonlySet<string> = new Set(['GenerateRandom']);

/**
 * Write operations whose response CloudTrail keeps (identifiers and metadata only; blobs and grant
 * tokens are dropped before anything is kept): ct-createkey, ct-replicate-key,
 * ct-schedule-key-deletion, ct-cancel-key-deletion, ct-creategrant, ct-rotatekeyondemand.
 */
export const KEEP_RESPONSE: ReadonlySet<string> = new Set(['CreateKey', 'ReplicateKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion', 'CreateGrant', 'RotateKeyOnDemand']);

/**
 * Operations whose responseElements.keyId is the bare key id, though KMS answers with the key ARN
 * (ct-rotatekeyondemand shows the id under both requestParameters and responseElements).
 */
export const RESPONSE_KEY_ID_BARE: ReadonlySet<string> = new Set(['RotateKeyOnDemand']);

/** Response members CloudTrail leaves out when empty: a replica made without tags shows no replicaTags (ct-replicate-key). */
export const OMITTED_WHEN_EMPTY: ReadonlySet<string> = new Set(['ReplicaTags']);

/**
 * Operations that return nothing but whose entries, "recorded on or after December 2022, include the
 * key ARN of the affected KMS key in the responseElements.keyId value" (ct-disablekey,
 * ct-enablekey, ct-enablekeyrotation, ct-createalias, ct-updatealias; DisableKeyRotation is
 * EnableKeyRotation's twin). CreateGrant's entry adds it beside the grant id it keeps
 * (ct-creategrant), UpdatePrimaryRegion's names the key of its Region (ct-update-primary-region).
 */
export const KEY_ARN_RESPONSE: ReadonlySet<string> = new Set(['EnableKey', 'DisableKey', 'EnableKeyRotation', 'DisableKeyRotation', 'CreateAlias', 'UpdateAlias', 'CreateGrant', 'UpdatePrimaryRegion']);

/**
 * Request parameters that are twins: one the deprecated name of the other, always written with the
 * same value ("The KeySpec and CustomerMasterKeySpec parameters work the same way", API_CreateKey).
 * A request naming one gets the other as it is, before any default is filled in.
 */
export const TWIN_PARAMETERS: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  CreateKey: [['keySpec', 'customerMasterKeySpec']],
};

/**
 * Cryptographic operations whose entries name the key material they used in
 * `additionalEventData.keyMaterialId` (ct-encrypt, ct-decrypt, ct-generatedatakey,
 * ct-generatedatakeyplaintext); ReEncrypt names `sourceKeyMaterialId` and
 * `destinationKeyMaterialId` (ct-reencrypt).
 */
export const KEY_MATERIAL_OPERATIONS: ReadonlySet<string> = new Set(['Encrypt', 'Decrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncrypt']);

/** Request and response members that never reach a record: data, keys, tokens. */
export const DROPPED_MEMBERS: ReadonlySet<string> = new Set(['Plaintext', 'CiphertextBlob', 'GrantTokens', 'GrantToken', 'Recipient', 'CiphertextForRecipient', '$metadata']);

/** Members that are maps of caller-chosen keys: their keys are kept verbatim, not camelCased. */
export const VERBATIM_MAPS: ReadonlySet<string> = new Set(['EncryptionContext', 'SourceEncryptionContext', 'DestinationEncryptionContext', 'EncryptionContextSubset', 'EncryptionContextEquals']);

/** The CloudTrail event version KMS writes today (ct-decrypt, ct-encrypt, ct-reencrypt, ct-generatedatakey). */
export const KMS_EVENT_VERSION = '1.11';
