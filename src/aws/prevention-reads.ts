// What `kms-doctor prevent` reads: the key (DescribeKey, with the key account's credentials when
// --key-profile is given), its tags (ListResourceTags, which only the key's own account may call) and
// the caller's account (GetCallerIdentity), where the CloudTrail alarm will live.
import type { KeyFacts, Observation } from '../engine/facts.js';
import { callerArn } from './caller-identity.js';
import { accountOfArn, type KeyRef } from '../engine/identifiers.js';
import { describeKey, listKeyTags } from './key-reads.js';
import type { AwsSession } from './aws-session.js';

export interface PreventionReads {
  readonly key: Observation<KeyFacts>;
  /** Empty when the tags could not be read; `tagsNote` then says why. */
  readonly tags: Readonly<Record<string, string>>;
  readonly tagsNote?: string;
  readonly callerAccount: string;
}

export async function readForPrevention(session: AwsSession, named: KeyRef, region: string): Promise<PreventionReads> {
  const callerAccount = accountOfArn(await callerArn(session)) ?? '';
  const keyClients = session.keyAccount ?? session;
  const key = await describeKey(keyClients, named, region, async () => callerAccount);
  if (key.status !== 'known') return { key, tags: {}, callerAccount };
  const tags = await listKeyTags(keyClients, key.value.region, key.value.arn);
  if (tags.status === 'known') return { key, tags: tags.value, callerAccount };
  const why = tags.status === 'unreadable' ? `${tags.call}: ${tags.message}` : tags.why;
  return { key, tags: {}, tagsNote: `the key's tags could not be read (${why})`, callerAccount };
}
