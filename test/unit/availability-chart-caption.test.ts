import { describe, expect, it } from 'vitest';
import { availabilityChart } from '../../src-main/report/svg/availability-chart';

const caption = (points: [number, number][]) => {
  const chart = availabilityChart([{ label: 'fleet', colour: '#000', points }], 3_600_000, [], { id: 'chart-fleet-availability', kind: 'fleet-availability', label: 'fleet' }).text;
  return /<tspan[^>]*>\s*([^<]*)<\/tspan>/.exec(chart)?.[1];
};

/** A 300-tenant report's fleet chart read "99.68% on average · lowest 99.7%": a lowest above the average. */
describe('the availability chart\'s caption', () => {
  it('gives the average and the lowest to the same places', () => {
    expect(caption([[0, 100], [1_200_000, 99.667], [2_400_000, 99.667]])).toBe('99.78% on average · lowest 99.67%');
  });

  it('never rounds a dip to 100 %', () => {
    expect(caption([[0, 100], [1_200_000, 99.999]])).toBe('99.99% on average · lowest 99.99%');
  });
});
