// The sandbox's AWS Organizations, driven with the real aws CLI: what a diagnosis reads (ListParents,
// ListPoliciesForTarget, DescribePolicy, DescribeOrganization) and Organizations' own authorization:
// any member account may describe its organization, only the management account reads its policies,
// and an account outside any organization is told so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from '../helpers/aws-cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let sandbox: TestSandbox;
let blank: TestSandbox;
beforeAll(async () => {
  // scp-allow-list: member account 111122223333 (admin), management account 444455556666 (admin-b).
  sandbox = await startTestSandbox('scp-allow-list');
  blank = await startTestSandbox('blank');
});
afterAll(async () => {
  await sandbox?.stop();
  await blank?.stop();
});

describe('AWS Organizations in the sandbox', () => {
  it('a member account describes its organization, and is refused its policies', async () => {
    const organization = sandbox.world.state.organization!;
    const described = await aws(sandbox, ['organizations', 'describe-organization'], { profile: 'admin' });
    expect(described.stderr).toBe('');
    expect(described.json.Organization).toMatchObject({ Id: organization.id, MasterAccountId: '444455556666', FeatureSet: 'ALL' });
    const listed = await aws(sandbox, ['organizations', 'list-policies-for-target', '--target-id', '111122223333', '--filter', 'SERVICE_CONTROL_POLICY'], { profile: 'admin' });
    expect(listed.exitCode).not.toBe(0);
    expect(listed.stderr).toContain("An error occurred (AccessDeniedException) when calling the ListPoliciesForTarget operation: You don't have permissions to access this resource.");
    // Refused at once, as AWS does: never a server error the CLI would retry.
    const parents = await aws(sandbox, ['organizations', 'list-parents', '--child-id', '111122223333'], { profile: 'admin' });
    expect(parents.stderr).toContain("An error occurred (AccessDeniedException) when calling the ListParents operation: You don't have permissions to access this resource.");
  });

  it('the management account walks the tree and reads each policy', async () => {
    const parents = await aws(sandbox, ['organizations', 'list-parents', '--child-id', '111122223333'], { profile: 'admin-b' });
    expect(parents.stderr).toBe('');
    expect(parents.json.Parents).toEqual([{ Id: expect.stringMatching(/^r-[a-z0-9]{4}$/), Type: 'ROOT' }]);
    const root = parents.json.Parents[0].Id as string;
    // The root keeps FullAWSAccess; the account has the allow list instead (no FullAWSAccess there).
    const atRoot = await aws(sandbox, ['organizations', 'list-policies-for-target', '--target-id', root, '--filter', 'SERVICE_CONTROL_POLICY'], { profile: 'admin-b' });
    expect(atRoot.json.Policies.map((p: { Name: string }) => p.Name)).toEqual(['FullAWSAccess']);
    const atAccount = await aws(sandbox, ['organizations', 'list-policies-for-target', '--target-id', '111122223333', '--filter', 'SERVICE_CONTROL_POLICY'], { profile: 'admin-b' });
    expect(atAccount.json.Policies).toHaveLength(1);
    expect(atAccount.json.Policies[0]).toMatchObject({ Name: 'SandboxAccountsAllowList', Type: 'SERVICE_CONTROL_POLICY', AwsManaged: false });
    const policy = await aws(sandbox, ['organizations', 'describe-policy', '--policy-id', atAccount.json.Policies[0].Id], { profile: 'admin-b' });
    expect(policy.stderr).toBe('');
    const content = JSON.parse(policy.json.Policy.Content);
    expect(content.Statement[0].Action).toContain('s3:*');
    expect(content.Statement[0].Action).not.toContain('kms:*');
    const rcps = await aws(sandbox, ['organizations', 'list-policies-for-target', '--target-id', '111122223333', '--filter', 'RESOURCE_CONTROL_POLICY'], { profile: 'admin-b' });
    expect(rcps.json.Policies.map((p: { Name: string }) => p.Name)).toEqual(['RCPFullAWSAccess']);
  });

  it('names what does not exist as Organizations does', async () => {
    const missing = await aws(sandbox, ['organizations', 'describe-policy', '--policy-id', 'p-00000000'], { profile: 'admin-b' });
    expect(missing.stderr).toContain('(PolicyNotFoundException)');
    const notAChild = await aws(sandbox, ['organizations', 'list-parents', '--child-id', '999999999999'], { profile: 'admin-b' });
    expect(notAChild.stderr).toContain('(ChildNotFoundException)');
  });

  it('an account in no organization is told so', async () => {
    const described = await aws(blank, ['organizations', 'describe-organization'], { profile: 'admin' });
    expect(described.stderr).toContain('An error occurred (AWSOrganizationsNotInUseException) when calling the DescribeOrganization operation: Your account is not a member of an organization.');
  });
});
