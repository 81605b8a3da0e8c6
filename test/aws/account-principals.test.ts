// The blast radius's read of the account's other roles and users (src/aws/account-principals.ts)
// against the sandbox's iam:ListRoles/ListUsers, with the real SDK: each principal comes with its own
// policies, the diagnosed principal is left out, the read stops past the bound and says more exist,
// and a refused listing is a fact naming the call and AWS's message.
import { CreateRoleCommand, IAMClient, ListRolesCommand, ListUsersCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountPrincipalBound, readAccountPrincipals, readNamedPrincipals } from '../../src/aws/account-principals.js';
import type { AwsCallRecord } from '../../src/aws/call-recorder.js';
import { allow, failure, newUserWithKey, policy } from '../helpers/iam-calls.js';
import { accountA } from '../helpers/iam-state.js';
import { startTestSandbox, userCredentials, type TestSandbox } from '../helpers/sandbox.js';
import { userSession } from './aws-test-helpers.js';

let sandbox: TestSandbox;
let admin: IAMClient;
const trust = policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountA}:root` }, Action: 'sts:AssumeRole' });

beforeAll(async () => {
  sandbox = await startTestSandbox('blank');
  admin = new IAMClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials: userCredentials(sandbox, 'admin'), maxAttempts: 1 });
  await admin.send(new CreateRoleCommand({ RoleName: 'reporting', AssumeRolePolicyDocument: trust, Path: '/apps/' }));
  await admin.send(new PutRolePolicyCommand({ RoleName: 'reporting', PolicyName: 'kms', PolicyDocument: policy(allow('kms:Decrypt')) }));
  await admin.send(new CreateRoleCommand({ RoleName: 'audit', AssumeRolePolicyDocument: trust }));
  await newUserWithKey(admin, 'lister-denied', policy(allow(['iam:Get*', 'iam:List*']), { Effect: 'Deny', Action: 'iam:ListRoles', Resource: '*' }));
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('the sandbox lists roles and users as IAM does', () => {
  it('pages with Marker and MaxItems, filters by PathPrefix, and leaves out tags and boundaries', async () => {
    const first = await admin.send(new ListRolesCommand({ MaxItems: 1 }));
    expect(first.IsTruncated).toBe(true);
    const rest = await admin.send(new ListRolesCommand({ Marker: first.Marker }));
    const names = [...(first.Roles ?? []), ...(rest.Roles ?? [])].map((r) => r.RoleName);
    expect(names).toEqual(expect.arrayContaining(['audit', 'reporting']));
    const apps = await admin.send(new ListRolesCommand({ PathPrefix: '/apps/' }));
    expect(apps.Roles?.map((r) => r.Arn)).toEqual([`arn:aws:iam::${accountA}:role/apps/reporting`]);
    expect(apps.Roles?.[0]?.Tags).toBeUndefined();
    const users = (await admin.send(new ListUsersCommand({}))).Users?.map((u) => u.UserName);
    expect(users).toEqual(expect.arrayContaining(['admin', 'lister-denied']));
  });

  it('refuses ListRoles naming the account\'s role/ prefix, as AWS does', async () => {
    const denied = new IAMClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials: userCredentials(sandbox, 'lister-denied'), maxAttempts: 1 });
    const error = await failure(denied.send(new ListRolesCommand({})));
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toBe(
      `User: arn:aws:iam::${accountA}:user/lister-denied is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${accountA}:role/ with an explicit deny in an identity-based policy`,
    );
  });
});

describe('readAccountPrincipals', () => {
  it('reads every other role and user with its own policies, leaving out the diagnosed principal', async () => {
    const session = await userSession(sandbox, 'admin');
    const read = await readAccountPrincipals(session, accountA, [`arn:aws:iam::${accountA}:user/admin`]);
    expect(read.status).toBe('known');
    if (read.status !== 'known') return;
    const arns = read.value.principals.map((p) => p.identity.entityArn);
    expect(arns).not.toContain(`arn:aws:iam::${accountA}:user/admin`);
    const reporting = read.value.principals.find((p) => p.identity.name === 'reporting');
    expect(reporting?.identity).toMatchObject({ kind: 'role', entityArn: `arn:aws:iam::${accountA}:role/apps/reporting` });
    expect(reporting?.policies.status === 'known' && reporting.policies.value.policies.map((p) => p.document)).toEqual([JSON.parse(policy(allow('kms:Decrypt')))]);
    expect(read.value.more).toBe(false);
  });

  it('is an unreadable fact naming iam:ListRoles when IAM refuses the listing', async () => {
    const session = await userSession(sandbox, 'lister-denied');
    const read = await readAccountPrincipals(session, accountA, []);
    expect(read).toMatchObject({ status: 'unreadable', reason: 'access-denied', call: 'iam:ListRoles' });
  });

  it(`probes at most ${accountPrincipalBound} and says the account has more`, async () => {
    for (let i = 0; i < accountPrincipalBound + 3; i++) {
      await admin.send(new CreateRoleCommand({ RoleName: `bulk-${String(i).padStart(3, '0')}`, AssumeRolePolicyDocument: trust }));
    }
    const session = await userSession(sandbox, 'admin');
    const read = await readAccountPrincipals(session, accountA, []);
    expect(read.status === 'known' && read.value.principals.length).toBe(accountPrincipalBound);
    expect(read.status === 'known' && read.value.more).toBe(true);
  }, 120_000);
});

describe('readNamedPrincipals', () => {
  it('reads only the roles a change names, without listing the account, and leaves out another account\'s', async () => {
    const calls: AwsCallRecord[] = [];
    const session = await userSession(sandbox, 'admin', { onCall: (record) => calls.push(record) });
    // A change names the role by a session ARN (no path), and a role of another account it cannot read.
    const named = [`arn:aws:sts::${accountA}:assumed-role/reporting/s1`, 'arn:aws:iam::444455556666:role/elsewhere'];
    const read = await readNamedPrincipals(session, accountA, named);
    expect(read.status === 'known' && read.value.scope).toBe('named');
    expect(read.status === 'known' && read.value.principals.map((p) => p.identity.entityArn)).toEqual([`arn:aws:iam::${accountA}:role/apps/reporting`]);
    expect(calls.map((c) => c.call)).not.toContain('iam:ListRoles');
    expect(calls.map((c) => c.call)).not.toContain('iam:ListUsers');
    expect(calls.filter((c) => c.call === 'iam:GetRole')).toHaveLength(1);
  });
});
