import type Database from 'better-sqlite3';

/**
 * Which caller contexts ("actors", record-codec.ts) are what AWS does on its own: records of
 * eventType AwsServiceEvent — KMS rotating a key on schedule, deleting one at the end of its waiting
 * period — which are CloudTrail records but no calls. eventType is a caller field, so it lives in
 * the actor, not in a column: these records are the events of a few actors, found in the small
 * `actors` table and then walked through `events_by_actor`, never by reading every event.
 *
 * Actor ids are dictionary ids, handed out in increasing order and never reused once committed, so
 * each call only examines the actors added since the last one.
 */
export class ServiceEventActors {
  private readonly ids: number[] = [];
  private examinedUpTo = 0;

  constructor(private readonly statement: (sql: string) => Database.Statement) {}

  /** The actor ids whose records are AwsServiceEvents, in increasing order. */
  list(): readonly number[] {
    const added = this.statement(`SELECT a.actor AS actor, json_valid(d.value) AND json_extract(d.value, '$.eventType') = 'AwsServiceEvent' AS service
      FROM actors a JOIN dict d ON d.id = a.actor WHERE a.actor > ? ORDER BY a.actor`).all(this.examinedUpTo) as { actor: number; service: number | null }[];
    for (const { actor, service } of added) {
      if (service === 1) this.ids.push(actor);
      this.examinedUpTo = actor;
    }
    return this.ids;
  }
}
