import { describe, expect, it } from 'vitest';
import { denseRows, type BucketAxis } from '../../src-renderer/src/charts/bucket-bars';

/**
 * A region, an operation or an error code keeps its colour from chart to chart: the live chart of a
 * fleet drill drew us-east-1 blue while the finished run below it (more calls in us-west-2 after
 * failover) drew us-east-1 orange, and the Audit page followed whichever region had more calls.
 */
const axis: BucketAxis = { kind: 'drill', from: 0, to: 4, bucketMs: 1 };
const colourOf = (series: { label: string; points: [number, number][] }[]) => {
  const { keys, colours } = denseRows(series, axis);
  return Object.fromEntries(keys.map((k, i) => [k, colours[i]]));
};

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

  it('never gives two keys of one chart the same colour while the palette lasts', () => {
    const ops = ['Decrypt', 'GenerateDataKey', 'CreateKey', 'DescribeKey', 'ReplicateKey', 'ReEncrypt', 'Encrypt'];
    const colours = Object.values(colourOf(ops.map((label, i) => ({ label, points: [[0, i + 1]] }))));
    expect(new Set(colours).size).toBe(ops.length);
  });
});
