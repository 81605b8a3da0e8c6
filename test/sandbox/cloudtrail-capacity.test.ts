// The sandbox's CloudTrail keeps the newest `trailCapacity` events: a long session (a benchmark, a
// script in a loop) drops the oldest ones, and LookupEvents still answers newest first with the
// events of the account asked about. Records are made when first read, and stay the same afterwards.
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/sandbox/caller.js';
import { CloudTrailLog, trailCapacity } from '../../src/sandbox/cloudtrail/trail.js';

const caller = (accountId: string): Caller => ({
  accountId,
  arn: `arn:aws:iam::${accountId}:user/admin`,
  principalArn: `arn:aws:iam::${accountId}:user/admin`,
  userId: 'AIDAEXAMPLEADMIN0000',
  kind: 'user',
  name: 'admin',
  accessKeyId: 'AKIAEXAMPLEADMIN0000',
});

describe('the CloudTrail log past its capacity', () => {
  it('keeps the newest events, newest first, per account, once older ones are dropped', () => {
    const log = new CloudTrailLog();
    const total = trailCapacity + 25;
    for (let i = 0; i < total; i++) {
      // Every tenth call is another account's: filtering must hold across the wrap-around.
      const accountId = i % 10 === 0 ? '444455556666' : '111122223333';
      log.recordKmsCall({ caller: caller(accountId), operation: 'Decrypt', region: 'us-east-1', input: {}, requestId: `request-${i}` });
    }
    const kept = Array.from({ length: trailCapacity }, (_, k) => total - 1 - k);
    const requestIds = (accountId: string) => log.eventsOf(accountId, 'us-east-1').map((r) => r.requestID);
    expect(requestIds('111122223333')).toEqual(kept.filter((i) => i % 10 !== 0).map((i) => `request-${i}`));
    expect(requestIds('444455556666')).toEqual(kept.filter((i) => i % 10 === 0).map((i) => `request-${i}`));
    expect(log.eventsOf('111122223333', 'eu-west-1')).toEqual([]);
  });

  it('gives an event the same eventID on every read, and a cross-account call one event per account', () => {
    const log = new CloudTrailLog();
    const keyArn = 'arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    log.recordKmsCall({ caller: caller('111122223333'), operation: 'Decrypt', region: 'us-east-1', input: { KeyId: keyArn, CiphertextBlob: 'secret' }, requestId: 'r1', keyArn });
    const [callerSide] = log.eventsOf('111122223333', 'us-east-1');
    const [keySide] = log.eventsOf('444455556666', 'us-east-1');
    expect(log.eventsOf('111122223333', 'us-east-1')[0]!.eventID).toBe(callerSide!.eventID);
    expect(keySide!.eventID).not.toBe(callerSide!.eventID);
    expect(keySide).toMatchObject({ requestID: 'r1', recipientAccountId: '444455556666', requestParameters: { keyId: keyArn }, resources: [{ accountId: '444455556666', ARN: keyArn }] });
    // CloudTrail never logs ciphertexts.
    expect(JSON.stringify([callerSide, keySide])).not.toContain('secret');
  });
});
