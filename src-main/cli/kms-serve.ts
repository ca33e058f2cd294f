import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedKms, type RequestRecord } from '../kms/embedded/embedded-kms';
import type { Identity } from '../kms/embedded/identities';
import { AWS_REGIONS } from '../kms/embedded/regions';
import { randomUUID } from 'node:crypto';
import { BatchedIngest } from '../audit/batched-ingest';
import { SqliteEventStore } from '../audit/sqlite-event-store';
import { keyOwnerCopy } from '../kms/cloudtrail-cross-account';
import { buildKmsServiceEvent } from '../kms/cloudtrail-service-event';
import type { KmsServiceEvent } from '../kms/embedded/kms-core';
import { servedCallRecord } from '../kms/served-call-event';
import { defineCommand, intOption, type OptionSpecs, type OptionValues } from './command-spec';
import { dataPath, keydrillHome } from './keydrill-home';
import { eventsDbPath } from './audit-options';
import { EXIT_OK, UsageError } from './usage-error';
import { writeServerState } from '../kms/embedded/server-state';
import { dataOption } from './kms-env';
import type { JsonOutput } from './json-output';

const KMS_SERVE_OPTIONS = {
  port: { type: 'string', value: 'N', description: 'the port on 127.0.0.1 (default 4566; 0 picks a free one)' },
  data: { type: 'string', value: 'DIR', complete: 'dir', description: 'the data folder (default: kms in the data folder, $KEYDRILL_HOME or ~/.keydrill)' },
  'in-memory': { type: 'boolean', description: 'keep keys in memory only (gone when the server stops)' },
  db: { type: 'string', value: 'FILE', complete: 'file', description: 'the event store every call answered is written to as CloudTrail, and that answers CloudTrail LookupEvents (default: events.sqlite in the data folder)' },
  json: { type: 'boolean', description: 'print the endpoint, account, regions and identities as one JSON line' },
  log: { type: 'boolean', description: 'log every request (time, region, caller, operation, status) on stderr' },
  'requests-per-second': { type: 'string', value: 'N', description: 'a per-region quota for cryptographic calls (ThrottlingException above it), as AWS has' },
  'accept-test-credentials': { type: 'boolean', description: "also accept LocalStack's test/test credentials (awslocal, tflocal…) as the key administrator; anyone who can reach the port may then administer the keys" },
} as const satisfies OptionSpecs;

/** `keydrill kms serve`: the embedded KMS as a standalone endpoint for the AWS CLI and any SDK. */
export const kmsServeCommand = defineCommand({
  path: ['kms', 'serve'],
  summary: 'run the embedded AWS-KMS-compatible server on 127.0.0.1',
  description: 'Serves the AWS KMS JSON 1.1 protocol on 127.0.0.1 for the AWS CLI (--endpoint-url) and any AWS SDK, with SigV4 checked, key policies and grants enforced, and keys kept in the data folder (one server per folder: a lock file enforces it). It prints the endpoint and the credentials of its two identities (the key administrator and the service role), writes every call it answers (refusals included) and what KMS does on its own (rotations, deletions) to the event store as CloudTrail records, as AWS does, and answers CloudTrail LookupEvents from it. Ctrl-C stops it.',
  options: KMS_SERVE_OPTIONS,
  examples: [
    { command: 'keydrill kms serve', note: 'serve on http://127.0.0.1:4566 with keys kept in ~/.keydrill/kms' },
    { command: 'eval "$(keydrill kms env)"', note: 'then, in another shell: the running server\'s endpoint and administrator credentials as AWS_* variables' },
    { command: 'keydrill kms serve --accept-test-credentials', note: 'LocalStack habits: awslocal and AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test work as the administrator' },
    { command: 'curl -s localhost:4566/_localstack/health', note: 'the health check, in LocalStack\'s shape (also at /health)' },
    { command: 'keydrill kms serve --port 0 --in-memory --json', note: 'a throwaway server on a free port, described as JSON (for scripts)' },
  ],
  run: ({ values, output }) => kmsServe(values, output),
});

async function kmsServe(values: OptionValues<typeof KMS_SERVE_OPTIONS>, output: JsonOutput): Promise<number> {
  if (values.data !== undefined && values['in-memory']) throw new UsageError('kms serve: --data and --in-memory exclude each other');
  const port = intOption('port', values.port, 4566, 0, 65535);
  const quota = values['requests-per-second'] === undefined ? undefined : intOption('requests-per-second', values['requests-per-second'], 0, 1, 1_000_000);
  const dataDir = values['in-memory'] ? undefined : values.data !== undefined ? dataPath('--data', values.data) : join(keydrillHome(), 'kms');

  // CloudTrail LookupEvents is answered from the event store drills and imports write to; every call
  // the server answers is written there too, as AWS writes it, and what KMS does on its own.
  const eventsDb = values['in-memory'] && values.db === undefined ? undefined : eventsDbPath(values.db);
  const eventStore = eventsDb ? SqliteEventStore.open(eventsDb) : undefined;
  const late: { trail?: BatchedIngest | undefined } = {};
  const kms = new EmbeddedKms({
    dataDir, requestsPerSecond: quota, eventStore, acceptTestCredentials: values['accept-test-credentials'] ?? false, version: keydrillVersion(),
    onServiceEvent: (event: KmsServiceEvent) => late.trail?.record({ ...buildKmsServiceEvent(event), eventID: randomUUID() }, undefined),
  });
  // Once the data folder is this server's (the constructor refuses one another process holds): the ingest's thread would keep a refused process alive.
  const trail = eventStore ? new BatchedIngest(eventStore) : undefined;
  late.trail = trail;
  const startedAt = Date.now();
  if (trail) {
    kms.onCall = (call) => {
      const record = servedCallRecord(call, startedAt);
      trail.record(record, undefined);
      // A call on another account's key is written to that account too (cloudtrail-cross-account.ts).
      const ownerCopy = keyOwnerCopy(record, () => randomUUID());
      if (ownerCopy) trail.record(ownerCopy, undefined);
    };
  }
  let endpoint: string;
  try {
    endpoint = await kms.listen(port);
  } catch (err) {
    await kms.close();
    await trail?.close();
    eventStore?.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`port ${port} on 127.0.0.1 is already in use (LocalStack?). Choose another with --port, or --port 0 for any free port.`, { cause: err });
    throw err;
  }
  if (values.log) kms.onRequest = (r) => console.error(formatRequest(r));
  // `keydrill kms env` finds this server through its data folder.
  const forgetState = dataDir
    ? writeServerState(dataDir, { endpoint, pid: process.pid, cloudTrail: eventStore !== undefined, acceptsTestCredentials: kms.acceptsTestCredentials, startedAt: new Date().toISOString() })
    : () => undefined;

  if (values.json) {
    output.json({
      endpoint, port: Number(new URL(endpoint).port), dataDir: dataDir ?? null, eventsDb: eventsDb ?? null, account: kms.account, regions: AWS_REGIONS,
      identities: kms.identities.map(publicIdentity), acceptsTestCredentials: kms.acceptsTestCredentials, health: `${endpoint}/_localstack/health`,
    });
  } else {
    console.log(describeServer(endpoint, dataDir, eventsDb, kms));
  }

  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  forgetState();
  await kms.close();
  // Every call answered is stored before the server says it stopped.
  await trail?.close();
  eventStore?.close();
  if (!values.json) console.log('embedded KMS stopped');
  return EXIT_OK;
}

/** KeyDrill's version, as the health check reports it (package.json is two folders up from src-main/cli and out/cli alike). */
function keydrillVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'dev';
  }
}

function publicIdentity(id: Identity) {
  return {
    name: id.name, type: id.type, account: id.account, principalArn: id.principalArn, callerArn: id.callerArn,
    accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey, ...(id.sessionToken ? { sessionToken: id.sessionToken } : {}),
  };
}

function describeServer(endpoint: string, dataDir: string | undefined, eventsDb: string | undefined, kms: EmbeddedKms): string {
  const admin = kms.identity('admin');
  const lines = [
    `KeyDrill embedded KMS listening on ${endpoint}`,
    `  data      ${dataDir ?? 'in memory (gone when the server stops)'}`,
    `  events    ${eventsDb ? `${eventsDb} (every call answered is written there as CloudTrail, and LookupEvents answered from it)` : 'none (calls not written as CloudTrail; LookupEvents not served)'}`,
    `  account   ${kms.account}`,
    `  regions   all ${AWS_REGIONS.length} AWS regions; a request's region is the one it is signed for`,
    '',
    ...kms.identities.flatMap((id) => [
      `  ${id.name.padEnd(9)} ${id.callerArn}`,
      `            AWS_ACCESS_KEY_ID=${id.accessKeyId} AWS_SECRET_ACCESS_KEY=${id.secretAccessKey}`,
      ...(id.sessionToken ? [`            AWS_SESSION_TOKEN=${id.sessionToken}`] : []),
    ]),
    ...(kms.acceptsTestCredentials ? ['  test      AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test are accepted as the admin (--accept-test-credentials)'] : []),
    '',
    `  health    ${endpoint}/_localstack/health (also /health)`,
    '',
    'Try it with the AWS CLI:',
    ...(dataDir
      ? [`  eval "$(keydrill kms env${dataOption(dataDir)})"`, '  aws kms create-key']
      : [`  AWS_ACCESS_KEY_ID=${admin.accessKeyId} AWS_SECRET_ACCESS_KEY=${admin.secretAccessKey} \\`, `    aws kms create-key --endpoint-url ${endpoint} --region us-east-1`]),
    '',
    'Ctrl+C stops it.',
  ];
  return lines.join('\n');
}

function formatRequest(r: RequestRecord): string {
  const outcome = r.errorCode ? `${r.status} ${r.errorCode}` : String(r.status);
  return `${new Date().toISOString()} ${r.region ?? '-'} ${r.caller ?? '-'} ${r.operation || '-'} ${outcome} ${r.durationMs.toFixed(1)}ms`;
}
