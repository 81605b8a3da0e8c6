// Delegated administrators for AWS Organizations in the sandbox (issue 8), driven with the real aws CLI
// and `check --org-profile`: an account registered for a service (RegisterDelegatedAdministrator) reads
// the tree and the policies, an account the delegation policy names reads exactly the actions it lists,
// and a member account that is neither is refused with AWS's AccessDeniedException. Built on
// scp-allow-list (member 111122223333, management 444455556666) with two more member accounts.
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from '../helpers/aws-cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, scenarioArgs } from '../helpers/scenario-principals.js';

const security = '777788889999';
const platform = '555566667777';
const fullAccess = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
let sandbox: TestSandbox;
const dir = mkdtempSync(join(tmpdir(), 'kms-doctor-delegated-'));

beforeAll(async () => {
  const scenario = JSON.parse(readFileSync(join(__dirname, '../../scenarios/scp-allow-list.json'), 'utf8'));
  scenario.name = 'scp-allow-list-delegated';
  scenario.accounts.push({ id: security, name: 'security-tooling' }, { id: platform, name: 'platform' });
  scenario.users.push({ name: 'auditor', account: security, inlinePolicies: { all: fullAccess } }, { name: 'platform-admin', account: platform, inlinePolicies: { all: fullAccess } });
  scenario.organization.delegatedAdministrators = [{ account: security, servicePrincipal: 'securityhub.amazonaws.com' }];
  // The delegation policy lets the platform account navigate the tree and list policies, but not read them.
  scenario.organization.delegationPolicy = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'NavigateOnly', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${platform}:root` }, Action: ['organizations:ListParents', 'organizations:ListPoliciesForTarget'], Resource: '*' }],
  };
  const file = join(dir, 'scp-allow-list-delegated.json');
  writeFileSync(file, JSON.stringify(scenario));
  sandbox = await startTestSandbox(file);
}, 120_000);
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const denied = (operation: string) => `An error occurred (AccessDeniedException) when calling the ${operation} operation: You don't have permissions to access this resource.`;

describe('delegated administrators for AWS Organizations', () => {
  it("a service's delegated administrator walks the tree and reads each policy", async () => {
    const parents = await aws(sandbox, ['organizations', 'list-parents', '--child-id', '111122223333'], { profile: 'auditor' });
    expect(parents.stderr).toBe('');
    const listed = await aws(sandbox, ['organizations', 'list-policies-for-target', '--target-id', '111122223333', '--filter', 'SERVICE_CONTROL_POLICY'], { profile: 'auditor' });
    expect(listed.json.Policies.map((p: { Name: string }) => p.Name)).toEqual(['SandboxAccountsAllowList']);
    const policy = await aws(sandbox, ['organizations', 'describe-policy', '--policy-id', listed.json.Policies[0].Id], { profile: 'auditor' });
    expect(policy.stderr).toBe('');
    expect(JSON.parse(policy.json.Policy.Content).Statement[0].Action).toContain('s3:*');
  });

  it('an account the delegation policy names may call only the actions it lists', async () => {
    const listed = await aws(sandbox, ['organizations', 'list-policies-for-target', '--target-id', '111122223333', '--filter', 'SERVICE_CONTROL_POLICY'], { profile: 'platform-admin' });
    expect(listed.stderr).toBe('');
    const policy = await aws(sandbox, ['organizations', 'describe-policy', '--policy-id', listed.json.Policies[0].Id], { profile: 'platform-admin' });
    expect(policy.stderr).toContain(denied('DescribePolicy'));
  });

  it('a member account that is not delegated is refused, as before', async () => {
    const parents = await aws(sandbox, ['organizations', 'list-parents', '--child-id', '111122223333'], { profile: 'admin' });
    expect(parents.stderr).toContain(denied('ListParents'));
  });

  it('check --org-profile with the delegated administrator names the SCP; with a member account that is not, the verdict is unknown', async () => {
    const args = scenarioArgs(sandbox, 'scp-allow-list').map((a, i, all) => (all[i - 1] === '--org-profile' ? 'auditor' : a));
    const read = await runKmsDoctor(['check', '--json', ...args], cliEnv(sandbox));
    expect(read.stderr).toBe('');
    expect(read.exitCode).toBe(1);
    const json = JSON.parse(read.stdout);
    expect(json.causes.map((c: { code: string }) => c.code)).toEqual(['scp']);
    expect(JSON.stringify(json.causes[0].evidence)).toContain('SandboxAccountsAllowList');

    const member = await runKmsDoctor(['check', '--json', ...args.map((a, i, all) => (all[i - 1] === '--org-profile' ? 'admin' : a))], cliEnv(sandbox));
    expect(member.exitCode).toBe(3);
    const unread = JSON.parse(member.stdout);
    expect(unread.verdict).toBe('unknown');
    const scps = unread.unverified.find((u: { what: string }) => u.what.includes('service control policies'));
    expect(scps.why).toContain("You don't have permissions to access this resource");
  }, 120_000);
});
