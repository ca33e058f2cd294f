import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import type { ApiResult } from '../../src-shared/api';
import { MAX_SCENARIO_CHARACTERS } from '../../src-shared/scenario-limits';
import { call } from './api-client';
import type { CodeEditorHandle } from './editor/code-editor';

export type Validation = ApiResult<'drills:validate'>;

// CodeMirror (~400 kB with the scenario's JSON Schema) is its own chunk, and it is not fetched at
// launch: compiling it there delayed the scenario list by a few hundred milliseconds. It loads when
// there is something to edit or the editor is focused, and otherwise once the page has been idle a
// moment, so it is usually ready before it is needed.
const loadCodeEditor = () => import('./editor/code-editor');
const CodeEditor = lazy(() => loadCodeEditor().then((m) => ({ default: m.CodeEditor })));
const PREFETCH_AFTER_MS = 1500;

/**
 * The scenario editor (CodeMirror: YAML, completion and hover help from the scenario's JSON Schema,
 * problems inline on their lines), validated by main as you type (debounced); each problem below
 * the editor jumps to its line, and a valid scenario says how big its drill will be.
 */
export function ScenarioEditor({ text, onChange, onValidated }: { text: string; onChange: (text: string) => void; onValidated: (v: Validation | undefined) => void }) {
  const editor = useRef<CodeEditorHandle>(null);
  const [validation, setValidation] = useState<Validation | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [editorWanted, setEditorWanted] = useState(false);
  const wantEditor = editorWanted || text !== '';

  useEffect(() => {
    if (wantEditor) return;
    const timer = setTimeout(() => {
      const prefetch = () => void loadCodeEditor().catch(() => undefined); // a failure shows when it is rendered
      if ('requestIdleCallback' in window) window.requestIdleCallback(prefetch, { timeout: 2000 });
      else prefetch();
    }, PREFETCH_AFTER_MS);
    return () => clearTimeout(timer);
  }, [wantEditor]);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      if (!text.trim()) {
        setValidation(undefined);
        onValidated(undefined);
        setError(undefined);
        return;
      }
      // Said here, in plain words, rather than as the channel's schema refusing the text.
      if (text.length > MAX_SCENARIO_CHARACTERS) {
        setValidation(undefined);
        onValidated(undefined);
        setError(`the scenario is ${(text.length / 1024 / 1024).toFixed(1)} MiB; a scenario is at most ${MAX_SCENARIO_CHARACTERS / 1024 / 1024} MiB (a fleet of thousands of tenants is played from a file: keydrill drill run fleet.yaml)`);
        return;
      }
      call('drills:validate', { text }).then(
        (v) => {
          if (!live) return;
          setValidation(v);
          setError(undefined);
          onValidated(v);
        },
        (err: Error) => {
          if (!live) return;
          // Nothing of the text before stands beside the error: not its "Valid", not a Run it allowed.
          setValidation(undefined);
          onValidated(undefined);
          setError(err.message);
        },
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
        {wantEditor ? (
          <Suspense fallback={<p className="muted editor-loading">Loading the editor…</p>}>
            <CodeEditor ref={editor} text={text} onChange={onChange} problems={problems} invalid={validation ? !validation.valid : false} autoFocus={editorWanted} />
          </Suspense>
        ) : (
          <div className="editor-idle" tabIndex={0} role="textbox" aria-label="Scenario (YAML)" onFocus={() => setEditorWanted(true)} onClick={() => setEditorWanted(true)} />
        )}
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
                <button type="button" className="problem" onClick={() => p.line !== null && editor.current?.goToLine(p.line, p.column)} disabled={p.line === null}>
                  {p.line !== null ? <span className="line">line {p.line}{p.column !== undefined ? `:${p.column}` : ''}</span> : null}
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
