import { KmsError } from '../errors';

/** AWS's rules for KMS tags: no "aws:" prefix, at most 50 per key. */
export function applyTags(existing: Readonly<Record<string, string>>, tags: readonly { TagKey: string; TagValue: string }[] | undefined): Record<string, string> {
  const next = { ...existing };
  for (const { TagKey, TagValue } of tags ?? []) {
    if (TagKey.toLowerCase().startsWith('aws:')) throw new KmsError('TagException', `Tag key '${TagKey}' is reserved: keys beginning with 'aws:' are for AWS use.`);
    next[TagKey] = TagValue;
  }
  if (Object.keys(next).length > 50) throw new KmsError('TagException', 'A KMS key can have at most 50 tags.');
  return next;
}

export const tagList = (tags: Readonly<Record<string, string>>): { TagKey: string; TagValue: string }[] =>
  Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
