import { useEffect, useState } from 'react';
import { formatMoment } from './format';

export interface ScrubStop {
  at: number;
  /** What changed the hierarchy at this moment. */
  cause: string;
}

/**
 * Moves through the moments of a run: a slider (arrow keys, Home/End), step buttons and a play
 * button that walks forward a moment at a time. `current` is the moment shown (it may lag the
 * index by a frame while a fleet's history loads); `live` marks the last moment as still growing.
 */
export function Scrubber({ count, index, onIndex, live, current }: { count: number; index: number; onIndex: (i: number) => void; live: boolean; current: (ScrubStop & { index: number }) | undefined }) {
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
  const text = current ? `+${formatMoment(current.at)}: ${current.cause}` : 'loading…';
  return (
    <div className="scrubber" data-testid="scrubber">
      <button type="button" onClick={() => onIndex(Math.max(0, index - 1))} disabled={index === 0} aria-label="Previous moment">◀</button>
      <button type="button" onClick={togglePlay} disabled={last === 0} aria-label={playing ? 'Pause' : 'Play the run'}>
        {playing ? '❚❚' : '▶'}
      </button>
      <button type="button" onClick={() => onIndex(Math.min(last, index + 1))} disabled={index >= last} aria-label="Next moment">▶|</button>
      <input type="range" min={0} max={Math.max(last, 0)} step={1} value={index} onChange={(e) => onIndex(Number(e.target.value))}
        aria-label="Moment of the run" aria-valuetext={text} disabled={last === 0} />
      <output className="moment" aria-live="polite" data-index={index} data-shown={current?.index}>
        <strong>{live && index === last ? 'Live · ' : ''}{current ? `+${formatMoment(current.at)}` : '…'}</strong> <span>{current?.cause ?? 'loading…'}</span>
        <span className="muted"> ({(index + 1).toLocaleString('en')} of {count.toLocaleString('en')})</span>
      </output>
    </div>
  );
}
