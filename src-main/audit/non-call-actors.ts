import type Database from 'better-sqlite3';

/**
 * Which caller contexts ("actors", record-codec.ts) write CloudTrail records that are not calls of
 * their own, so that counting calls leaves them out as a drill's totals do:
 *  - eventType AwsServiceEvent: what AWS does on its own — KMS rotating a key on schedule, deleting
 *    one at the end of its waiting period;
 *  - a record delivered to another account than the caller's (recipientAccountId is not
 *    userIdentity.accountId): the key owner's copy of a call made from another account, which
 *    CloudTrail writes beside the caller's own record (kms/cloudtrail-cross-account.ts).
 * eventType and recipientAccountId are caller fields, so they live in the actor, not in a column:
 * these records are the events of a few actors, found in the small `actors` table and then walked
 * through `events_by_actor`, never by reading every event.
 *
 * Actor ids are dictionary ids, handed out in increasing order and never reused once committed, so
 * each call only examines the actors added since the last one.
 */
export class NonCallActors {
  private readonly ids: number[] = [];
  private examinedUpTo = 0;

  constructor(private readonly statement: (sql: string) => Database.Statement) {}

  /** The actor ids whose records are not calls of their own, in increasing order. */
  list(): readonly number[] {
    const added = this.statement(`SELECT a.actor AS actor, json_valid(d.value) AND (
        json_extract(d.value, '$.eventType') = 'AwsServiceEvent'
        OR json_extract(d.value, '$.recipientAccountId') <> json_extract(d.value, '$.userIdentity.accountId')) AS notCall
      FROM actors a JOIN dict d ON d.id = a.actor WHERE a.actor > ? ORDER BY a.actor`).all(this.examinedUpTo) as { actor: number; notCall: number | null }[];
    for (const { actor, notCall } of added) {
      if (notCall === 1) this.ids.push(actor);
      this.examinedUpTo = actor;
    }
    return this.ids;
  }
}
