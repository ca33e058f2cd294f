import { useEffect, useState, type KeyboardEvent } from 'react';
import { formatMoment } from './format';
import { timeAxis, type Timeline } from './scrubber-axis';

export interface ScrubStop {
  at: number;
  /** What changed the hierarchy at this moment. */
  cause: string;
}

/**
 * Moves through the moments of a run. The slider is a time axis: dragging it to a time shows the
 * last moment at or before it, so a month of quiet and a minute in which a thousand nodes fail over
 * get the width their time takes, not their number of moments. The arrow keys, the step buttons
 * and the play button walk one moment at a time; Page Up/Down jump a hundredth of the run. `current` is the
 * moment shown (it may lag the index by a frame while a fleet's history loads); `live` marks the
 * last moment as still growing.
 */
export function Scrubber({ count, index, onIndex, live, current, timeline }: {
  count: number;
  index: number;
  onIndex: (i: number) => void;
  live: boolean;
  current: (ScrubStop & { index: number }) | undefined;
  timeline: Timeline;
}) {
  const [playing, setPlaying] = useState(false);
  const last = count - 1;
  useEffect(() => {
    if (!playing) return;
    if (index >= last) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => onIndex(index + 1), 700);
    return () => clearTimeout(timer);
  }, [playing, index, last, onIndex]);
  const togglePlay = () => {
    // Playing from the last moment starts over.
    if (!playing && index >= last) onIndex(0);
    setPlaying((p) => !p);
  };
  if (count < 1) return null;
  const axis = timeAxis(timeline, count);
  const step = (by: number) => onIndex(Math.max(0, Math.min(last, index + by)));
  // The keyboard is exact: a moment per arrow key, however many share a minute.
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    const moves: Record<string, () => void> = {
      ArrowRight: () => step(1), ArrowUp: () => step(1), ArrowLeft: () => step(-1), ArrowDown: () => step(-1),
      Home: () => onIndex(0), End: () => onIndex(last),
      PageUp: () => onIndex(axis.indexAtPosition(axis.positionOf(index) + axis.page, index)),
      PageDown: () => onIndex(axis.indexAtPosition(axis.positionOf(index) - axis.page, index)),
    };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    move();
  };
  const text = current ? `+${formatMoment(current.at)}: ${current.cause}` : 'loading…';
  return (
    <div className="scrubber" data-testid="scrubber">
      <button type="button" onClick={() => step(-1)} disabled={index === 0} aria-label="Previous moment">◀</button>
      <button type="button" onClick={togglePlay} disabled={last === 0} aria-label={playing ? 'Pause' : 'Play the run'}>
        {playing ? '❚❚' : '▶'}
      </button>
      <button type="button" onClick={() => step(1)} disabled={index >= last} aria-label="Next moment">▶|</button>
      <input type="range" min={0} max={axis.positions} step={1} value={axis.positionOf(index)}
        onChange={(e) => onIndex(axis.indexAtPosition(Number(e.target.value), index))} onKeyDown={onKey}
        aria-label="Moment of the run" aria-valuetext={text} disabled={last === 0} />
      <output className="moment" aria-live="polite" data-index={index} data-shown={current?.index}>
        <strong>{live && index === last ? 'Live · ' : ''}{current ? `+${formatMoment(current.at)}` : '…'}</strong> <span>{current?.cause ?? 'loading…'}</span>
        <span className="muted"> ({(index + 1).toLocaleString('en')} of {count.toLocaleString('en')})</span>
      </output>
    </div>
  );
}
