import { getHomeDir, loadSharedConfigFiles } from '@smithy/core/config';
import { join } from 'node:path';
import { didYouMean } from '../../src-shared/did-you-mean';

/**
 * A named AWS profile that neither shared file holds. The SDK says only "Could not load
 * credentials from any providers" for it (it skips the environment's keys once a profile is
 * named, then finds nothing), which sends a user hunting through credentials that are fine when
 * the fault is a typed name; the AWS CLI refuses such a profile before any call, and so does this.
 */
export class UnknownAwsProfileError extends Error {
  override name = 'UnknownAwsProfileError';
  constructor(readonly profile: string, readonly known: readonly string[], message: string) {
    super(message);
  }
}

/**
 * Throws an UnknownAwsProfileError when the profile named — `profile`, else AWS_PROFILE — is in
 * neither $AWS_CONFIG_FILE (~/.aws/config) nor $AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials).
 * No profile named: nothing to check (the default chain may find credentials anywhere). Reads the
 * files as the SDK reads them, afresh each time, so a file corrected meanwhile counts; only the
 * section names leave this function.
 */
export async function checkAwsProfile(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const fromEnv = !profile;
  const name = profile || env.AWS_PROFILE;
  if (!name) return;
  const files = sharedFiles(env);
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ configFilepath: files.config, filepath: files.credentials, ignoreCache: true });
  const known = [...new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)].filter(isProfileSection))].sort();
  if (known.includes(name)) return;
  const there = known.length ? `profiles there: ${known.join(', ')}` : 'no profiles there';
  const guess = didYouMean(name, known);
  throw new UnknownAwsProfileError(name, known,
    `AWS profile "${name}"${fromEnv ? ' (from AWS_PROFILE)' : ''} is not in ${shown(files.config)} or ${shown(files.credentials)} (${there})${guess ? `. Did you mean "${guess}"?` : ''}`);
}

/** The two files, as the SDK finds them (getConfigFilepath, getCredentialsFilepath), with its "~/" expansion. */
function sharedFiles(env: NodeJS.ProcessEnv): { config: string; credentials: string } {
  const home = (path: string) => (path.startsWith('~/') ? join(getHomeDir(), path.slice(2)) : path);
  return {
    config: home(env.AWS_CONFIG_FILE || join(getHomeDir(), '.aws', 'config')),
    credentials: home(env.AWS_SHARED_CREDENTIALS_FILE || join(getHomeDir(), '.aws', 'credentials')),
  };
}

/** The loader keys sso-session and services sections (and a credentials file's stray "[profile x]") with a prefix: they are no profiles. */
function isProfileSection(key: string): boolean {
  return !/^(profile|sso-session|services)\./.test(key);
}

/** A path under the home folder as ~/…, as people write it. */
function shown(path: string): string {
  const home = getHomeDir();
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}
