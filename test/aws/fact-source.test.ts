// The facts of every built-in scenario's principal, read from a real sandbox: as an administrator
// diagnosing the principal (everything readable), and as the principal itself (partial visibility,
// which must come back as observations, never as a crash). Then the edges: keys in other accounts,
// unknown keys, a role path and boundary, managed policies, and grants beyond one page.
import { keyRef, principalRef } from '../helpers/parsed-input.js';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateGrantCommand, TagResourceCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosisFacts, DiagnosisRequest, Observation, PrincipalPolicyFacts } from '../../src/engine/facts.js';
import { diagnose } from '../../src/engine/diagnose.js';
import { findOperation } from '../../src/engine/operations.js';
import type { AwsCallRecord } from '../../src/aws/call-recorder.js';
import { createFactSource } from '../../src/aws/fact-source.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { principalArnOf, profileSession, trainingRequest } from './aws-test-helpers.js';

function valueOf<T>(observation: Observation<T>): T {
  if (observation.status !== 'known') throw new Error(`expected a known fact, got ${JSON.stringify(observation)}`);
  return observation.value;
}

const policyNames = (facts: Observation<PrincipalPolicyFacts>) => valueOf(facts).policies.map((p) => p.name);

interface ScenarioExpectation {
  readonly scenario: string;
  /** Who diagnoses someone else: an administrator of the principal's account (and the key's, as key profile). */
  readonly diagnoser: string;
  readonly keyProfile?: string;
  readonly keyState: string | 'unreadable';
  readonly inlinePolicy: string;
  /** IAM's simulator on the identity side: the decision per required action. */
  readonly simulated: Readonly<Record<string, string>>;
}

const scenarios: readonly ScenarioExpectation[] = [
  { scenario: 'no-iam-delegation', diagnoser: 'admin', keyState: 'Enabled', inlinePolicy: 'orders-key-use', simulated: { 'kms:Decrypt': 'allowed' } },
  {
    scenario: 'missing-kms-actions',
    diagnoser: 'admin',
    keyState: 'Enabled',
    inlinePolicy: 'invoice-uploads',
    simulated: { 'kms:GenerateDataKey': 'implicitDeny', 'kms:Decrypt': 'allowed' },
  },
  // admin-b may not DescribeKey a key whose policy trusts only its own account: that is a fact too.
  { scenario: 'cross-account-one-side', diagnoser: 'admin-b', keyProfile: 'admin', keyState: 'Enabled', inlinePolicy: 'shared-exports-read', simulated: { 'kms:Decrypt': 'allowed' } },
  { scenario: 'key-disabled', diagnoser: 'admin', keyState: 'Disabled', inlinePolicy: 'batch-exports-key', simulated: { 'kms:Encrypt': 'allowed' } },
  { scenario: 'key-pending-deletion', diagnoser: 'admin', keyState: 'PendingDeletion', inlinePolicy: 'payroll-key', simulated: { 'kms:GenerateDataKey': 'allowed' } },
  {
    scenario: 'ebs-grant-denied',
    diagnoser: 'admin',
    keyState: 'Enabled',
    inlinePolicy: 'ebs-volume-operations',
    simulated: { 'kms:CreateGrant': 'implicitDeny', 'kms:Decrypt': 'allowed', 'kms:DescribeKey': 'allowed' },
  },
];

describe.each(scenarios)('scenario $scenario', (expected) => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox(expected.scenario);
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  it("an administrator reads every fact of the training principal's failing call", async () => {
    const training = sandbox.world.state.training!;
    const principalArn = principalArnOf(sandbox, training.principal);
    const session = await profileSession(sandbox, expected.diagnoser, expected.keyProfile ? { keyProfile: expected.keyProfile } : {});
    const request = trainingRequest(sandbox, { principalArn });
    const facts = await createFactSource(session, request).readAll();
    session.destroy();

    expect(facts.request).toBe(request);
    expect(valueOf(facts.caller).arn).toBe(principalArnOf(sandbox, expected.diagnoser));
    if (expected.keyState === 'unreadable') expect(facts.key).toMatchObject({ status: 'unreadable', reason: 'access-denied', call: 'kms:DescribeKey' });
    else expect(valueOf(facts.key)).toMatchObject({ state: expected.keyState, manager: 'CUSTOMER', spec: 'SYMMETRIC_DEFAULT' });
    const policy = valueOf(facts.keyPolicy);
    expect(policy.document).toEqual(JSON.parse(policy.text));
    expect(Array.isArray(valueOf(facts.grants))).toBe(true);
    expect(valueOf(facts.principal)).toMatchObject({ arn: principalArn, entityArn: principalArn, name: training.principal });
    expect(policyNames(facts.principalPolicies)).toEqual([expected.inlinePolicy]);
    const inline = valueOf(facts.principalPolicies).policies[0]!;
    expect(inline.kind).toBe('inline');
    expect(inline.document).toEqual(JSON.parse(inline.text));
    const decisions = Object.fromEntries(valueOf(facts.simulation).map((r) => [r.action, r.decision]));
    expect(decisions).toMatchObject(expected.simulated);
    expect(Object.keys(decisions)).toEqual([...request.operation.actions]);
  });

  it('the training principal itself gets observations for what it may not read, never an exception', async () => {
    const training = sandbox.world.state.training!;
    const session = await profileSession(sandbox, training.principal);
    const facts: DiagnosisFacts = await createFactSource(session, trainingRequest(sandbox)).readAll();
    session.destroy();
    const caller = valueOf(facts.caller);
    expect(caller.arn).toMatch(new RegExp(`(user|assumed-role)/${training.principal}(/kms-doctor)?$`));
    // None of the training principals may read IAM: the diagnosis must say so, not stop.
    expect(facts.principal).toMatchObject({ status: 'unreadable', reason: 'access-denied' });
    expect(facts.principalPolicies).toMatchObject({ status: 'unreadable', reason: 'access-denied' });
    expect(facts.simulation.status).toBe('skipped');
    for (const fact of [facts.key, facts.keyPolicy, facts.grants]) expect(['known', 'unreadable', 'skipped']).toContain(fact.status);
  });
});

describe('reads a caller cannot make, and keys it cannot see', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/f94ddd94-64cb-4ad5-9e1c-2b9723f0d7df';

  it('a caller without kms:GetKeyPolicy gets an unreadable key policy, attempted with the key ARN it named', async () => {
    const session = await profileSession(sandbox, 'ReportingRole');
    const facts = await createFactSource(session, { ...trainingRequest(sandbox), key: keyRef(keyArn) }).readAll();
    session.destroy();
    expect(facts.key).toMatchObject({ status: 'unreadable', reason: 'access-denied', call: 'kms:DescribeKey' });
    expect(facts.keyPolicy).toMatchObject({ status: 'unreadable', reason: 'access-denied', call: 'kms:GetKeyPolicy' });
    expect(facts.grants).toMatchObject({ status: 'unreadable', reason: 'access-denied', call: 'kms:ListGrants' });
    expect(facts.tags).toMatchObject({ status: 'unreadable', reason: 'access-denied', call: 'kms:ListResourceTags' });
  });

  it("reads the key's aliases and tags, with the key policy", async () => {
    const admin = await profileSession(sandbox, 'admin');
    const kms = admin.kms('us-east-1');
    await kms.send(new TagResourceCommand({ KeyId: keyArn, Tags: [{ TagKey: 'team', TagValue: 'blue' }] }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/abac-read', TargetKeyId: keyArn }));
    const facts = await createFactSource(admin, { ...trainingRequest(sandbox), key: keyRef(keyArn) }).readAll();
    admin.destroy();
    expect(valueOf(facts.tags!)).toMatchObject({ team: 'blue' });
    expect(valueOf(facts.aliases!)).toContain('alias/abac-read');
    expect(valueOf(facts.aliases!)).toContain(sandbox.world.state.training!.call.key);
  });

  it('an unknown alias is not found, and the reads that need the key are skipped', async () => {
    const session = await profileSession(sandbox, 'admin');
    const facts = await createFactSource(session, { ...trainingRequest(sandbox), key: keyRef('alias/no-such-key'), principal: principalRef(principalArnOf(sandbox, 'AppRole')) }).readAll();
    session.destroy();
    expect(facts.key).toMatchObject({ status: 'unreadable', reason: 'not-found', call: 'kms:DescribeKey' });
    expect((facts.key as { message: string }).message).toContain('account 111122223333');
    expect(facts.keyPolicy.status).toBe('skipped');
    expect(facts.grants.status).toBe('skipped');
    expect(facts.simulation.status).toBe('skipped');
    expect(facts.principal.status).toBe('known');
  });

  it('an unknown key ARN is not found', async () => {
    const session = await profileSession(sandbox, 'admin');
    const key = await createFactSource(session, { ...trainingRequest(sandbox), key: keyRef(keyArn.replace('f94ddd94', '00000000')) }).key();
    session.destroy();
    expect(key).toMatchObject({ status: 'unreadable', reason: 'not-found' });
  });
});

describe('a key in another account', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox('cross-account-one-side');
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  const keyId = '56e21f24-7d3f-4d54-9a4b-686456f054a3';

  it('without a key profile: the key policy is unreadable cross-account, and GetKeyPolicy is not even called', async () => {
    const records: AwsCallRecord[] = [];
    const session = await profileSession(sandbox, 'admin-b', { onCall: (record) => records.push(record) });
    const facts = await createFactSource(session, trainingRequest(sandbox, { principalArn: principalArnOf(sandbox, 'PartnerRole') })).readAll();
    session.destroy();
    expect(facts.keyPolicy).toMatchObject({ status: 'unreadable', reason: 'cross-account', call: 'kms:GetKeyPolicy' });
    expect((facts.keyPolicy as { message: string }).message).toMatch(/111122223333.*444455556666.*--key-profile/);
    expect(records.map((r) => r.call)).not.toContain('kms:GetKeyPolicy');
    // Aliases and tags answer only in the key's own account either.
    expect(facts.aliases).toMatchObject({ status: 'unreadable', reason: 'cross-account', call: 'kms:ListAliases' });
    expect(facts.tags).toMatchObject({ status: 'unreadable', reason: 'cross-account', call: 'kms:ListResourceTags' });
    expect(records.map((r) => r.call)).not.toContain('kms:ListResourceTags');
    // ListGrants is tried with the key ARN across accounts; this key's policy does not allow it.
    expect(facts.grants).toMatchObject({ status: 'unreadable', reason: 'access-denied' });
  });

  it('with a key profile: the key policy and grants are read with credentials in the key account', async () => {
    const session = await profileSession(sandbox, 'admin-b', { keyProfile: 'admin' });
    const facts = createFactSource(session, trainingRequest(sandbox, { principalArn: principalArnOf(sandbox, 'PartnerRole') }));
    const [policy, grants, aliases, tags] = await Promise.all([facts.keyPolicy(), facts.grants(), facts.aliases(), facts.tags()]);
    session.destroy();
    expect(JSON.stringify(valueOf(policy).document)).toContain('arn:aws:iam::111122223333:root');
    expect(valueOf(grants)).toEqual([]);
    const key = Object.values(sandbox.world.state.keys).find((k) => k.keyId === keyId)!;
    const expectedAliases = Object.values(sandbox.world.state.aliases).filter((a) => a.targetKeyId === keyId).map((a) => a.aliasName);
    expect([...valueOf(aliases)].sort()).toEqual(expectedAliases.sort());
    expect(valueOf(tags)).toEqual(Object.fromEntries(key.tags.map((t) => [t.TagKey, t.TagValue])));
  });

  it('a key ID is looked up in the caller\'s own account, and the message says so', async () => {
    const session = await profileSession(sandbox, 'PartnerRole');
    const key = await createFactSource(session, { ...trainingRequest(sandbox), key: keyRef(keyId) }).key();
    session.destroy();
    expect(key).toMatchObject({ status: 'unreadable', reason: 'not-found' });
    expect((key as { message: string }).message).toMatch(/looked up in account 444455556666.*key ARN/);
  });

  it('a principal of another account than the credentials is refused, not confused with a namesake', async () => {
    const session = await profileSession(sandbox, 'admin', { keyProfile: 'admin' });
    const facts = await createFactSource(session, trainingRequest(sandbox, { principalArn: principalArnOf(sandbox, 'PartnerRole') })).readAll();
    session.destroy();
    expect(facts.principal).toMatchObject({ status: 'unreadable', reason: 'cross-account' });
    expect(facts.principalPolicies).toMatchObject({ status: 'unreadable', reason: 'cross-account' });
    expect(facts.simulation.status).toBe('skipped');
  });

  it("a namesake role in the credentials' account does not lend its grants to the principal of another account", async () => {
    const session = await profileSession(sandbox, 'admin', { keyProfile: 'admin' });
    // Taken before the namesake exists: the lookup by name would find it first afterwards.
    const request = trainingRequest(sandbox, { principalArn: principalArnOf(sandbox, 'PartnerRole') });
    expect(request.principal?.arn).toBe('arn:aws:iam::444455556666:role/PartnerRole');
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }] });
    const namesake = await session.iam().send(new CreateRoleCommand({ RoleName: 'PartnerRole', AssumeRolePolicyDocument: trust }));
    const keyArn = valueOf(await createFactSource(session, request).key()).arn;
    await session.kms('us-east-1').send(new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: namesake.Role!.Arn!, Operations: ['Decrypt'], Name: 'for-the-namesake' }));
    const grants = await createFactSource(session, request).grants();
    session.destroy();
    expect(valueOf(grants).map((g) => g.name)).not.toContain('for-the-namesake');
  });
});

describe('roles with a path, a boundary and managed policies; users and their groups', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox('test/aws/fixtures/role-path-boundary.json');
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  const request = (): DiagnosisRequest => ({ operation: findOperation('Decrypt')!, key: keyRef('alias/payments'), region: 'us-east-1' });

  it('maps the role session to the role with its path, reads every policy kind, and simulates the real entity', async () => {
    const session = await profileSession(sandbox, 'PaymentsRole');
    const facts = await createFactSource(session, request()).readAll();
    session.destroy();
    expect(valueOf(facts.caller).arn).toBe('arn:aws:sts::111122223333:assumed-role/PaymentsRole/kms-doctor');
    expect(valueOf(facts.principal)).toEqual({
      arn: 'arn:aws:sts::111122223333:assumed-role/PaymentsRole/kms-doctor',
      entityArn: 'arn:aws:iam::111122223333:role/teams/payments/PaymentsRole',
      kind: 'role',
      name: 'PaymentsRole',
      accountId: '111122223333',
      permissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/boundaries/payments-boundary',
      // The unique ID key policies store for the ARN, and the tags aws:PrincipalTag/… test.
      uniqueId: expect.stringMatching(/^AROA/),
      tags: expect.any(Object),
    });
    // Not in an organization: AWS Organizations says so, and no SCP or RCP applies.
    expect(valueOf(facts.organization!)).toEqual({ inOrganization: false });
    const policies = valueOf(facts.principalPolicies);
    expect(policies.policies.map((p) => [p.kind, p.name, p.versionId])).toEqual([
      ['inline', 'payments-encrypt', undefined],
      ['managed', 'arn:aws:iam::111122223333:policy/payments-kms', 'v1'],
      ['managed', 'arn:aws:iam::aws:policy/ReadOnlyAccess', 'v1'],
    ]);
    expect(policies.policies[1]!.document).toMatchObject({ Statement: [{ Action: 'kms:Decrypt' }] });
    expect(policies.permissionsBoundary).toMatchObject({ kind: 'managed', arn: 'arn:aws:iam::111122223333:policy/boundaries/payments-boundary' });
    expect(policies.unreadable).toBeUndefined();
    expect(valueOf(facts.simulation).map((r) => [r.action, r.decision, r.allowedByPermissionsBoundary])).toEqual([
      ['kms:Decrypt', 'allowed', true],
    ]);
  });

  it("reads a user's policies, and finds no groups for a user in none", async () => {
    const records: AwsCallRecord[] = [];
    const session = await profileSession(sandbox, 'admin', { onCall: (record) => records.push(record) });
    const facts = await createFactSource(session, request()).readAll();
    session.destroy();
    const policies = valueOf(facts.principalPolicies);
    expect(policies.policies.map((p) => p.name)).toEqual(['full-access']);
    expect(policies.unreadable).toBeUndefined();
    expect(records.map((r) => r.call)).toContain('iam:ListGroupsForUser');
    expect(valueOf(facts.principal)).toMatchObject({ kind: 'user', entityArn: 'arn:aws:iam::111122223333:user/admin' });
  });

  it('diagnoses a user whose KMS permission comes from its group with the group\'s policies', async () => {
    const session = await profileSession(sandbox, 'admin');
    const clerk = principalArnOf(sandbox, 'clerk');
    const facts = await createFactSource(session, { ...request(), principal: principalRef(clerk) }).readAll();
    const encryptFacts = await createFactSource(session, { ...request(), operation: findOperation('Encrypt')!, principal: principalRef(clerk) }).readAll();
    session.destroy();

    const policies = valueOf(facts.principalPolicies);
    expect(policies.policies.map((p) => [p.kind, p.name, p.groupName])).toEqual([
      ['inline', 'decrypt-payments', 'payments-decrypters'],
      ['managed', 'arn:aws:iam::aws:policy/ReadOnlyAccess', 'payments-decrypters'],
    ]);
    expect(policies.policies[0]!.document).toMatchObject({ Statement: [{ Action: 'kms:Decrypt' }] });
    expect(policies.unreadable).toBeUndefined();
    expect(valueOf(facts.simulation).map((r) => [r.action, r.decision])).toEqual([['kms:Decrypt', 'allowed']]);

    // Allowed through the group: without its policies the verdict would be a missing IAM permission.
    const allowed = await diagnose(facts);
    expect(allowed.verdict).toBe('allowed');
    expect(allowed.causes).toEqual([]);
    // Refused: the group's policies are the ones the diagnosis says it checked.
    const denied = await diagnose(encryptFacts);
    expect(denied.verdict).toBe('denied');
    expect(denied.causes.map((c) => c.code)).toEqual(['identity-policy-missing-actions']);
    expect(denied.causes[0]!.evidence.find((e) => e.what === 'IAM policies checked')?.value).toEqual([
      'decrypt-payments (group payments-decrypters)',
      'arn:aws:iam::aws:policy/ReadOnlyAccess (group payments-decrypters)',
    ]);
  });
});

describe('grants', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/f94ddd94-64cb-4ad5-9e1c-2b9723f0d7df';

  it('reads every page: 130 grants take two ListGrants calls of 100', async () => {
    const records: AwsCallRecord[] = [];
    const session = await profileSession(sandbox, 'admin', { onCall: (record) => records.push(record) });
    const kms = session.kms('us-east-1');
    for (let batch = 0; batch < 13; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          kms.send(new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: 'arn:aws:iam::111122223333:role/AppRole', Operations: ['Decrypt'], Name: `g-${batch}-${i}` })),
        ),
      );
    }
    records.length = 0;
    const grants = valueOf(await createFactSource(session, trainingRequest(sandbox, { principalArn: 'arn:aws:iam::111122223333:role/AppRole' })).grants());
    session.destroy();
    expect(grants).toHaveLength(130);
    expect(new Set(grants.map((g) => g.grantId)).size).toBe(130);
    expect(grants[0]).toMatchObject({ granteePrincipal: 'arn:aws:iam::111122223333:role/AppRole', operations: ['Decrypt'], issuingAccount: 'arn:aws:iam::111122223333:root' });
    expect(records.filter((r) => r.call === 'kms:ListGrants')).toHaveLength(2);
  });

  it("reads only the principal's grants: 230 grants for other principals cost no page", async () => {
    const records: AwsCallRecord[] = [];
    const session = await profileSession(sandbox, 'admin', { onCall: (record) => records.push(record) });
    const kms = session.kms('us-east-1');
    // With AppRole's 130 grants from the test above, the key has 230 grants for others: three pages unfiltered.
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          kms.send(new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: 'arn:aws:iam::111122223333:role/ReportingRole', Operations: ['Decrypt'], Name: `other-${batch}-${i}` })),
        ),
      );
    }
    records.length = 0;
    const grants = valueOf(await createFactSource(session, trainingRequest(sandbox, { principalArn: 'arn:aws:iam::111122223333:user/app-deployer' })).grants());
    session.destroy();
    expect(grants).toEqual([]);
    expect(records.filter((r) => r.call === 'kms:ListGrants')).toHaveLength(1);
  });

  it('a role session: the grants naming the session and those naming its role, not another role\'s', async () => {
    const admin = await profileSession(sandbox, 'admin');
    const role = await profileSession(sandbox, 'AppRole');
    const sessionArn = valueOf(await createFactSource(role, trainingRequest(sandbox)).caller()).arn;
    role.destroy();
    expect(sessionArn).toMatch(/^arn:aws:sts::111122223333:assumed-role\/AppRole\/[\w+=,.@-]+$/);
    const kms = admin.kms('us-east-1');
    const grant = (GranteePrincipal: string, Name: string) => kms.send(new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal, Operations: ['Decrypt'], Name }));
    await grant(sessionArn, 'for-this-session');
    await grant('arn:aws:sts::111122223333:assumed-role/AppRole/another-session', 'for-another-session');
    await grant('arn:aws:iam::111122223333:role/ReportingRole', 'for-reporting');
    // The administrator diagnosing the session (check --principal SESSION-ARN); AppRole already holds the 130 grants of the first test.
    const names = valueOf(await createFactSource(admin, trainingRequest(sandbox, { principalArn: sessionArn })).grants()).map((g) => g.name);
    admin.destroy();
    expect(names).toContain('for-this-session');
    expect(names.filter((n) => n?.startsWith('g-'))).toHaveLength(130);
    expect(names).not.toContain('for-another-session');
    expect(names).not.toContain('for-reporting');
  });
});
