import { useEffect, useState, type FormEvent } from 'react';
import type { BackendKind, BackendSettings, ConnectionReport } from '../../../src-shared/api';
import { call } from '../api-client';
import { backendProblem } from '../settings-check';
import { useLoad } from '../use-call';

/** The backend as the connection test's heading names it ("Connected to the embedded KMS"), not its setting's key. */
const BACKEND_NAME: Record<BackendKind, string> = { embedded: 'the embedded KMS', localstack: 'LocalStack', aws: 'AWS KMS' };

const CAPABILITY_TEXT: Record<string, string> = {
  disabledKeyRefusesDecrypt: 'A disabled key refuses Decrypt (key state is enforced)',
  keyPolicyEnforced: 'Key policies are enforced: removing the service role locks it out',
  replicasFollowRotation: 'Multi-Region replicas follow the primary’s rotation',
  unambiguousEncryptionContext: 'Encryption contexts are bound unambiguously',
  listKeyRotations: 'ListKeyRotations is available',
  updatePrimaryRegion: 'UpdatePrimaryRegion is available (failover of the primary)',
  virtualClock: 'Key deletion and automatic rotation follow the drill’s virtual clock',
};

interface Form { kind: BackendSettings['kind']; endpoint: string; profile: string; regions: string }

const toForm = (b: BackendSettings): Form => ({
  kind: b.kind,
  endpoint: b.kind === 'localstack' ? b.endpoint : 'http://localhost:4566',
  profile: b.kind === 'aws' ? b.profile ?? '' : '',
  regions: b.kind === 'aws' ? b.regions.join(', ') : 'us-east-1, us-west-2',
});

const toBackend = (f: Form): BackendSettings =>
  f.kind === 'embedded' ? { kind: 'embedded' }
    : f.kind === 'localstack' ? { kind: 'localstack', endpoint: f.endpoint.trim() }
      : { kind: 'aws', ...(f.profile.trim() ? { profile: f.profile.trim() } : {}), regions: f.regions.split(/[\s,]+/).filter(Boolean) };

/** The backend drills run against, and a connection test that says what it enforces. */
export function SettingsPage() {
  const saved = useLoad(() => call('settings:get', {}), []);
  const [form, setForm] = useState<Form | undefined>();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  // The result of a connection test, with the backend as it was tested: shown only while the form still says that backend.
  const [report, setReport] = useState<{ of: string; result: ConnectionReport } | undefined>();
  const [testing, setTesting] = useState(false);
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    if (saved.data && !form) setForm(toForm(saved.data.backend));
  }, [saved.data, form]);

  if (saved.error) return <div className="page"><p className="error" role="alert">{saved.error}</p></div>;
  if (!form) return <div className="page"><p className="muted">Loading settings…</p></div>;
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm({ ...form, [k]: v });
  const problem = checked ? backendProblem(toBackend(form)) : undefined;
  // A form main would refuse is not sent: the problem is said per field, the field marked.
  const refuse = () => {
    setChecked(true);
    const p = backendProblem(toBackend(form));
    if (p) {
      setMessage(undefined);
      setReport(undefined);
    }
    return p !== undefined;
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (refuse()) return;
    try {
      await call('settings:set', { backend: toBackend(form) });
      setMessage({ ok: true, text: 'Saved. New drills run on this backend unless the Drills page says otherwise.' });
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };
  const test = async () => {
    if (refuse()) return;
    setTesting(true);
    setReport(undefined);
    try {
      const backend = toBackend(form);
      setReport({ of: JSON.stringify(backend), result: await call('settings:test-connection', { backend }) });
      setMessage(undefined);
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    } finally {
      setTesting(false);
    }
  };

  return (
    <div className="page settings">
      <form onSubmit={save} aria-label="KMS backend">
        <fieldset>
          <legend>KMS backend for drills</legend>
          {(['embedded', 'localstack', 'aws'] as const).map((k) => (
            <label key={k} className="radio">
              <input type="radio" name="backend" value={k} checked={form.kind === k} onChange={() => set('kind', k)} />
              {k === 'embedded' ? 'Embedded KMS (in this process; enforces what AWS enforces)' : k === 'localstack' ? 'LocalStack' : 'AWS KMS (real keys, billed until deleted)'}
            </label>
          ))}
          {form.kind === 'localstack' ? (
            <label className="field"><span>Endpoint</span><input value={form.endpoint} onChange={(e) => set('endpoint', e.target.value)} aria-invalid={problem?.field === 'endpoint' || undefined} /></label>
          ) : null}
          {form.kind === 'aws' ? (
            <>
              <label className="field"><span>Profile (empty: the default credential chain)</span><input value={form.profile} onChange={(e) => set('profile', e.target.value)} /></label>
              <label className="field"><span>Regions</span><input value={form.regions} onChange={(e) => set('regions', e.target.value)} placeholder="eu-west-1, eu-central-1" aria-invalid={problem?.field === 'regions' || undefined} /></label>
            </>
          ) : null}
        </fieldset>
        <div className="row">
          <button type="submit" className="primary">Save</button>
          <button type="button" onClick={() => void test()} disabled={testing}>{testing ? 'Testing…' : 'Test connection'}</button>
        </div>
        {problem ? <p className="error" role="alert" data-testid="settings-problem">Not saved or tested: {problem.text}</p> : null}
        {message ? <p className={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>{message.text}</p> : null}
      </form>
      {/* A test of another backend than the one the form says now tells nothing of it: a trial read "Connected to the embedded KMS" under LocalStack, and "ENOTFOUND nosuchhost.invalid" beside the endpoint it had just corrected. */}
      {report && report.of === JSON.stringify(toBackend(form)) ? (
        <section className="connection" aria-label="Connection test" data-testid="connection-report">
          <h3>{report.result.ok ? `Connected to ${BACKEND_NAME[report.result.backend]} in ${(report.result.elapsedMs / 1000).toFixed(1)} s` : `Could not connect to ${BACKEND_NAME[report.result.backend]}`}</h3>
          {report.result.error ? <p className="error" role="alert">{report.result.error}</p> : null}
          <ul className="capabilities">
            {Object.entries(report.result.capabilities).map(([k, v]) => (
              <li key={k} className={v ? 'pass' : 'fail'}><span className="mark">{v ? '✓' : '✗'}</span> {CAPABILITY_TEXT[k] ?? k}</li>
            ))}
          </ul>
          {report.result.notes.length ? <ul className="notes">{report.result.notes.map((n) => <li key={n}>{n}</li>)}</ul> : null}
          {report.result.ok && Object.values(report.result.capabilities).some((v) => !v) ? (
            <p className="muted">Steps this backend cannot enforce are simulated on the client, with a note in the report (or refused when a scenario says onUnsupportedStep: refuse).</p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
