import { useEffect, useMemo, useRef, useState } from 'react';
import type { ScenarioProblem } from '../../src-shared/api';
import { call } from './api-client';

export interface Validation {
  valid: boolean;
  title?: string | undefined;
  problems: ScenarioProblem[];
}

/**
 * A YAML editor with a line-number gutter that marks the lines with problems, validated by main as
 * you type (debounced); each problem below the editor jumps to its line.
 */
export function ScenarioEditor({ text, onChange, onValidated }: { text: string; onChange: (text: string) => void; onValidated: (v: Validation | undefined) => void }) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const [validation, setValidation] = useState<Validation | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      if (!text.trim()) {
        setValidation(undefined);
        onValidated(undefined);
        return;
      }
      call('drills:validate', { text }).then(
        (v) => {
          if (!live) return;
          setValidation(v);
          setError(undefined);
          onValidated(v);
        },
        (err: Error) => live && setError(err.message),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text, onValidated]);

  const lines = useMemo(() => text.split('\n').length, [text]);
  const bad = useMemo(() => new Set((validation?.problems ?? []).map((p) => p.line).filter((l): l is number => l !== null)), [validation]);

  const goToLine = (line: number) => {
    const el = area.current;
    if (!el) return;
    const offset = text.split('\n').slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(offset, offset + (text.split('\n')[line - 1]?.length ?? 0));
    const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 18;
    el.scrollTop = Math.max(0, (line - 4) * lineHeight);
  };

  return (
    <div className="editor-wrap">
      <div className={`editor ${validation && !validation.valid ? 'has-problems' : ''}`}>
        <div className="gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lines }, (_, i) => (
            <div key={i} className={bad.has(i + 1) ? 'bad' : undefined}>{i + 1}</div>
          ))}
        </div>
        <textarea
          ref={area}
          value={text}
          spellCheck={false}
          aria-label="Scenario YAML"
          aria-invalid={validation ? !validation.valid : undefined}
          aria-describedby="scenario-problems"
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
      <div id="scenario-problems" className="problems" aria-live="polite">
        {error ? <p className="error" role="alert">Could not validate: {error}</p> : null}
        {!text.trim() ? <p className="muted">Pick a built-in scenario on the left, or paste a scenario here.</p> : null}
        {validation?.valid ? <p className="ok">✓ Valid — {validation.title}</p> : null}
        {validation && !validation.valid ? (
          <ul>
            {validation.problems.map((p, i) => (
              <li key={i}>
                <button type="button" className="problem" onClick={() => p.line !== null && goToLine(p.line)} disabled={p.line === null}>
                  {p.line !== null ? <span className="line">line {p.line}</span> : null}
                  {p.path ? <code>{p.path}</code> : null} {p.message}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}
