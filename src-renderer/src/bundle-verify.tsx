import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { BundleVerification } from '../../src-shared/api-bundle-verification';
import { call, transportName } from './api-client';
import { BundleVerdict } from './bundle-verdict';

/** The desktop window has a native folder dialog; a browser served by `keydrill ui` gets a path typed in. */
const desktop = transportName === 'desktop';

/**
 * The Reports page's "Verify an audit bundle" section: an auditor handed a bundle checks it here
 * with `keydrill verify`'s own checks (`reports:verify`). A large bundle takes a while (its
 * CloudTrail records are read and recounted), so the section says it is working, for how long, and
 * that the other pages can be used meanwhile: pages stay mounted, so the verdict is here on return.
 */
export function BundleVerify() {
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState<{ what: string; since: number } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [verdict, setVerdict] = useState<BundleVerification | undefined>();
  const verdictRef = useRef<HTMLHeadingElement>(null);

  // A new verdict takes focus, so the keyboard lands where the answer is.
  useEffect(() => {
    if (verdict) verdictRef.current?.focus();
  }, [verdict]);

  const verify = async (args: { path: string } | { pick: true }, what: string) => {
    setBusy({ what, since: Date.now() });
    setError(undefined);
    try {
      const out = await call('reports:verify', args);
      if (out.cancelled) return;
      const { cancelled: _cancelled, ...found } = out;
      setVerdict(found);
    } catch (err) {
      setVerdict(undefined);
      setError((err as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const typed = path.trim();
    if (!typed) return setError('Type or paste the audit bundle folder’s full path.');
    void verify({ path: typed }, typed);
  };

  return (
    <section className="verify-bundle" aria-labelledby="verify-title" data-testid="bundle-verify">
      <h2 id="verify-title">Verify an audit bundle</h2>
      <p className="muted">
        Checks a bundle handed to you as <code>keydrill verify</code> does: every file against its SHA256SUMS and no file added beside them, the seal to compare with
        the sign-off, and the run’s CloudTrail records recounted against its event-set digest.
      </p>
      <form className="verify-form" onSubmit={submit} aria-label="Verify an audit bundle">
        <label className="field">
          <span>{desktop ? 'Bundle folder (its full path)' : 'Bundle folder: its full path on the machine running keydrill ui'}</span>
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/me/bundles/run-audit" spellCheck={false} autoComplete="off" aria-invalid={error ? true : undefined} aria-describedby={error ? 'verify-error' : undefined} data-testid="verify-path" />
        </label>
        <button type="submit" className="primary" disabled={busy !== undefined}>Verify</button>
        {desktop ? <button type="button" disabled={busy !== undefined} onClick={() => void verify({ pick: true }, 'the folder you choose')}>Choose a folder and verify…</button> : null}
      </form>
      {busy ? <Working what={busy.what} since={busy.since} /> : null}
      {error ? <p id="verify-error" className="error" role="alert">{error}</p> : null}
      {verdict && !busy ? <BundleVerdict ref={verdictRef} verdict={verdict} /> : null}
    </section>
  );
}

/** Verifying, for how long, and that the rest of the app can be used meanwhile. */
function Working({ what, since }: { what: string; since: number }) {
  const [now, setNow] = useState(since);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.round((now - since) / 1000));
  return (
    <p className="verify-working" role="status" data-testid="verify-working">
      <span className="spinner" aria-hidden="true" /> Verifying {what}{seconds >= 2 ? ` (${seconds} s)` : ''}… every file is read and the CloudTrail records recounted: a large bundle takes a minute or more.
      You can use the other pages meanwhile; the verdict will be here.
    </p>
  );
}
