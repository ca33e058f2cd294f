import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { InvalidEventError } from './event-store';
import { formatEventTime, parseEventTime } from './event-time';

/**
 * How a CloudTrail record becomes a lean row and back. A row keeps the looked-up fields as
 * columns (dictionary ids), the fields that repeat per caller (identity, user agent, source IP,
 * event version...) as one dictionary-encoded "actor" object, the resources array as another,
 * and only what varies per call (request parameters, request id...) as the row's own JSON. The
 * record is rebuilt on read in CloudTrail's field order; a value that would not come back exactly
 * as it went in (an eventTime with fractions, an upper-case eventID) stays in the row's JSON.
 */

/** Where each known field goes: the actor, a column, or (unlisted) the row's own JSON. */
const ACTOR = 1;
const COLUMN = 2;
const ROLE: Record<string, number | undefined> = Object.assign(Object.create(null) as Record<string, number>, {
  eventVersion: ACTOR, userIdentity: ACTOR, sourceIPAddress: ACTOR, userAgent: ACTOR, eventType: ACTOR, apiVersion: ACTOR,
  managementEvent: ACTOR, recipientAccountId: ACTOR, eventCategory: ACTOR, tlsDetails: ACTOR, sessionCredentialFromConsole: ACTOR,
  vpcEndpointId: ACTOR, vpcEndpointAccountId: ACTOR,
  eventTime: COLUMN, eventID: COLUMN, eventName: COLUMN, eventSource: COLUMN, awsRegion: COLUMN, errorCode: COLUMN,
  readOnly: COLUMN, resources: COLUMN,
});

/** CloudTrail's own field order, for records rebuilt from a row; unknown fields follow. */
const FIELD_ORDER = [
  'eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
  'errorCode', 'errorMessage', 'requestParameters', 'responseElements', 'additionalEventData', 'requestID', 'eventID',
  'readOnly', 'resources', 'eventType', 'apiVersion', 'managementEvent', 'recipientAccountId', 'sharedEventID',
  'vpcEndpointId', 'vpcEndpointAccountId', 'serviceEventDetails', 'eventCategory', 'tlsDetails', 'sessionCredentialFromConsole',
];

/** Field names that would mean key material reached the audit trail; such a record is refused, never stored. */
const KEY_MATERIAL_FIELD = /^(plaintext|keymaterial|privatekey|privatekeyplaintext)$/i;
/**
 * What CloudTrail writes in place of a secret: such a field holds no key material. Real logs carry
 * them (EC2 CreateKeyPair's responseElements.keyMaterial is "<sensitiveDataRemoved>"), and refusing
 * one would refuse its whole log file with the KMS calls in it.
 */
const REDACTED = new Set(['<sensitiveDataRemoved>', 'HIDDEN_DUE_TO_SECURITY_REASONS']);
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface EncodedEvent {
  second: number;
  /** As given; stored through eventIdKey. */
  eventId: string;
  /** eventIdHash: its EventId-lookup bucket is the low 6 bits. */
  idHash: number;
  eventName: string;
  eventSource: string;
  region: string;
  readOnly: 0 | 1 | null;
  errorCode: string | undefined;
  /** JSON of the caller fields; the same string instance while a caller's context does not change. */
  actor: string;
  /** What the actor mostly repeats with (access key, source IP): see StringDictionary.idOfLike. */
  actorHint: string;
  resources: string | undefined;
  /** Distinct resource ARNs, in the record's order. */
  resourceNames: string[];
  resourceTypes: string[];
  body: string | null;
}

/** The parts of a row decodeRow needs, with dictionary ids resolved to strings. */
export interface RowParts {
  id: number;
  eventId: Buffer | string;
  eventName: string;
  eventSource: string;
  region: string;
  readOnly: number | null;
  errorCode: string | undefined;
  actor: string;
  resources: string | undefined;
  body: string | null;
}

/**
 * Encodes records for the store. It remembers the last actor and resources array per caller and
 * per key, as values (a parsed snapshot, so a caller mutating its objects later changes nothing):
 * a record whose caller fields deep-equal the last ones reuses that JSON string instead of
 * serialising ~1 KB again — the main cost of ingest after SQLite itself.
 */
export class RecordEncoder {
  private readonly actors = new Map<string, { snapshot: Record<string, unknown>; json: string }>();
  private readonly resourceSets = new Map<string, { snapshot: unknown[]; json: string }>();

  encode(record: CloudTrailRecord): EncodedEvent {
    const second = parseEventTime(record.eventTime);
    const eventId = requiredString(record, 'eventID');
    const identity = record.userIdentity as unknown;
    if (typeof identity !== 'object' || identity === null || Array.isArray(identity)) invalid('userIdentity must be an object', ['userIdentity']);
    const readOnly = record.readOnly === undefined ? null : record.readOnly === true ? 1 : record.readOnly === false ? 0 : invalid('readOnly must be true or false', ['readOnly']);
    const errorCode = record.errorCode === undefined || typeof record.errorCode === 'string' ? record.errorCode : invalid('errorCode must be a string', ['errorCode']);
    guardKeyMaterial(record.requestParameters, 'requestParameters');
    guardKeyMaterial(record.responseElements, 'responseElements');
    guardKeyMaterial((record as Record<string, unknown>).additionalEventData, 'additionalEventData', false);
    const resources = record.resources as unknown;
    if (resources !== undefined && !Array.isArray(resources)) invalid('resources must be an array', ['resources']);
    const refs = resources === undefined ? { names: [], types: [] } : resourceRefs(resources as unknown[]);

    let body: Record<string, unknown> | undefined;
    let actorFields = 0;
    const fields = record as Record<string, unknown>;
    for (const key in fields) {
      const value = fields[key];
      const role = ROLE[key];
      if (value === undefined || role === COLUMN) continue;
      if (role === ACTOR) actorFields++;
      else (body ??= {})[key] = value;
    }
    // Keep what the columns would not give back exactly.
    if (record.eventTime !== formatEventTime(second)) (body ??= {}).eventTime = record.eventTime;

    const hint = `${String((identity as { accessKeyId?: unknown }).accessKeyId ?? '')}|${String(record.sourceIPAddress ?? '')}`;
    return {
      second,
      eventId,
      idHash: eventIdHash(eventId),
      eventName: requiredString(record, 'eventName'),
      eventSource: requiredString(record, 'eventSource'),
      region: requiredString(record, 'awsRegion'),
      readOnly,
      errorCode,
      actor: this.actorJson(hint, fields, actorFields),
      actorHint: hint,
      resources: resources === undefined ? undefined : this.resourcesJson(refs.names[0] ?? '', resources as unknown[]),
      resourceNames: refs.names,
      resourceTypes: refs.types,
      body: body ? JSON.stringify(body) : null,
    };
  }

  private actorJson(hint: string, fields: Record<string, unknown>, count: number): string {
    const last = this.actors.get(hint);
    if (last && sameActor(fields, count, last.snapshot)) return last.json;
    const actor: Record<string, unknown> = {};
    for (const key in fields) if (ROLE[key] === ACTOR && fields[key] !== undefined) actor[key] = fields[key];
    const json = JSON.stringify(actor);
    if (this.actors.size >= 10_000) this.actors.clear();
    this.actors.set(hint, { snapshot: JSON.parse(json) as Record<string, unknown>, json });
    return json;
  }

  private resourcesJson(hint: string, resources: unknown[]): string {
    const last = this.resourceSets.get(hint);
    if (last && deepEqual(resources, last.snapshot)) return last.json;
    const json = JSON.stringify(resources);
    if (this.resourceSets.size >= 10_000) this.resourceSets.clear();
    this.resourceSets.set(hint, { snapshot: JSON.parse(json) as unknown[], json });
    return json;
  }
}

export function decodeRow(row: RowParts): CloudTrailRecord {
  const parts = JSON.parse(row.actor) as Record<string, unknown>;
  if (row.body !== null) Object.assign(parts, JSON.parse(row.body) as Record<string, unknown>);
  parts.eventTime ??= formatEventTime(Math.floor(row.id / SEQ_SPAN));
  parts.eventSource = row.eventSource;
  parts.eventName = row.eventName;
  parts.awsRegion = row.region;
  if (row.errorCode !== undefined) parts.errorCode = row.errorCode;
  parts.eventID = eventIdText(row.eventId);
  if (row.readOnly !== null) parts.readOnly = row.readOnly === 1;
  if (row.resources !== undefined) parts.resources = JSON.parse(row.resources);

  const record: Record<string, unknown> = {};
  for (const key of FIELD_ORDER) if (key in parts) record[key] = parts[key];
  for (const key in parts) if (!(key in record)) record[key] = parts[key];
  return record as CloudTrailRecord;
}

/** Row ids are (eventTime in seconds) * 2^21 + a sequence number: time order is key order, every id a safe JS integer until 2106. */
export const SEQ_SPAN = 2 ** 21;

/**
 * The user name CloudTrail's LookupEvents shows and filters on: the IAM user's name, the session
 * name of an assumed role or federated user, "root" for the account root, the invoking service otherwise.
 */
export function usernameOf(identity: CloudTrailRecord['userIdentity'] | undefined): string | undefined {
  if (!identity) return undefined;
  if (identity.userName) return identity.userName;
  if (identity.type === 'Root') return 'root';
  if ((identity.type === 'AssumedRole' || identity.type === 'FederatedUser') && identity.arn) return identity.arn.slice(identity.arn.lastIndexOf('/') + 1) || undefined;
  return identity.invokedBy || undefined;
}

/** The eventID text of a stored key (see eventIdKey). */
export function eventIdText(key: Buffer | string): string {
  if (typeof key === 'string') return key;
  const h = key.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * How an eventID is stored: 16 bytes for a lower-case UUID (CloudTrail's form), the text as given
 * otherwise. `into` is a buffer to reuse (the caller binds it at once; SQLite copies it), written
 * from `at`.
 */
export function eventIdKey(eventId: string, into: Uint8Array = Buffer.allocUnsafe(16), at = 0): Uint8Array | string {
  if (eventId.length !== 36 || !CANONICAL_UUID.test(eventId)) return eventId;
  let j = at;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i++;
    into[j++] = (HEX_VALUE[eventId.charCodeAt(i)] as number) * 16 + (HEX_VALUE[eventId.charCodeAt(i + 1)] as number);
  }
  return into;
}
const HEX_VALUE = new Uint8Array(128);
for (let c = 0; c < 16; c++) HEX_VALUE['0123456789abcdef'.charCodeAt(c)] = c;

/**
 * 32-bit FNV-1a of an eventID, for its EventId-lookup bucket. For a UUID only the last 12 hex
 * digits are hashed: random in v4 and v7 alike (a v7's first digits are its time), at a third of the cost.
 */
export function eventIdHash(eventId: string): number {
  let h = 0x811c9dc5;
  for (let i = eventId.length === 36 ? 24 : 0; i < eventId.length; i++) h = Math.imul(h ^ eventId.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function sameActor(fields: Record<string, unknown>, count: number, snapshot: Record<string, unknown>): boolean {
  let seen = 0;
  for (const key in snapshot) {
    if (!deepEqual(fields[key], snapshot[key])) return false;
    seen++;
  }
  return seen === count;
}

/** Equality of JSON values (what the store would write), without serialising them. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  let count = 0;
  for (const key in b) {
    if (!deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
    count++;
  }
  for (const key in a) if ((a as Record<string, unknown>)[key] !== undefined) count--;
  return count === 0;
}

function resourceRefs(resources: readonly unknown[]): { names: string[]; types: string[] } {
  const names: string[] = [];
  const types: string[] = [];
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i];
    if (typeof r !== 'object' || r === null) invalid('each resource must be an object', ['resources', i]);
    const { ARN, type } = r as { ARN?: unknown; type?: unknown };
    if (typeof ARN === 'string' && !names.includes(ARN)) names.push(ARN);
    if (typeof type === 'string' && !types.includes(type)) types.push(type);
  }
  return { names, types };
}

/**
 * Refuses key material anywhere in what a record carries of its call — a data key one level down
 * (`responseElements.dataKey.Plaintext`) or under additionalEventData leaks as much as one at the
 * top. Walked with a stack of its own: an imported record may nest deeper than a call stack goes.
 * An encryption context is not looked into: its keys are the caller's own labels, never key material.
 */
function guardKeyMaterial(value: unknown, field: string, mustBeObject = true): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    if (mustBeObject) invalid(`${field} must be an object or null`, [field]);
    return;
  }
  const stack: { value: object; path: (string | number)[] }[] = [{ value, path: [field] }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value: at, path } = next;
    if (Array.isArray(at)) {
      at.forEach((item: unknown, i) => {
        if (typeof item === 'object' && item !== null) stack.push({ value: item, path: [...path, i] });
      });
      continue;
    }
    for (const key in at) {
      const held = (at as Record<string, unknown>)[key];
      if (KEY_MATERIAL_FIELD.test(key) && held !== null && !(typeof held === 'string' && REDACTED.has(held))) {
        invalid(`${[...path, key].join('.')} would put key material in the audit trail; the record is refused`, [...path, key]);
      }
      if (typeof held === 'object' && held !== null && key !== 'encryptionContext') stack.push({ value: held, path: [...path, key] });
    }
  }
}

function requiredString(record: CloudTrailRecord, field: 'eventID' | 'eventName' | 'eventSource' | 'awsRegion'): string {
  const value = (record as Record<string, unknown>)[field];
  if (typeof value !== 'string' || value.length === 0) invalid(`${field} must be a non-empty string`, [field]);
  return value as string;
}

function invalid(message: string, path: (string | number)[]): never {
  throw new InvalidEventError(message, path);
}
