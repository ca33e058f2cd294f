import { useEffect, useState } from 'react';
import type { KmsStatus } from '../../src-shared/api';
import { call } from './api-client';

/** The embedded KMS at a glance: its endpoint and identities, and every key by region and state. */
export function KmsStatusPage() {
  const [status, setStatus] = useState<KmsStatus | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    const load = () => call('kms:status', {}).then(setStatus, (err: Error) => setError(err.message));
    load();
    const timer = setInterval(load, 2000);
    return () => clearInterval(timer);
  }, []);

  if (error) return <main style={styles.page}><h1>KeyDrill</h1><p role="alert" style={styles.error}>{error}</p></main>;
  if (!status) return <main style={styles.page}><h1>KeyDrill</h1><p>Starting the embedded KMS…</p></main>;
  return (
    <main style={styles.page}>
      <h1>KeyDrill — embedded KMS</h1>
      <p>
        Endpoint <code>{status.endpoint ?? 'not listening'}</code> · account <code>{status.account}</code>
        {status.dataDir ? <> · data in <code>{status.dataDir}</code></> : ' · in memory'}
      </p>
      <ul>{status.identities.map((i) => <li key={i.name}><strong>{i.name}</strong> <code>{i.arn}</code></li>)}</ul>
      {status.keys.length === 0 ? (
        <p>No keys yet. Create one with the AWS CLI or SDK against the endpoint above, e.g. <code>aws kms create-key --endpoint-url {status.endpoint}</code>.</p>
      ) : (
        <table style={styles.table}>
          <thead><tr><th>Region</th><th>Key</th><th>Aliases</th><th>State</th><th>Kind</th><th>Material versions</th><th>Next rotation</th></tr></thead>
          <tbody>
            {status.keys.map((k) => (
              <tr key={k.arn}>
                <td>{k.region}</td>
                <td title={k.arn}><code>{k.keyId}</code>{k.description ? <div>{k.description}</div> : null}</td>
                <td>{k.aliases.join(', ') || '—'}</td>
                <td>{k.state}{k.deletionDate ? ` (deleted ${k.deletionDate.slice(0, 10)})` : ''}</td>
                <td>{k.role}</td>
                <td>{k.materialVersions}</td>
                <td>{k.rotationEnabled ? k.nextRotation?.slice(0, 10) : 'off'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

const styles = {
  page: { fontFamily: 'system-ui, sans-serif', margin: '24px', color: 'CanvasText', background: 'Canvas' },
  table: { borderCollapse: 'collapse', width: '100%' },
  error: { color: '#b00020' },
} as const;
