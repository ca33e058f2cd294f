import { z } from 'zod';
import { page } from '../key-metadata';
import { keyId, marker, str, tagList } from '../wire-fields';
import { operation } from './operation';
import { applyTags, tagList as toTagList } from './tag-rules';

const tagResource = operation(z.object({ KeyId: keyId, Tags: tagList.unwrap() }), true, (core, call, req) => {
  const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
  core.authorize(call, 'kms:TagResource', key);
  core.requireNotPendingDeletion(key);
  core.store.putKey({ ...key, tags: applyTags(key.tags, req.Tags) });
  return {};
});

const untagResource = operation(z.object({ KeyId: keyId, TagKeys: z.array(str(1, 128)) }), true, (core, call, req) => {
  const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
  core.authorize(call, 'kms:UntagResource', key);
  core.requireNotPendingDeletion(key);
  const tags = { ...key.tags };
  for (const k of req.TagKeys) delete tags[k];
  core.store.putKey({ ...key, tags });
  return {};
});

const listResourceTags = operation(z.object({ KeyId: keyId, Limit: z.number().int().min(1).max(50).optional(), Marker: marker }), false, (core, call, req) => {
  const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
  core.authorize(call, 'kms:ListResourceTags', key);
  const p = page(toTagList(key.tags), req.Limit ?? 50, req.Marker, (t) => t.TagKey);
  return { Tags: p.items, Truncated: p.truncated, ...(p.nextMarker ? { NextMarker: p.nextMarker } : {}) };
});

export const tagOperations = { TagResource: tagResource, UntagResource: untagResource, ListResourceTags: listResourceTags };
