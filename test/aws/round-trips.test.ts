// How many AWS round trips a complete set of facts costs one after the other. The sandbox answers
// every request 50 ms late, like a real AWS endpoint; each call is recorded (start, end) by the
// session's call observer, and the calls are grouped into waves: a call's wave is one more than the
// latest wave that had ended before it started. Counting waves, not milliseconds, keeps this exact on
// a slow machine; the one time bound is generous.
import { keyRef, principalRef } from '../helpers/parsed-input.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCallRecord } from '../../src/aws/call-recorder.js';
import { createFactSource } from '../../src/aws/fact-source.js';
import type { DiagnosisRequest } from '../../src/engine/facts.js';
import { findOperation } from '../../src/engine/operations.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { principalArnOf, profileSession, trainingRequest, waves } from './aws-test-helpers.js';

const latencyMs = 50;

async function measure(sandbox: TestSandbox, profile: string, request: DiagnosisRequest, keyProfile?: string): Promise<{ waves: string[][]; elapsedMs: number }> {
  const records: AwsCallRecord[] = [];
  const session = await profileSession(sandbox, profile, { onCall: (record) => records.push(record), ...(keyProfile ? { keyProfile } : {}) });
  const started = performance.now();
  await createFactSource(session, request).readAll();
  const elapsedMs = performance.now() - started;
  session.destroy();
  return { waves: waves(records), elapsedMs };
}

describe('an inline-policy role diagnosing itself', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox('test/aws/fixtures/role-path-boundary.json', { latencyMs });
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  const request = (): DiagnosisRequest => ({ operation: findOperation('Decrypt')!, key: keyRef('alias/payments'), region: 'us-east-1' });

  it('needs 4 sequential round trips, the first being the role profile\'s AssumeRole', async () => {
    const measured = await measure(sandbox, 'InlineAuditRole', request());
    expect(measured.waves).toEqual([
      ['sts:AssumeRole'],
      // DescribeOrganization needs nothing else: it rides in the first wave the credentials allow.
      ['kms:DescribeKey', 'organizations:DescribeOrganization', 'sts:GetCallerIdentity'],
      // The key's aliases and tags (ABAC condition keys) ride in the key policy's round trip.
      // The grants naming the session and its role taken without a path, each read filtered by grantee.
      // The caller is a role session: KMS's dry run of the Decrypt as itself (its session policy) rides along.
      ['iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'kms:Decrypt', 'kms:GetKeyPolicy', 'kms:ListAliases', 'kms:ListGrants', 'kms:ListGrants', 'kms:ListResourceTags'],
      ['iam:GetRolePolicy', 'iam:SimulatePrincipalPolicy'],
    ]);
    // 4 × 50 ms of latency; the rest is generous room for a loaded machine.
    expect(measured.elapsedMs).toBeLessThan(4 * latencyMs + 1_500);
  });

  it('adds one wave of GetPolicy beside GetPolicyVersion (v1, the default) only for managed policies and the boundary', async () => {
    const measured = await measure(sandbox, 'PaymentsRole', request());
    expect(measured.waves.slice(3)).toEqual([
      // PaymentsRole has a path (/teams/payments/), which GetRole showed: the grants naming that ARN ride along.
      ['iam:GetPolicy', 'iam:GetPolicy', 'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:GetPolicyVersion', 'iam:GetPolicyVersion', 'iam:GetRolePolicy', 'iam:SimulatePrincipalPolicy', 'kms:ListGrants'],
    ]);
  });

  it('starts the IAM reads in the first wave when the principal is given', async () => {
    const measured = await measure(sandbox, 'admin', { ...request(), principal: principalRef(principalArnOf(sandbox, 'InlineAuditRole')) });
    expect(measured.waves).toEqual([
      ['iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'kms:DescribeKey', 'organizations:DescribeOrganization', 'sts:GetCallerIdentity'],
      ['iam:GetRolePolicy', 'iam:SimulatePrincipalPolicy', 'kms:GetKeyPolicy', 'kms:ListAliases', 'kms:ListGrants', 'kms:ListResourceTags'],
    ]);
  });

  it('a user diagnosing itself: 3 waves, with its groups listed in the second', async () => {
    const measured = await measure(sandbox, 'admin', request());
    expect(measured.waves.length).toBe(3);
    expect(measured.waves[1]).toContain('iam:ListGroupsForUser');
  });
});

/** Sequential round trips per built-in scenario: [the training principal itself, an administrator naming it]. */
const expectedWaves: readonly [scenario: string, self: number, administrator: number][] = [
  // Role profiles: AssumeRole, then GetCallerIdentity ∥ DescribeKey, then the (denied) IAM and key reads.
  ['no-iam-delegation', 3, 2],
  ['missing-kms-actions', 3, 2],
  ['cross-account-one-side', 3, 2],
  ['key-disabled', 3, 2],
  // A user profile: no AssumeRole.
  ['key-pending-deletion', 2, 2],
  ['ebs-grant-denied', 3, 2],
];

describe.each(expectedWaves)('scenario %s', (scenario, self, administrator) => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox(scenario, { latencyMs });
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  it(`the training principal needs ${self} round trips, an administrator naming it ${administrator}`, async () => {
    const training = sandbox.world.state.training!;
    const itself = await measure(sandbox, training.principal, trainingRequest(sandbox));
    const crossAccount = scenario === 'cross-account-one-side';
    const byAdministrator = await measure(
      sandbox,
      crossAccount ? 'admin-b' : 'admin',
      trainingRequest(sandbox, { principalArn: principalArnOf(sandbox, training.principal) }),
      crossAccount ? 'admin' : undefined,
    );
    expect({ self: itself.waves.length, administrator: byAdministrator.waves.length }).toEqual({ self, administrator });
    expect(byAdministrator.elapsedMs).toBeLessThan(administrator * latencyMs + 1_500);
  });
});
