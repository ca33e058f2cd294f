import { forwardRef } from 'react';
import type { BundleVerification } from '../../src-shared/api-bundle-verification';
import { counted } from '../../src-shared/count';
import { eventSetFindings, fileProblem, fileProblemWords } from './bundle-verdict-text';

/**
 * The verdict on an audit bundle, plainly: Verified or NOT verified first, then what an auditor
 * signs off on — the run, the seal to compare with the sign-off, the files against SHA256SUMS, and
 * the run's event set recomputed from the CloudTrail files — each problem on a line of its own.
 * The heading takes focus when a verdict arrives (ref), so a keyboard or screen-reader user lands on it.
 */
export const BundleVerdict = forwardRef<HTMLHeadingElement, { verdict: BundleVerification }>(function BundleVerdict({ verdict }, ref) {
  const { run, files, againstManifest, verified } = verdict;
  const events = eventSetFindings(verdict);
  return (
    <article className={`bundle-verdict ${verified ? 'verified' : 'not-verified'}`} aria-labelledby="bundle-verdict-title" data-testid="bundle-verdict">
      <h3 id="bundle-verdict-title" ref={ref} tabIndex={-1}>
        <span className={`badge ${verified ? 'pass' : 'fail'}`} data-testid="bundle-verdict-word">{verified ? 'Verified' : 'NOT verified'}</span>{' '}
        <code className="mono">{verdict.bundle}</code>
      </h3>
      <dl>
        <dt>Run</dt>
        <dd data-testid="bundle-verdict-run">
          {run ? <><code className="mono">{run.runId}</code> · {run.scenarioTitle}</> : <span className="error">unknown: manifest.json cannot be read ({verdict.manifestProblem}){files.problems.includes('changed: manifest.json') ? ', and SHA256SUMS sealed another' : ''}</span>}
        </dd>
        <dt>Seal</dt>
        <dd>
          <code className="mono" data-testid="bundle-verdict-seal">{verdict.seal}</code>
          <span className="muted"> SHA-256 of SHA256SUMS: compare it with the one quoted in the sign-off. A SHA256SUMS rewritten to hide a change has another.</span>
        </dd>
        <dt>Files</dt>
        <dd data-testid="bundle-verdict-files">
          {files.ok ? (
            <span className="ok">All {files.checked.toLocaleString('en')} match SHA256SUMS, and no other file is in the folder.</span>
          ) : (
            <>
              <span className="error">{counted(files.problems.length, 'problem')} against SHA256SUMS ({files.checked.toLocaleString('en')} listed):</span>
              <ul className="bundle-problems">
                {files.problems.map((p) => {
                  const { kind, path } = fileProblem(p);
                  return <li key={p}><strong>{fileProblemWords(kind)}</strong>{path ? <>: <code className="mono">{path}</code></> : null}</li>;
                })}
              </ul>
            </>
          )}
        </dd>
        {againstManifest.length ? (
          <>
            <dt>Manifest</dt>
            <dd data-testid="bundle-verdict-manifest">
              <span className="error">{againstManifest.length === 1 ? 'A file is' : `${againstManifest.length.toLocaleString('en')} files are`} not what manifest.json says:</span>
              <ul className="bundle-problems">
                {againstManifest.map((p) => <li key={p}>{p}</li>)}
              </ul>
            </dd>
          </>
        ) : null}
        <dt>Event set</dt>
        <dd data-testid="bundle-verdict-events">
          <span className={events.holds ? 'ok' : 'error'}>{events.summary}</span>
          {events.rows.length ? (
            <table className="bundle-event-set">
              <tbody>
                {events.rows.map((r) => (
                  <tr key={r.label} className={r.bad ? 'bad' : undefined}>
                    <th scope="row">{r.label}</th>
                    <td>{r.mono ? <code className="mono">{r.value}</code> : r.value}{r.bad ? <span className="sr-only"> (does not hold)</span> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {events.unreadable.length ? (
            <ul className="bundle-problems">
              {events.unreadable.map((u) => <li key={u}><code className="mono">{u}</code></li>)}
            </ul>
          ) : null}
        </dd>
      </dl>
    </article>
  );
});
