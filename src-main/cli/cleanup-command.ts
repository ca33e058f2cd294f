import { DeleteAliasCommand, DescribeKeyCommand, ListAliasesCommand, ListKeysCommand, ListResourceTagsCommand, ScheduleKeyDeletionCommand, type KMSClient } from '@aws-sdk/client-kms';
import { checkAwsProfile } from '../kms/aws-profile-check';
import { AWS_REGIONS } from '../kms/embedded/regions';
import { backendUnavailable, KmsClientFactory } from '../kms/kms-client-factory';
import { regionOption } from './audit-options';
import { defineCommand, intOption } from './command-spec';
import { progressReporter } from './progress';
import { EXIT_OK, UsageError } from './usage-error';
import { counted } from '../../src-shared/count';

/**
 * `keydrill cleanup --backend aws|localstack`: finds the keys drills created (tag keydrill:scenario)
 * that are not already pending deletion — left behind by a drill killed outright, or a machine that
 * went down — deletes their aliases and schedules the keys for deletion. Replicas go before their
 * primaries. Nothing else is touched: keys without the tag are never looked at twice.
 */
export const SCENARIO_TAG = 'keydrill:scenario';

export interface Leftover {
  region: string;
  keyId: string;
  arn: string;
  scenario: string;
  state: string;
  replica: boolean;
  aliases: string[];
}

export const cleanupCommand = defineCommand({
  path: ['cleanup'],
  summary: 'find keys drills left in LocalStack or AWS (by tag) and schedule them for deletion',
  description: `Lists the KMS keys tagged ${SCENARIO_TAG} in each region that are not already pending deletion, deletes their aliases and schedules the keys for deletion (the pending window, 7 days by default, lets you cancel). With --dry-run it only lists them. The endpoint and profile are chosen as for keydrill drill run (AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, the profile's endpoint_url). A region that refuses the credentials (e.g. not enabled in the account) is reported and skipped.`,
  options: {
    backend: { type: 'string', choices: ['localstack', 'aws'], description: 'where to look (required)' },
    region: { type: 'string', multiple: true, value: 'R', description: 'a region to look in (default: every AWS region)' },
    scenario: { type: 'string', value: 'NAME', description: `only keys whose ${SCENARIO_TAG} tag is NAME` },
    endpoint: { type: 'string', value: 'URL', description: 'the KMS endpoint (default: as keydrill drill run chooses it)' },
    profile: { type: 'string', value: 'P', description: 'the AWS profile, as AWS_PROFILE=P' },
    'pending-days': { type: 'string', value: 'N', description: 'the deletion window, 7 to 30 days (default 7)' },
    'dry-run': { type: 'boolean', description: 'list what would be cleaned up, change nothing' },
    json: { type: 'boolean', description: 'print {found: [...], scheduled, aliasesDeleted, skippedRegions} as JSON' },
  },
  examples: [
    { command: 'keydrill cleanup --backend aws --profile prod-keys --dry-run', note: 'what drills left in an AWS account' },
    { command: 'keydrill cleanup --backend localstack --region us-east-1 --region us-west-2', note: 'clean LocalStack in two regions' },
  ],
  async run({ values, output }) {
    if (!values.backend) throw new UsageError('cleanup: --backend localstack or --backend aws is required (the embedded KMS of a drill is gone when the drill ends)');
    const backend = values.backend as 'localstack' | 'aws';
    const regions = (values.region ?? [...AWS_REGIONS]).map((r) => regionOption(r) as string);
    const pendingDays = intOption('pending-days', values['pending-days'], 7, 7, 30);
    // Else every region would be "skipped: refused the credentials" for what is a mistyped name.
    await checkAwsProfile(values.profile);
    const factory = new KmsClientFactory({ backend, endpoint: values.endpoint, profile: values.profile, maxAttempts: 2 });
    const progress = progressReporter();
    const found: Leftover[] = [];
    const skippedRegions: { region: string; reason: string }[] = [];
    try {
      for (const [i, region] of regions.entries()) {
        progress.update(`cleanup: looking in ${region} (${i + 1}/${regions.length}), ${found.length} found`);
        try {
          for (const key of await leftoversIn((r) => factory.clientFor(r), region, values.scenario)) {
            if (!found.some((k) => k.keyId === key.keyId && k.region === key.region)) found.push(key);
          }
        } catch (err) {
          const unavailable = backendUnavailable(err, backend, factory.endpoint);
          // Unreachable is unreachable everywhere: stop (exit 3). Refused in one region: an opt-in region, skip it.
          if (!unavailable || unavailable.reason === 'unreachable' || regions.length === 1) throw unavailable ?? err;
          skippedRegions.push({ region, reason: unavailable.message });
        }
      }
      progress.done();
      let aliasesDeleted = 0;
      let scheduled = 0;
      if (!values['dry-run']) {
        // Replicas first: a primary with replicas waits for them (PendingReplicaDeletion).
        for (const key of [...found].sort((a, b) => Number(b.replica) - Number(a.replica))) {
          const client = factory.clientFor(key.region);
          for (const alias of key.aliases) {
            await client.send(new DeleteAliasCommand({ AliasName: alias }));
            aliasesDeleted++;
          }
          await client.send(new ScheduleKeyDeletionCommand({ KeyId: key.keyId, PendingWindowInDays: pendingDays }));
          scheduled++;
        }
      }
      if (values.json) {
        output.json({ backend, endpoint: factory.endpoint ?? null, dryRun: values['dry-run'] === true, found, scheduled, aliasesDeleted, skippedRegions });
      } else {
        for (const k of found) console.log(`${values['dry-run'] ? 'would schedule' : 'scheduled'} ${k.region} ${k.keyId} (${k.scenario}${k.replica ? ', replica' : ''}, was ${k.state})${k.aliases.length ? `; aliases ${k.aliases.join(', ')}` : ''}`);
        for (const s of skippedRegions) console.error(`keydrill: cleanup: skipped ${s.region}: ${s.reason}`);
        console.log(found.length === 0
          ? `no drill keys left in ${counted(regions.length, 'region')} of the ${backend} KMS`
          : values['dry-run'] ? `${counted(found.length, 'key')} would be scheduled for deletion; run again without --dry-run to do it` : `${counted(scheduled, 'key')} scheduled for deletion in ${pendingDays} days, ${counted(aliasesDeleted, 'alias', 'aliases')} deleted`);
      }
      return EXIT_OK;
    } finally {
      progress.done();
      factory.destroy();
    }
  },
});

/**
 * Keys with the drill tag, not pending deletion, with their aliases, in one region — and the
 * replicas of such a primary in other regions (replicas made before drills tagged them carry no tag).
 */
export async function leftoversIn(clientFor: (region: string) => KMSClient, region: string, scenario: string | undefined): Promise<Leftover[]> {
  const client = clientFor(region);
  const keyIds: string[] = [];
  for (let marker: string | undefined, first = true; first || marker; first = false) {
    const page = await client.send(new ListKeysCommand({ Marker: marker, Limit: 1000 }));
    for (const k of page.Keys ?? []) if (k.KeyId) keyIds.push(k.KeyId);
    marker = page.Truncated ? page.NextMarker : undefined;
  }
  const out: Leftover[] = [];
  for (const keyId of keyIds) {
    const tags = await client.send(new ListResourceTagsCommand({ KeyId: keyId })).catch(() => undefined);
    const tag = tags?.Tags?.find((t) => t.TagKey === SCENARIO_TAG)?.TagValue;
    if (tag === undefined || (scenario !== undefined && tag !== scenario)) continue;
    const meta = (await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
    const state = meta?.KeyState ?? 'Unknown';
    if (!meta?.Arn || state === 'PendingDeletion' || state === 'PendingReplicaDeletion') continue;
    out.push({ region, keyId, arn: meta.Arn, scenario: tag, state, replica: meta.MultiRegionConfiguration?.MultiRegionKeyType === 'REPLICA', aliases: [] });
    for (const r of meta.MultiRegionConfiguration?.MultiRegionKeyType === 'PRIMARY' ? meta.MultiRegionConfiguration.ReplicaKeys ?? [] : []) {
      if (!r.Region || !r.Arn) continue;
      const replica = (await clientFor(r.Region).send(new DescribeKeyCommand({ KeyId: r.Arn })).catch(() => undefined))?.KeyMetadata;
      const replicaState = replica?.KeyState ?? 'Unknown';
      if (replicaState === 'PendingDeletion' || replicaState === 'PendingReplicaDeletion' || replicaState === 'Unknown') continue;
      out.push({ region: r.Region, keyId, arn: r.Arn, scenario: tag, state: replicaState, replica: true, aliases: await aliasesOf(clientFor(r.Region), keyId) });
    }
  }
  if (out.length === 0) return out;
  const here = out.filter((k) => k.region === region);
  for (const key of here) key.aliases = await aliasesOf(client, key.keyId);
  return out;
}

/** Aliases that name the key in this region. */
async function aliasesOf(client: KMSClient, keyId: string): Promise<string[]> {
  const names: string[] = [];
  for (let marker: string | undefined, first = true; first || marker; first = false) {
    const page = await client.send(new ListAliasesCommand({ KeyId: keyId, Marker: marker, Limit: 100 }));
    for (const a of page.Aliases ?? []) if (a.AliasName) names.push(a.AliasName);
    marker = page.Truncated ? page.NextMarker : undefined;
  }
  return names;
}
