import { describe, expect, it } from 'vitest';
import { denseRows, type BucketAxis } from '../../src-renderer/src/charts/bucket-bars';
import { ALL_OTHERS, isFixed, ownLook, seriesLooks } from '../../src-renderer/src/charts/series-looks';

/**
 * A region, an operation or an error code keeps its colour from chart to chart: the live chart of a
 * fleet drill drew us-east-1 blue while the finished run below it (more calls in us-west-2 after
 * failover) drew us-east-1 orange, and the Audit page followed whichever region had more calls.
 * Then an audit trial saw Decrypt change colour when a filter changed the operations charted.
 */
const axis: BucketAxis = { kind: 'drill', from: 0, to: 4, bucketMs: 1 };
const colourOf = (series: { label: string; points: [number, number][] }[]) => {
  const { keys, looks } = denseRows(series, axis);
  return Object.fromEntries(keys.map((k, i) => [k, looks[i]?.colour]));
};
const looksOf = (keys: readonly string[]) => Object.fromEntries(seriesLooks(keys).map((look, i) => [keys[i], look]));

/** The operations a drill makes and CloudTrail logs hold most, and names no table knows. */
const DRILL_OPS = ['Decrypt', 'GenerateDataKey', 'Encrypt', 'ReEncrypt', 'DescribeKey', 'CreateKey', 'ReplicateKey', 'DisableKey', 'EnableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion',
  'PutKeyPolicy', 'CreateGrant', 'RevokeGrant', 'RetireGrant', 'RotateKeyOnDemand', 'EnableKeyRotation', 'GetKeyRotationStatus', 'ListKeyRotations', 'UpdatePrimaryRegion',
  'CreateAlias', 'DeleteAlias', 'ListAliases', 'ListKeys', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair'];
const OTHER_OPS = ['Sign', 'Verify', 'GenerateMac', 'VerifyMac', 'GetPublicKey', 'TagResource', 'UntagResource', 'ImportKeyMaterial', 'GetParametersForImport', 'DeriveSharedSecret'];

/** `count` subsets of `names`, at most `size` each, drawn with a fixed seed: the charts filters would leave. */
function subsets(names: readonly string[], count: number, size: number): string[][] {
  let seed = 7;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: count }, () => names.filter(() => next() < size / names.length).slice(0, size));
}

describe('chart colours follow the key, not its rank', () => {
  it('gives a region the same colour whichever region had more calls', () => {
    const eastMore = colourOf([{ label: 'us-east-1', points: [[0, 9]] }, { label: 'us-west-2', points: [[1, 2]] }]);
    const westMore = colourOf([{ label: 'us-east-1', points: [[0, 2]] }, { label: 'us-west-2', points: [[1, 9]] }]);
    expect(westMore).toEqual(eastMore);
    expect(eastMore['us-east-1']).not.toBe(eastMore['us-west-2']);
  });

  it('gives a region the same colour when it is charted alone', () => {
    const both = colourOf([{ label: 'us-east-1', points: [[0, 9]] }, { label: 'us-west-2', points: [[1, 2]] }]);
    expect(colourOf([{ label: 'us-west-2', points: [[1, 2]] }])['us-west-2']).toBe(both['us-west-2']);
    expect(colourOf([{ label: 'us-east-1', points: [[1, 2]] }])['us-east-1']).toBe(both['us-east-1']);
  });

  it('gives an operation the same colour whatever else a filter leaves charted', () => {
    const all = looksOf([...DRILL_OPS, ...OTHER_OPS]);
    for (const subset of subsets([...DRILL_OPS, ...OTHER_OPS], 300, 6)) {
      const charted = looksOf(subset);
      for (const key of subset) expect(charted[key]?.colour, `${key} among ${subset.join(', ')}`).toBe(all[key]?.colour);
    }
    // The trial's case: Decrypt among everything, and Decrypt alone after an EventName filter.
    expect(looksOf(['Decrypt'])['Decrypt']).toEqual(looksOf(DRILL_OPS)['Decrypt']);
  });

  it('gives the operations a drill makes a fixed look: the data plane and the commonest control-plane calls eight colours, solid', () => {
    for (const op of DRILL_OPS) expect(isFixed(op), op).toBe(true);
    const solid = ['Decrypt', 'GenerateDataKey', 'Encrypt', 'ReEncrypt', 'DescribeKey', 'CreateKey', 'ReplicateKey', 'DisableKey'];
    expect(new Set(solid.map((op) => ownLook(op).colour)).size).toBe(8);
    for (const op of solid) expect(ownLook(op).hatch, op).toBe('solid');
    // No two operations of the table look alike, so no chart of them needs to tell them apart.
    expect(new Set(DRILL_OPS.map((op) => JSON.stringify(ownLook(op)))).size).toBe(DRILL_OPS.length);
    for (const subset of subsets(DRILL_OPS, 100, 7)) expect(seriesLooks(subset)).toEqual(subset.map((op) => ownLook(op)));
  });

  it('tells two charted keys of one colour apart by a hatch, repainting no other key', () => {
    // Two names the table does not know whose names hash to one colour.
    const [first, second] = OTHER_OPS.flatMap((a) => OTHER_OPS.filter((b) => a < b && ownLook(a).colour === ownLook(b).colour).map((b) => [a, b]))[0] ?? [];
    expect(first, 'no two of OTHER_OPS share a colour: add names').toBeDefined();
    const alone = looksOf([first as string, 'Decrypt', 'Encrypt']);
    const together = looksOf([first as string, second as string, 'Decrypt', 'Encrypt']);
    expect(together[first as string]).toEqual(alone[first as string]);
    expect(together[second as string]?.colour).toBe(ownLook(second as string).colour);
    expect(together[second as string]?.hatch).not.toBe(together[first as string]?.hatch);
    expect(together['Decrypt']).toEqual(alone['Decrypt']);
  });

  it('never draws a key whose colour is hashed from its name exactly as a fixed key, whatever is charted', () => {
    // The trial's case: GetKeyPolicy, hashed to Decrypt's slot, filtered alone was drawn solid, as Decrypt.
    const fixedLooks = new Set([...DRILL_OPS, 'us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'ap-northeast-1', 'us-east-2',
      'AccessDenied', 'AccessDeniedException', 'DisabledException', 'KMSInvalidStateException', 'InvalidCiphertextException', 'IncorrectKeyException', 'NotFoundException', 'ThrottlingException']
      .map((key) => { expect(isFixed(key), key).toBe(true); return JSON.stringify(ownLook(key)); }));
    const hashed = [...OTHER_OPS, 'GetKeyPolicy', 'ListGrants', 'QuotaExceeded', 'Teapot', 'ap-south-1', 'sa-east-1'];
    expect(seriesLooks(['GetKeyPolicy'])[0]).not.toEqual(ownLook('Decrypt'));
    const charts = [...hashed.map((key) => [key]), ...subsets([...DRILL_OPS, ...hashed], 300, 7), hashed];
    for (const keys of charts) {
      seriesLooks(keys).forEach((look, i) => {
        if (!isFixed(keys[i] as string)) expect(fixedLooks.has(JSON.stringify(look)), `${keys[i]} among ${keys.join(', ')}`).toBe(false);
      });
    }
  });

  it('never draws two keys of one chart alike, and the remainder grey', () => {
    for (const subset of subsets([...DRILL_OPS, ...OTHER_OPS], 300, 7)) {
      const looks = seriesLooks([...subset, ALL_OTHERS]).map((l) => JSON.stringify(l));
      expect(new Set(looks).size, subset.join(', ')).toBe(looks.length);
    }
    expect(ownLook(ALL_OTHERS)).toEqual({ colour: 'var(--series-rest)', hatch: 'solid' });
  });
});
