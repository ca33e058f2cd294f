import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The AWS config file the AWS CLI and SDKs read: $AWS_CONFIG_FILE, else ~/.aws/config. */
export function awsConfigFile(): string {
  return process.env.AWS_CONFIG_FILE ? resolve(process.env.AWS_CONFIG_FILE) : join(homedir(), '.aws', 'config');
}

/**
 * Writes one profile section into an AWS config file, replacing the section of that name if there
 * is one and leaving every other line as it was (other profiles, comments, sso-session and services
 * sections). The file is replaced atomically, so a reader never sees half of it.
 */
export function writeAwsProfile(file: string, name: string, settings: Record<string, string>): void {
  const header = name === 'default' ? '[default]' : `[profile ${name}]`;
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  const isHeader = (line: string): boolean => /^\s*\[[^\]]+\]\s*$/.test(line);
  const sameSection = (line: string): boolean => line.trim().replace(/\s+/g, ' ') === header;
  const start = lines.findIndex(sameSection);
  const body = [header, '# written by keydrill kms env --profile', ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`), ''];
  let next: string[];
  if (start < 0) {
    const kept = lines.length > 0 && lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
    next = [...kept, ...(kept.length > 0 && kept[kept.length - 1]?.trim() !== '' ? [''] : []), ...body];
  } else {
    let end = start + 1;
    while (end < lines.length && !isHeader(lines[end] as string)) end++;
    next = [...lines.slice(0, start), ...body, ...lines.slice(end)];
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.keydrill-${process.pid}`;
  writeFileSync(temp, next.join('\n').replace(/\n*$/, '\n'), { mode: 0o600 });
  // Keep the file's own permissions (a shared ~/.aws/config may be 0644 on purpose).
  if (existsSync(file)) chmodSync(temp, statSync(file).mode & 0o777);
  renameSync(temp, file);
}
