import { InvalidEventError, type NewEvent } from './event-store';
import { encodeObservation, legacyObservationOf, type EncodedObservation, type NewObservation } from './observation-codec';
import { eventIdKey, RecordEncoder, usernameOf } from './record-codec';

/**
 * A batch of events encoded for the writer (batch-writer.ts), in a form that crosses to a worker
 * thread cheaply: numbers in typed arrays (transferred, not copied) and each distinct string of
 * the batch once. The caller's thread does the encoding, the writer's thread only SQLite: the
 * two halves of ingest cost about the same per row, so on two cores they overlap.
 */
export interface PackedBatch {
  count: number;
  /** Events refused while packing (reported through onInvalid). */
  invalid: number;
  /** Each distinct string of the batch once: rows refer to them by index. */
  strings: string[];
  /** ROW numbers per event; string fields are indexes into `strings`, -1 for none. */
  rows: Float64Array;
  eventIds: string[];
  /** 16 bytes per event: the stored form of its eventID when row field KEY is 1 (see eventIdKey). */
  keys: Uint8Array;
  bodies: (string | null)[];
  /** String indexes of each event's resources after the first, in event order (row field MORE says how many). */
  more: Int32Array;
  /** Per distinct caller context: actor, user name, access key id (string indexes, -1 for none). */
  actors: Int32Array;
  /** Per distinct resources array and resource type in it: resources, type (string indexes). */
  resourceTypes: Int32Array;
  /** Client-side observations, written to their own table in the same transaction (few: plain objects). */
  observations: EncodedObservation[];
}

/** Fields of PackedBatch.rows. */
export const SECOND = 0;
export const ID_HASH = 1;
export const NAME = 2;
export const SOURCE = 3;
export const REGION = 4;
export const ERROR = 5;
export const RUN = 6;
export const ACTOR = 7;
export const RESOURCES = 8;
export const RESOURCE = 9;
export const READ_ONLY = 10;
export const MORE = 11;
export const KEY = 12;
export const ROW = 13;

/** The typed arrays of a batch, to transfer with it to a worker thread. */
export function transferList(batch: PackedBatch): ArrayBuffer[] {
  return [batch.rows.buffer, batch.keys.buffer, batch.more.buffer, batch.actors.buffer, batch.resourceTypes.buffer] as ArrayBuffer[];
}

/** Encodes events into PackedBatches; keeps its RecordEncoder's caches from one batch to the next. */
export class BatchPacker {
  private readonly encoder = new RecordEncoder();
  /** Who each caller context is, per actor JSON: parsed once, not once per batch. */
  private readonly people = new Map<string, [string | undefined, string | undefined]>();

  /**
   * Without onInvalid, the first event (or observation) that cannot be stored throws
   * InvalidEventError (naming its index) and nothing is packed; with it, such items are reported
   * and left out.
   */
  pack(events: readonly NewEvent[], onInvalid?: (error: InvalidEventError) => void, observations: readonly NewObservation[] = []): PackedBatch {
    const strings: string[] = [];
    const index = new Map<string, number>();
    const ref = (value: string): number => {
      let i = index.get(value);
      if (i === undefined) {
        i = strings.push(value) - 1;
        index.set(value, i);
      }
      return i;
    };
    const rows = new Float64Array(events.length * ROW);
    const keys = new Uint8Array(events.length * 16);
    const eventIds: string[] = [];
    const bodies: (string | null)[] = [];
    const more: number[] = [];
    const actors: number[] = [];
    const resourceTypes: number[] = [];
    const seenActors = new Set<number>();
    const seenResources = new Set<number>();
    let count = 0;
    let invalid = 0;
    const diverted: NewObservation[] = [];
    /** Where each diverted record stood in `events`, so a refusal names it. */
    const divertedAt: number[] = [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as NewEvent;
      // A call that never reached KMS, as KeyDrill before schema 2 wrote it (in its store and its exports): not CloudTrail.
      const legacy = legacyObservationOf(event.record);
      if (legacy) {
        diverted.push({ observation: legacy, runId: event.runId });
        divertedAt.push(i);
        continue;
      }
      let e;
      try {
        e = this.encoder.encode(event.record);
      } catch (err) {
        const error = err instanceof InvalidEventError
          ? new InvalidEventError(err.message, err.path, i)
          : new InvalidEventError(`the record cannot be read: ${(err as Error).message}`, [], i);
        if (!onInvalid) throw error;
        invalid++;
        onInvalid(error);
        continue;
      }
      const at = count++ * ROW;
      const names = e.resourceNames;
      rows[at + SECOND] = e.second;
      rows[at + ID_HASH] = e.idHash;
      rows[at + NAME] = ref(e.eventName);
      rows[at + SOURCE] = ref(e.eventSource);
      rows[at + REGION] = ref(e.region);
      rows[at + ERROR] = e.errorCode === undefined ? -1 : ref(e.errorCode);
      rows[at + RUN] = event.runId === undefined ? -1 : ref(event.runId);
      const actor = ref(e.actor);
      rows[at + ACTOR] = actor;
      rows[at + RESOURCES] = e.resources === undefined ? -1 : ref(e.resources);
      rows[at + RESOURCE] = names.length === 0 ? -1 : ref(names[0] as string);
      rows[at + READ_ONLY] = e.readOnly === null ? -1 : e.readOnly;
      rows[at + MORE] = names.length > 1 ? names.length - 1 : 0;
      // The writer thread then binds bytes and does not parse the UUID.
      rows[at + KEY] = typeof eventIdKey(e.eventId, keys, (count - 1) * 16) === 'string' ? 0 : 1;
      for (let n = 1; n < names.length; n++) more.push(ref(names[n] as string));
      eventIds.push(e.eventId);
      bodies.push(e.body);
      if (!seenActors.has(actor)) {
        seenActors.add(actor);
        const [username, accessKeyId] = this.person(e.actor);
        actors.push(actor, username === undefined ? -1 : ref(username), accessKeyId === undefined ? -1 : ref(accessKeyId));
      }
      const resources = rows[at + RESOURCES] as number;
      if (resources >= 0 && !seenResources.has(resources)) {
        seenResources.add(resources);
        for (const type of e.resourceTypes) resourceTypes.push(resources, ref(type));
      }
    }
    const packedObservations: EncodedObservation[] = [];
    const allObservations = diverted.length ? [...observations, ...diverted] : observations;
    for (let i = 0; i < allObservations.length; i++) {
      try {
        packedObservations.push(encodeObservation(allObservations[i] as NewObservation));
      } catch (err) {
        const at = i < observations.length ? i : (divertedAt[i - observations.length] as number);
        const error = err instanceof InvalidEventError ? new InvalidEventError(err.message, err.path, at) : new InvalidEventError(`the observation cannot be read: ${(err as Error).message}`, ['observation'], at);
        if (!onInvalid) throw error;
        invalid++;
        onInvalid(error);
      }
    }
    return {
      count, invalid, strings, eventIds, keys, bodies, observations: packedObservations,
      rows: count === events.length ? rows : rows.slice(0, count * ROW),
      more: Int32Array.from(more),
      actors: Int32Array.from(actors),
      resourceTypes: Int32Array.from(resourceTypes),
    };
  }

  /** The user name and access key a caller context stands for, for Username and AccessKeyId lookups. */
  private person(actorJson: string): [string | undefined, string | undefined] {
    let known = this.people.get(actorJson);
    if (!known) {
      const identity = (JSON.parse(actorJson) as { userIdentity?: Parameters<typeof usernameOf>[0] }).userIdentity;
      const accessKeyId = typeof identity?.accessKeyId === 'string' && identity.accessKeyId ? identity.accessKeyId : undefined;
      known = [usernameOf(identity), accessKeyId];
      // Bounded: short-lived sessions bring a new caller context every hour.
      if (this.people.size >= 10_000) this.people.clear();
      this.people.set(actorJson, known);
    }
    return known;
  }
}
