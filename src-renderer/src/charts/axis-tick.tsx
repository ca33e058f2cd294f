/**
 * Axis tick labels as plain SVG text, for recharts' `tick` prop. Recharts' own <Text> measures
 * every label in the DOM (a hidden span and a forced layout per word) so that it can wrap it, which
 * a one-word tick label never needs: on the Drills page that measuring kept the window busy for
 * ~40 ms after launch. The markup is what <Text> writes for one line (a <text> with one <tspan>).
 */
interface TickProps {
  x?: number | string;
  y?: number | string;
  textAnchor?: 'start' | 'middle' | 'end' | 'inherit';
  verticalAnchor?: 'start' | 'middle' | 'end';
  payload?: { value?: unknown };
  className?: string;
}

/** Where the text's baseline sits against the tick, as <Text> places it: below an x tick, centred on a y tick. */
const DY = { start: '0.71em', middle: '0.355em', end: '0' } as const;

/** A `tick` render function (recharts calls it with each tick's position and value). */
export function plainTick(format: (value: number) => string) {
  return function plainTickLabel({ x, y, textAnchor = 'middle', verticalAnchor = 'start', payload, className }: TickProps) {
    return (
      <text x={x} y={y} textAnchor={textAnchor} className={`recharts-text ${className ?? 'recharts-cartesian-axis-tick-value'}`} fill="var(--muted)" fontSize={11}>
        <tspan x={x} dy={DY[verticalAnchor]}>{format(Number(payload?.value))}</tspan>
      </text>
    );
  };
}

/**
 * For `<CartesianGrid vertical={false}>`: recharts still works out where vertical lines would go,
 * measuring a label for every bucket; there are none to draw.
 */
export const NO_GRID_LINES = (): number[] => [];

/**
 * Ticks of a count axis from 0 up to `max` itself (the whole fleet, say): round steps, and `max` on
 * top. A round tick too near `max` is left out — recharts drew 600 and 604 on top of each other.
 */
export function countTicks(max: number, about = 4): number[] {
  if (!(max > 0)) return [0];
  const rough = max / about;
  const p = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * p).find((c) => c >= rough) ?? rough);
  const ticks: number[] = [];
  for (let t = 0; t < max - step * 0.4; t += step) ticks.push(t);
  return [...ticks, max];
}
