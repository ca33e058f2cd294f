import { KmsError } from '../errors';

/**
 * AWS's rules for KMS tags, with AWS's own messages: no key twice in one request, no "aws:" prefix
 * (in any case), at most 50 tags on a key.
 */
export function applyTags(existing: Readonly<Record<string, string>>, tags: readonly { TagKey: string; TagValue: string }[] | undefined): Record<string, string> {
  const next = { ...existing };
  const given = new Set<string>();
  for (const { TagKey, TagValue } of tags ?? []) {
    if (given.has(TagKey)) throw new KmsError('TagException', 'Duplicate tag keys');
    given.add(TagKey);
    if (TagKey.toLowerCase().startsWith('aws:')) throw new KmsError('TagException', 'Tags beginning with aws: are reserved');
    next[TagKey] = TagValue;
  }
  if (Object.keys(next).length > 50) throw new KmsError('TagException', 'Too many tags');
  return next;
}

export const tagList = (tags: Readonly<Record<string, string>>): { TagKey: string; TagValue: string }[] =>
  Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
