import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { formatMoment } from './format';
import { timeAxis, type Timeline } from './scrubber-axis';

/** Play: a 250th of the run per tick. */
const PLAY_STEP = 4;
const PLAY_TICK_MS = 400;

export interface ScrubStop {
  at: number;
  /** What changed the hierarchy at this moment. */
  cause: string;
}

/**
 * Moves through the moments of a run. The slider is a time axis: dragging it to a time shows the
 * last moment at or before it, so a month of quiet and a minute in which a thousand nodes fail over
 * get the width their time takes, not their number of moments. The arrow keys and the step buttons
 * walk one moment at a time; Page Up/Down jump a hundredth of the run and Play a 250th per tick, each
 * at least one moment. `current` is the
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
  // Where the pointer holds the thumb while it drags (the moment shown is the last at or before it); undefined: at the moment's own place.
  const [held, setHeld] = useState<number | undefined>();
  const last = count - 1;
  const axis = timeAxis(timeline, Math.max(1, count));
  // The latest axis for the play timer, which a re-render must not restart.
  const axisNow = useRef(axis);
  axisNow.current = axis;
  useEffect(() => {
    if (!playing) return;
    if (index >= last) {
      setPlaying(false);
      return;
    }
    // A tick plays a 250th of the run (at least one moment): a month-long fleet run in under two minutes.
    const timer = setTimeout(() => onIndex(axisNow.current.indexFrom(index, PLAY_STEP)), PLAY_TICK_MS);
    return () => clearTimeout(timer);
  }, [playing, index, last, onIndex]);
  const togglePlay = () => {
    setHeld(undefined);
    // Playing from the last moment starts over.
    if (!playing && index >= last) onIndex(0);
    setPlaying((p) => !p);
  };
  if (count < 1) return null;
  const go = (i: number) => {
    setHeld(undefined);
    onIndex(Math.max(0, Math.min(last, i)));
  };
  // The keyboard is exact: a moment per arrow key, however many share a minute.
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    const moves: Record<string, () => void> = {
      ArrowRight: () => go(index + 1), ArrowUp: () => go(index + 1), ArrowLeft: () => go(index - 1), ArrowDown: () => go(index - 1),
      Home: () => go(0), End: () => go(last),
      PageUp: () => go(axis.indexFrom(index, axis.page)),
      PageDown: () => go(axis.indexFrom(index, -axis.page)),
    };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    move();
  };
  const text = current ? `+${formatMoment(current.at)}: ${current.cause}` : 'loading…';
  return (
    <div className="scrubber" data-testid="scrubber">
      <button type="button" onClick={() => go(index - 1)} disabled={index === 0} aria-label="Previous moment">◀</button>
      <button type="button" onClick={togglePlay} disabled={last === 0} aria-label={playing ? 'Pause' : 'Play the run'}>
        {playing ? '❚❚' : '▶'}
      </button>
      <button type="button" onClick={() => go(index + 1)} disabled={index >= last} aria-label="Next moment">▶|</button>
      <input type="range" min={0} max={axis.positions} step={1} value={held ?? axis.positionOf(index)}
        onChange={(e) => {
          const position = Number(e.target.value);
          setHeld(position);
          onIndex(axis.indexAtPosition(position));
        }}
        onPointerUp={() => setHeld(undefined)} onBlur={() => setHeld(undefined)} onKeyDown={onKey}
        aria-label="Moment of the run" aria-valuetext={text} disabled={last === 0} />
      <output className="moment" aria-live="polite" data-index={index} data-shown={current?.index} title={text}>
        <strong>{live && index === last ? 'Live · ' : ''}{current ? `+${formatMoment(current.at)}` : '…'}</strong> <span>{current?.cause ?? 'loading…'}</span>
        <span className="muted"> ({(index + 1).toLocaleString('en')} of {count.toLocaleString('en')})</span>
      </output>
    </div>
  );
}
