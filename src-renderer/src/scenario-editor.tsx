import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import type { ApiResult } from '../../src-shared/api';
import { call } from './api-client';
import type { CodeEditorHandle } from './editor/code-editor';

export type Validation = ApiResult<'drills:validate'>;

// CodeMirror is its own chunk: the Drills page's first paint does not wait for it.
const CodeEditor = lazy(() => import('./editor/code-editor').then((m) => ({ default: m.CodeEditor })));

/**
 * The scenario editor (CodeMirror: YAML, completion and hover help from the scenario's JSON Schema,
 * problems inline on their lines), validated by main as you type (debounced); each problem below
 * the editor jumps to its line, and a valid scenario says how big its drill will be.
 */
export function ScenarioEditor({ text, onChange, onValidated }: { text: string; onChange: (text: string) => void; onValidated: (v: Validation | undefined) => void }) {
  const editor = useRef<CodeEditorHandle>(null);
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

  const problems = validation && !validation.valid ? validation.problems : [];
  return (
    <div className="editor-wrap">
      <div className={`editor ${validation && !validation.valid ? 'has-problems' : ''}`}>
        <Suspense fallback={<p className="muted editor-loading">Loading the editor…</p>}>
          <CodeEditor ref={editor} text={text} onChange={onChange} problems={problems} invalid={validation ? !validation.valid : false} />
        </Suspense>
      </div>
      <div id="scenario-problems" className="problems" aria-live="polite">
        {error ? <p className="error" role="alert">Could not validate: {error}</p> : null}
        {!text.trim() ? <p className="muted">Pick a built-in scenario on the left, or paste a scenario here. Ctrl-Space offers what may be written at the cursor.</p> : null}
        {validation?.valid ? (
          <p className="ok">✓ Valid — {validation.title}{validation.estimate ? <span className={validation.estimate.large ? 'estimate large' : 'estimate'}> · {validation.estimate.summary}</span> : null}</p>
        ) : null}
        {validation && !validation.valid ? (
          <ul>
            {validation.problems.map((p, i) => (
              <li key={i}>
                <button type="button" className="problem" onClick={() => p.line !== null && editor.current?.goToLine(p.line)} disabled={p.line === null}>
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
