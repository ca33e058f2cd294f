import type { CloudTrailRecord } from '../../src-shared/cloudtrail';

/**
 * Calls on a KMS key of another account — a SaaS vendor's role using its customer's key, the BYOK
 * case of the seeds — are written to CloudTrail twice: "Cross-account operations on KMS keys are
 * logged in both the caller account and the KMS key owner account. However, cross-account AWS KMS
 * requests that are rejected because access is denied are logged only in the caller's account"
 * (KMS developer guide, logging-using-cloudtrail). The two records of one call share a
 * `sharedEventID` and each has its own `eventID` and `recipientAccountId` (CloudTrail record
 * contents, sharedEventID). Without the key owner's copy the customer's trail would not show who used
 * their key — the evidence a BYOK customer's auditor asks for first.
 *
 * The guide shows no key owner's copy of a KMS record, so the copy carries the caller's record as it
 * is but for those two fields: nothing is added that AWS does not document.
 */

/** Errors for which only the caller's account gets a record: access denied, and a key that does not exist (no owner to deliver to). */
const CALLER_ONLY_ERRORS: ReadonlySet<string> = new Set(['AccessDeniedException', 'NotFoundException']);

/** The account that owns a KMS key or alias ARN (`arn:aws:kms:region:account:key/…`). */
export function accountOfKmsArn(arn: string | undefined): string | undefined {
  if (!arn?.startsWith('arn:aws:kms:')) return undefined;
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/** The account of the key a call used when it is not the caller's and CloudTrail writes the call to that account too; else undefined. */
export function keyOwnerToNotify(callerAccount: string | undefined, keyArns: readonly string[], errorCode: string | undefined): string | undefined {
  if (!callerAccount || (errorCode !== undefined && CALLER_ONLY_ERRORS.has(errorCode))) return undefined;
  const owner = accountOfKmsArn(keyArns[0]);
  return owner && owner !== callerAccount ? owner : undefined;
}

/** The record the key owner's account receives for a cross-account call (the caller's has `sharedEventID`), with its own event id; undefined for any other record. */
export function keyOwnerCopy(record: CloudTrailRecord, newEventId: () => string): CloudTrailRecord | undefined {
  const owner = keyOwnerOf(record);
  if (!owner || owner === record.recipientAccountId) return undefined;
  // Spread keeps CloudTrail's field order: eventID and recipientAccountId stay where they were. The
  // nested parts are shared with the caller's record; sinks never change them.
  return { ...record, eventID: newEventId(), recipientAccountId: owner };
}

/** Whether a record is the key owner's copy of a call made from another account (not a call of its own: calls are counted from the caller's record). */
export function isKeyOwnerCopy(record: CloudTrailRecord): boolean {
  const owner = keyOwnerOf(record);
  return owner !== undefined && record.recipientAccountId === owner && record.userIdentity.accountId !== owner;
}

function keyOwnerOf(record: CloudTrailRecord): string | undefined {
  if (typeof record.sharedEventID !== 'string') return undefined;
  return record.resources?.[0]?.accountId;
}
