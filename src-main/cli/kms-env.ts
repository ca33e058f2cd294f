import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isKnownRegion } from '../kms/embedded/regions';
import type { Identity } from '../kms/embedded/identities';
import { readServerState, type ServerState } from '../kms/embedded/server-state';
import { defineCommand, type OptionSpecs, type OptionValues } from './command-spec';
import { dataPath, keydrillHome } from './keydrill-home';
import type { JsonOutput } from './json-output';
import { awsConfigFile, writeAwsProfile } from './kms-env-profile';
import { CouldNotRunError, EXIT_OK, UsageError } from './usage-error';

const KMS_ENV_OPTIONS = {
  identity: { type: 'string', value: 'NAME', choices: ['admin', 'service', 'vendor'], description: "whose credentials: the key administrator (default), the service role, or the vendor's role in its own account (both temporary, with a session token)" },
  data: { type: 'string', value: 'DIR', complete: 'dir', description: "the running server's data folder (default: kms in $KEYDRILL_HOME or ~/.keydrill, as kms serve)" },
  region: { type: 'string', value: 'REGION', description: 'the AWS_REGION to export (default us-east-1); the server serves every region' },
  shell: { type: 'string', value: 'SHELL', choices: ['sh', 'fish', 'powershell'], description: 'the syntax of the exports (default sh: bash, zsh, dash)' },
  json: { type: 'boolean', description: 'the same as one JSON object' },
  'credential-process': { type: 'boolean', description: "print the credentials in the AWS CLI's credential_process format (for a profile's credential_process line)" },
  profile: { type: 'string', value: 'NAME', description: "write (or rewrite) the named profile in the AWS config file ($AWS_CONFIG_FILE or ~/.aws/config): the server's endpoint_url, the region, and a credential_process calling this command" },
} as const satisfies OptionSpecs;

/** `keydrill kms env`: a running `kms serve`'s endpoint and credentials, the way AWS tools read them. */
export const kmsEnvCommand = defineCommand({
  path: ['kms', 'env'],
  summary: 'a running server\'s endpoint and credentials, for shells and AWS profiles',
  description: "Reads the data folder of a running `keydrill kms serve` (its identities.json and the server.json it writes while it runs) and prints what the AWS CLI and every AWS SDK read: AWS_ENDPOINT_URL_KMS (and _CLOUDTRAIL when LookupEvents is served), AWS_REGION, and the chosen identity's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. Exit code 3 when no server is running on the folder. A server started with --in-memory keeps no folder: use its --json banner instead.",
  options: KMS_ENV_OPTIONS,
  examples: [
    { command: 'eval "$(keydrill kms env)"', note: 'this shell talks to the embedded KMS as its administrator: aws kms list-keys' },
    { command: 'eval "$(keydrill kms env --identity service)"', note: 'as the SaaS service role, with its session token' },
    { command: 'keydrill kms env --shell fish | source', note: 'the same in fish' },
    { command: 'keydrill kms env --profile keydrill', note: 'write [profile keydrill]; then aws --profile keydrill kms list-keys, or AWS_PROFILE=keydrill in any SDK' },
  ],
  run: ({ values, output }) => kmsEnv(values, output),
});

async function kmsEnv(values: OptionValues<typeof KMS_ENV_OPTIONS>, output: JsonOutput): Promise<number> {
  const region = values.region ?? 'us-east-1';
  if (!isKnownRegion(region)) throw new UsageError(`--region must be an AWS region such as us-east-1, got '${region}'`);
  const exclusive = [values.json, values['credential-process'], values.profile !== undefined, values.shell !== undefined].filter(Boolean).length;
  if (exclusive > 1) throw new UsageError('kms env: choose one of --json, --shell, --credential-process, --profile');
  const dataDir = values.data !== undefined ? dataPath('--data', values.data) : join(keydrillHome(), 'kms');
  const identity = readIdentity(dataDir, values.identity ?? 'admin');
  const server = await runningServer(dataDir);

  if (values['credential-process']) {
    console.log(JSON.stringify({
      Version: 1, AccessKeyId: identity.accessKeyId, SecretAccessKey: identity.secretAccessKey, ...(identity.sessionToken ? { SessionToken: identity.sessionToken } : {}),
    }));
    return EXIT_OK;
  }
  if (values.profile !== undefined) {
    const name = values.profile;
    if (!/^[\w.+@-]+$/.test(name)) throw new UsageError(`--profile: a profile name is letters, digits and . _ + @ -, got '${name}'`);
    const file = awsConfigFile();
    writeAwsProfile(file, name, {
      region,
      endpoint_url: server.endpoint,
      credential_process: credentialProcessCommand(dataDir, identity.name),
    });
    console.log(`Wrote [${name === 'default' ? 'default' : `profile ${name}`}] to ${file}: ${identity.name} of the embedded KMS at ${server.endpoint}, region ${region}.`);
    console.log(`Use it with: aws --profile ${name} kms list-keys   (or AWS_PROFILE=${name} for any SDK)`);
    return EXIT_OK;
  }
  const vars = variables(server, identity, region);
  if (values.json) {
    output.json(Object.fromEntries(vars.filter(([, v]) => v !== undefined)));
    return EXIT_OK;
  }
  const shell = (values.shell ?? 'sh') as 'sh' | 'fish' | 'powershell'; // checked against the option's choices
  console.log(`# keydrill kms env: ${identity.name} (${identity.callerArn}) of the embedded KMS at ${server.endpoint}`);
  for (const [name, value] of vars) console.log(assignment(shell, name, value));
  return EXIT_OK;
}

/** The variables, in the order printed; undefined = unset (a token left from another identity would break signing). */
function variables(server: ServerState, identity: Identity, region: string): [string, string | undefined][] {
  return [
    ['AWS_ENDPOINT_URL_KMS', server.endpoint],
    ...(server.cloudTrail ? [['AWS_ENDPOINT_URL_CLOUDTRAIL', server.endpoint] as [string, string]] : []),
    ['AWS_REGION', region],
    ['AWS_DEFAULT_REGION', region],
    ['AWS_ACCESS_KEY_ID', identity.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', identity.secretAccessKey],
    ['AWS_SESSION_TOKEN', identity.sessionToken],
  ];
}

function readIdentity(dataDir: string, name: string): Identity {
  const file = join(dataDir, 'identities.json');
  if (!existsSync(file)) throw new CouldNotRunError(`no embedded KMS data folder at ${dataDir} (no identities.json). Start one with 'keydrill kms serve${dataOption(dataDir)}'; a server started with --in-memory keeps no folder.`);
  let identities: Identity[];
  try {
    identities = (JSON.parse(readFileSync(file, 'utf8')) as { identities: Identity[] }).identities;
  } catch (err) {
    throw new CouldNotRunError(`${file} cannot be read: ${(err as Error).message}`);
  }
  const found = identities.find((i) => i.name === name);
  if (!found) throw new CouldNotRunError(`${file} has no identity '${name}' (it has ${identities.map((i) => i.name).join(', ')})`);
  // A folder from before session tokens gets its token when a server first opens it.
  if (found.accessKeyId.startsWith('ASIA') && !found.sessionToken) throw new CouldNotRunError(`${file} holds no session token for '${name}' yet: start 'keydrill kms serve' on the folder once.`);
  return found;
}

/** The server holding the folder, checked to be alive and answering its health check. */
async function runningServer(dataDir: string): Promise<ServerState> {
  const state = readServerState(dataDir);
  const start = `start it with 'keydrill kms serve${dataOption(dataDir)}'`;
  if (!state) throw new CouldNotRunError(`no embedded KMS is running on ${dataDir}: ${start}`);
  const healthy = await fetch(`${state.endpoint}/_localstack/health`, { signal: AbortSignal.timeout(3000) })
    .then(async (r) => r.ok && /"kms":\s*"running"/.test(await r.text()), () => false);
  if (!healthy) throw new CouldNotRunError(`the embedded KMS on ${dataDir} (pid ${state.pid}) does not answer at ${state.endpoint}: ${start}`);
  return state;
}

/** The command a profile's credential_process runs: this same CLI, by absolute paths, quoted for the AWS CLI's parser. */
function credentialProcessCommand(dataDir: string, identity: string): string {
  const script = process.argv[1] ? realpathSync(process.argv[1]) : resolve('bin/keydrill.mjs');
  return [process.execPath, script, 'kms', 'env', '--credential-process', '--identity', identity, '--data', dataDir].map(quoteForAws).join(' ');
}

function quoteForAws(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/(["\\])/g, '\\$1')}"`;
}

/** ` --data DIR` (quoted) when the folder is not the default one, for commands printed to copy. */
export function dataOption(dataDir: string): string {
  return resolve(dataDir) === resolve(join(keydrillHome(), 'kms')) ? '' : ` --data ${shellQuote('sh', dataDir)}`;
}

/** A value quoted for the shell: nothing in it is expanded. */
export function shellQuote(shell: 'sh' | 'fish' | 'powershell', value: string): string {
  if (shell === 'powershell') return `'${value.replace(/'/g, "''")}'`;
  if (shell === 'fish') return `'${value.replace(/(['\\])/g, '\\$1')}'`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function assignment(shell: 'sh' | 'fish' | 'powershell', name: string, value: string | undefined): string {
  if (shell === 'fish') return value === undefined ? `set -e ${name}` : `set -gx ${name} ${shellQuote(shell, value)}`;
  if (shell === 'powershell') return value === undefined ? `Remove-Item Env:${name} -ErrorAction SilentlyContinue` : `$Env:${name} = ${shellQuote(shell, value)}`;
  return value === undefined ? `unset ${name}` : `export ${name}=${shellQuote(shell, value)}`;
}
