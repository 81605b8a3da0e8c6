// TagResource, UntagResource and ListResourceTags, plus the tag parsing CreateKey shares. Tags are
// part of ABAC (aws:ResourceTag/…), so changing them is authorized like any key management action.
// Per the KMS key-state table, tags cannot change while a key is pending deletion but can always be read.
import { AwsError } from '../errors.js';
import { InputReader, keyIdRules, markerRules } from './input.js';
import { mutateKey, notPendingDeletion, useKey } from './key-access.js';
import type { KmsCall, KmsOperation } from './kms-call.js';
import { paginate } from './pagination.js';

export interface Tag {
  TagKey: string;
  TagValue: string;
}

/** KMS developer guide, "Quotas": 50 tags per KMS key. */
const maxTagsPerKey = 50;

/** Reads a Tags member (list of TagKey/TagValue); constraint errors go to the reader. */
export function readTags(input: InputReader, rules: { required?: boolean } = {}): Tag[] | undefined {
  const entries = input.structureList('Tags', rules);
  if (!entries) return undefined;
  const tags: Tag[] = [];
  entries.forEach((entry, index) => {
    const at = `tags.${index + 1}.member`;
    const key = input.nestedString(entry, 'TagKey', `${at}.tagKey`, { required: true, min: 1, max: 128 });
    const value = input.nestedString(entry, 'TagValue', `${at}.tagValue`, { required: true, min: 0, max: 256 });
    if (key !== undefined && value !== undefined) tags.push({ TagKey: key, TagValue: value });
  });
  return tags;
}

/** Checks that run after the generic validation: reserved prefixes and duplicates. */
export function checkTags(tags: readonly Tag[]): void {
  if (tags.some((tag) => tag.TagKey.toLowerCase().startsWith('aws:'))) {
    throw new AwsError('TagException', 'Tags beginning with aws: are reserved.');
  }
  const keys = tags.map((tag) => tag.TagKey);
  if (new Set(keys).size !== keys.length) throw new AwsError('TagException', 'Duplicate tag keys.');
}

/** Request context keys for a request that sets tags (aws:RequestTag/…, aws:TagKeys). */
export function requestTagContext(tags: readonly Tag[], keys: readonly string[] = tags.map((t) => t.TagKey)): Record<string, string | readonly string[]> {
  const context: Record<string, string | readonly string[]> = {};
  if (keys.length > 0) context['aws:TagKeys'] = keys;
  for (const tag of tags) context[`aws:RequestTag/${tag.TagKey}`] = tag.TagValue;
  return context;
}

/** Merges tags into a list: an existing key gets the new value. */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const merged = new Map(existing.map((tag) => [tag.TagKey, tag.TagValue]));
  for (const tag of added) merged.set(tag.TagKey, tag.TagValue);
  if (merged.size > maxTagsPerKey) throw new AwsError('LimitExceededException', `A KMS key can have at most ${maxTagsPerKey} tags.`);
  return [...merged].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}

const tagResource: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const keyId = input.string('KeyId', { required: true, ...keyIdRules });
  const tags = readTags(input, { required: true });
  input.check();
  checkTags(tags!);
  const { key } = await useKey(call, {
    keyId: keyId!,
    action: 'kms:TagResource',
    crossAccount: 'none',
    usableIn: notPendingDeletion,
    context: requestTagContext(tags!),
  });
  await mutateKey(call, key.arn, (draft) => {
    draft.tags = mergeTags(draft.tags, tags!);
  });
  return {};
};

const untagResource: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const keyId = input.string('KeyId', { required: true, ...keyIdRules });
  const tagKeys = input.stringList('TagKeys', { required: true, member: { min: 1, max: 128 } });
  input.check();
  const { key } = await useKey(call, {
    keyId: keyId!,
    action: 'kms:UntagResource',
    crossAccount: 'none',
    usableIn: notPendingDeletion,
    context: requestTagContext([], tagKeys!),
  });
  // Removing a tag the key does not have is not an error (KMS API reference, UntagResource).
  await mutateKey(call, key.arn, (draft) => {
    draft.tags = draft.tags.filter((tag) => !tagKeys!.includes(tag.TagKey));
  });
  return {};
};

const listResourceTags: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const keyId = input.string('KeyId', { required: true, ...keyIdRules });
  const limit = input.integer('Limit', { min: 1, max: 1000 });
  const marker = input.string('Marker', markerRules);
  input.check();
  const { key } = await useKey(call, { keyId: keyId!, action: 'kms:ListResourceTags', crossAccount: 'none', usableIn: 'any' });
  // The documented range is 1–50; larger values within the model's range are capped.
  const page = paginate(key.tags, (tag) => tag.TagKey, `ListResourceTags:${key.arn}`, Math.min(limit ?? 50, 50), marker);
  return { Tags: page.items, ...page.fields };
};

export const tagOperations: Readonly<Record<string, KmsOperation>> = {
  TagResource: tagResource,
  UntagResource: untagResource,
  ListResourceTags: listResourceTags,
};
