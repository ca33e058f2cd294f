import { useEffect, useState } from 'react';
import { formatDuration } from './format';

export interface ScrubStop {
  at: number;
  /** What changed the hierarchy at this moment. */
  cause: string;
}

/**
 * Moves through the moments of a run: a slider (arrow keys, Home/End), step buttons and a play
 * button that walks forward a moment at a time. `live` marks the last stop as still growing.
 */
export function Scrubber({ stops, index, onIndex, live }: { stops: readonly ScrubStop[]; index: number; onIndex: (i: number) => void; live: boolean }) {
  const [playing, setPlaying] = useState(false);
  const last = stops.length - 1;
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
  const stop = stops[index];
  if (!stop) return null;
  return (
    <div className="scrubber" data-testid="scrubber">
      <button type="button" onClick={() => onIndex(Math.max(0, index - 1))} disabled={index === 0} aria-label="Previous moment">◀</button>
      <button type="button" onClick={togglePlay} disabled={last === 0} aria-label={playing ? 'Pause' : 'Play the run'}>
        {playing ? '❚❚' : '▶'}
      </button>
      <button type="button" onClick={() => onIndex(Math.min(last, index + 1))} disabled={index >= last} aria-label="Next moment">▶|</button>
      <input type="range" min={0} max={last} step={1} value={index} onChange={(e) => onIndex(Number(e.target.value))}
        aria-label="Moment of the run" aria-valuetext={`+${formatDuration(stop.at)}: ${stop.cause}`} />
      <output className="moment" aria-live="polite">
        <strong>{live && index === last ? 'Live · ' : ''}+{formatDuration(stop.at)}</strong> <span>{stop.cause}</span>
        <span className="muted"> ({index + 1} of {stops.length})</span>
      </output>
    </div>
  );
}
