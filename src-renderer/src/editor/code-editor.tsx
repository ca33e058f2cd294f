import { autocompletion, closeBrackets, completionKeymap, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, highlightActiveLine, hoverTooltip, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import type { ScenarioProblem } from '../../../src-shared/api';
import { scenarioJsonSchema } from '../../../src-shared/scenario-json-schema';
import { focusIsLost } from '../focus-is-lost';
import { describeKey, placeAt, suggestions, type JsonSchema } from './schema-context';
import { nameSuggestions, scenarioNames } from './scenario-names';

/**
 * The scenario editor: CodeMirror 6 with YAML highlighting, completion and hover help from the
 * scenario's JSON Schema (generated from the zod schema the loader validates with), and the
 * validation's problems as inline errors on their lines. Tab moves focus out of the editor, so the
 * page stays usable from the keyboard (Ctrl-Space opens completion).
 */
export interface CodeEditorHandle {
  /** Selects the line, or puts the cursor at `column` (1-based) of it when one is given. */
  goToLine(line: number, column?: number): void;
}

const SCHEMA = scenarioJsonSchema() as JsonSchema;

// Colours from the app's palette, so both themes keep their contrast.
const highlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: 'var(--accent)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--ok)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--lost)' },
  { tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.punctuation, tags.separator], color: 'var(--muted)' },
]);

const theme = EditorView.theme({
  '&': { height: '100%', backgroundColor: 'var(--panel)', color: 'var(--text)', fontSize: '13px' },
  '.cm-content': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', caretColor: 'var(--text)' },
  '.cm-gutters': { backgroundColor: 'var(--code-bg)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--row-alt)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--selected)' },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '-2px' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--text)', border: '1px solid var(--border)', maxWidth: '420px' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: 'var(--selected)', color: 'var(--text)' },
  '.cm-completionInfo': { backgroundColor: 'var(--panel)', color: 'var(--text)' },
  '.cm-hover-help': { padding: '4px 8px', fontSize: '12px', lineHeight: '1.4' },
});

function complete(context: CompletionContext): CompletionResult | null {
  const text = context.state.doc.toString();
  const place = placeAt(text, context.pos);
  // Where a value names something the scenario declares (a cluster, a step id, a region), those names;
  // else what the schema says (keys, kinds, enums, examples).
  const names = place.kind === 'value' ? nameSuggestions(place.path, place.key, scenarioNames(text)) : [];
  const options = names.length > 0 ? names : suggestions(SCHEMA, place);
  if (options.length === 0) return null;
  // With nothing typed yet, offer only where something is expected: after "key:", "{", "," or "- ".
  if (!context.explicit && place.from === context.pos && !context.matchBefore(/(^\s*|[:{,-]\s*)$/)) return null;
  return {
    from: place.from,
    options: options.map((o) => ({ label: o.label, type: place.kind === 'key' ? 'property' : 'enum', detail: o.detail, info: o.info, apply: place.kind === 'key' ? `${o.label}: ` : o.label })),
    validFor: /^[\w-]*$/,
  };
}

const hoverHelp = hoverTooltip((view, pos) => {
  const line = view.state.doc.lineAt(pos);
  const text = line.text;
  let start = pos - line.from;
  let end = start;
  while (start > 0 && /[\w-]/.test(text[start - 1] as string)) start--;
  while (end < text.length && /[\w-]/.test(text[end] as string)) end++;
  const word = text.slice(start, end);
  if (!word || text[end] !== ':') return null;
  const doc = view.state.doc.toString();
  const help = describeKey(SCHEMA, placeAt(doc, line.from + start), word);
  if (!help) return null;
  return {
    pos: line.from + start,
    end: line.from + end,
    above: true,
    create: () => {
      const dom = document.createElement('div');
      dom.className = 'cm-hover-help';
      dom.textContent = `${word}: ${help}`;
      return { dom };
    },
  };
});

export const CodeEditor = forwardRef<CodeEditorHandle, { text: string; onChange: (text: string) => void; problems: readonly ScenarioProblem[]; invalid: boolean; autoFocus?: boolean }>(
  function CodeEditor({ text, onChange, problems, invalid, autoFocus = false }, ref) {
    const host = useRef<HTMLDivElement>(null);
    const view = useRef<EditorView | undefined>(undefined);
    const changed = useRef(onChange);
    changed.current = onChange;

    useEffect(() => {
      const v = new EditorView({
        parent: host.current as HTMLDivElement,
        state: EditorState.create({
          doc: text,
          extensions: [
            lineNumbers(),
            history(),
            highlightActiveLine(),
            indentOnInput(),
            closeBrackets(),
            yaml(),
            syntaxHighlighting(highlight),
            autocompletion({ override: [complete], activateOnTyping: true }),
            hoverHelp,
            lintGutter(),
            keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap]),
            EditorView.lineWrapping,
            theme,
            // An explicit tabindex: a keyboard user (and axe's scrollable-region check) finds the editable content inside the scroller.
            EditorView.contentAttributes.of({ 'aria-label': 'Scenario YAML', 'aria-describedby': 'scenario-problems', spellcheck: 'false', tabindex: '0' }),
            EditorView.updateListener.of((u) => {
              if (u.docChanged) changed.current(u.state.doc.toString());
            }),
          ],
        }),
      });
      view.current = v;
      // Made because its placeholder was focused (clicked, or tabbed to): the focus moves into it —
      // if it is still where the placeholder left it (on <body>, the placeholder gone). A user who
      // tabbed on while CodeMirror loaded is left where they went.
      if (autoFocus && focusIsLost()) v.focus();
      return () => {
        v.destroy();
        view.current = undefined;
      };
      // The editor is made once; later text comes in through the effect below.
    }, []);

    // Text set from outside (a built-in scenario picked, a file opened) replaces the document.
    useEffect(() => {
      const v = view.current;
      if (v && v.state.doc.toString() !== text) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
    }, [text]);

    useEffect(() => {
      const v = view.current;
      if (!v) return;
      v.contentDOM.setAttribute('aria-invalid', String(invalid));
      const diagnostics: Diagnostic[] = [];
      for (const p of problems) {
        if (p.line === null || p.line < 1 || p.line > v.state.doc.lines) continue;
        const line = v.state.doc.line(p.line);
        diagnostics.push({ from: line.from, to: Math.max(line.from, line.to), severity: 'error', message: `${p.path ? `${p.path}: ` : ''}${p.message}` });
      }
      v.dispatch(setDiagnostics(v.state, diagnostics));
    }, [problems, invalid]);

    useImperativeHandle(ref, () => ({
      goToLine(lineNumber: number, column?: number) {
        const v = view.current;
        if (!v || lineNumber < 1 || lineNumber > v.state.doc.lines) return;
        const line = v.state.doc.line(lineNumber);
        const at = column !== undefined ? line.from + Math.min(Math.max(column - 1, 0), line.length) : undefined;
        v.dispatch({ selection: at !== undefined ? { anchor: at } : { anchor: line.from, head: line.to }, scrollIntoView: true });
        v.focus();
      },
    }));

    return <div className="code-editor" ref={host} data-testid="scenario-editor" />;
  },
);
