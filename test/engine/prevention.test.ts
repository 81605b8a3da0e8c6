// The prevention content for keys the sandbox scenarios do not have: an AWS managed key (no tags can be
// set), an operation KMS cannot dry-run, and tags that could not be read (none is called missing).
import { describe, expect, it } from 'vitest';
import type { KeyFacts } from '../../src/engine/facts.js';
import { findOperation } from '../../src/engine/operations.js';
import { buildPrevention, preventionText } from '../../src/engine/prevention.js';

const key: KeyFacts = {
  arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
  accountId: '111122223333',
  region: 'eu-west-1',
  state: 'Enabled',
  enabled: true,
  manager: 'CUSTOMER',
  spec: 'SYMMETRIC_DEFAULT',
  usage: 'ENCRYPT_DECRYPT',
  origin: 'AWS_KMS',
  multiRegion: false,
  description: '',
};

describe('buildPrevention', () => {
  it('an AWS managed key gets no tag command, and says why', () => {
    const plan = buildPrevention({ key: { ...key, manager: 'AWS' }, tags: {}, callerAccount: '111122223333', operation: findOperation('Decrypt')! });
    expect(plan.tagging.tagCommand).toBeUndefined();
    expect(plan.tagging.untaggable).toMatch(/^AWS managed keys cannot be tagged/);
    expect(preventionText(plan)).toContain('AWS managed keys cannot be tagged');
  });

  it('an operation without a KMS dry run gets the check only, and the reason', () => {
    const plan = buildPrevention({ key, tags: { Owner: 'payments', Application: 'ledger', Environment: 'prod' }, callerAccount: '111122223333', operation: findOperation('DescribeKey')! });
    expect(plan.ciStep.dryRunCommand).toBeUndefined();
    expect(plan.ciStep.dryRunNote).toBe('KMS has no dry run for kms:DescribeKey; the check above is the test');
    expect(plan.ciStep.checkCommand).toBe(`kms-doctor check --key ${key.arn} --operation DescribeKey --region eu-west-1 --json`);
    expect(plan.tagging).toMatchObject({ missing: [], recommended: [{ key: 'Owner', value: 'payments' }, { key: 'Application', value: 'ledger' }, { key: 'Environment', value: 'prod' }] });
    expect(plan.tagging.tagCommand).toBeUndefined();
    // The alarm lives in the key's Region, where the trail's log group is expected.
    expect(plan.alarm.alarmCommand).toMatch(/--region eu-west-1$/);
  });

  it('tags that could not be read are "not known", never "missing"', () => {
    const plan = buildPrevention({ key, tags: {}, tagsNote: "the key's tags could not be read (kms:ListResourceTags: denied)", callerAccount: '444455556666', operation: findOperation('Encrypt')! });
    expect(plan.tagging.missing).toEqual([]);
    expect(plan.tagging.tagCommand).toBeUndefined();
    const text = preventionText(plan);
    expect(text).toContain('Owner: not known');
    expect(text).not.toMatch(/(Owner|Application|Environment): missing/);
    expect(plan.ciStep.dryRunCommand).toBe(`aws kms encrypt --key-id ${key.arn} --plaintext AA== --dry-run --region eu-west-1`);
  });
});
