// A managed policy's document is its default version's, whichever that is: v1 is read at once beside
// GetPolicy (one round trip for the usual policy), and a policy whose default is a later version gets
// that version, never v1's text. Real SDK over HTTP against the sandbox.
import { CreatePolicyVersionCommand, DeletePolicyVersionCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCallRecord } from '../../src/aws/call-recorder.js';
import { getManagedPolicy } from '../../src/aws/principal-reads.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { profileSession, waves } from './aws-test-helpers.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox('test/aws/fixtures/role-path-boundary.json');
});
afterAll(() => sandbox?.stop());

const policyArn = () => Object.values(sandbox.world.state.accounts).flatMap((a) => Object.values(a.managedPolicies)).find((p) => p.name === 'payments-kms')!.arn;
const document = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

describe('a managed policy read', () => {
  it('reads the default version v1 in one round trip (GetPolicy beside GetPolicyVersion)', async () => {
    const calls: AwsCallRecord[] = [];
    const session = await profileSession(sandbox, 'admin', { onCall: (record) => calls.push(record) });
    try {
      const read = await getManagedPolicy(session, policyArn());
      expect(read.status === 'known' && read.value.versionId).toBe('v1');
      expect(waves(calls)).toEqual([['iam:GetPolicy', 'iam:GetPolicyVersion']]);
    } finally {
      session.destroy();
    }
  });

  it('reads a later default version, not v1, and still when v1 is deleted', async () => {
    const arn = policyArn();
    const admin = await profileSession(sandbox, 'admin');
    const iam = admin.iam() as IAMClient;
    try {
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: document('kms:ReEncrypt*'), SetAsDefault: true }));
      const second = await getManagedPolicy(admin, arn);
      expect(second.status === 'known' && second.value.versionId).toBe('v2');
      expect(second.status === 'known' && second.value.text).toContain('kms:ReEncrypt*');
      await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
      const withoutFirst = await getManagedPolicy(admin, arn);
      expect(withoutFirst.status === 'known' && withoutFirst.value.text).toContain('kms:ReEncrypt*');
    } finally {
      admin.destroy();
    }
  });
});
