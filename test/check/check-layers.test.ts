// Every layer is read, or the verdict says it was not: `check --json` with the real CLI process against
// the sandbox, on cases built with the aws CLI as users build them. An SCP that refuses the call is
// read with --org-profile and named; without it the verdict is unknown (exit 3) and says who can read
// it, never "allowed". A session policy, which AWS returns to nobody, is inferred from AWS's own error.
// A source-IP guard is a value kms-doctor cannot know: evaluated both ways, and --context decides it.
import { afterEach, describe, expect, it } from 'vitest';
import { aws } from '../helpers/aws-cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, scenarioArgs } from '../helpers/scenario-principals.js';
import { cliIdentity, runTrainingCall } from '../helpers/training-call.js';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function check(target: TestSandbox, args: string[]) {
  const result = await runKmsDoctor(['check', '--json', ...args], cliEnv(target));
  expect(result.stderr).toBe('');
  return { exitCode: result.exitCode, json: JSON.parse(result.stdout) };
}

const withoutFlag = (args: string[], flag: string) => args.filter((_, i) => args[i] !== flag && args[i - 1] !== flag);

describe('check: the organization layer', () => {
  it('an SCP allow list: named with --org-profile; without it, unknown and who can read it, never allowed', async () => {
    sandbox = await startTestSandbox('scp-allow-list');
    const t = sandbox.world.state.training!;
    const denied = await runTrainingCall(sandbox, t.call, await cliIdentity(sandbox, sandbox.world.state, t.principal));
    expect(denied.stderr).toContain('because no service control policy allows the kms:GenerateDataKey action');

    const args = scenarioArgs(sandbox, 'scp-allow-list');
    const read = await check(sandbox, args);
    expect(read.exitCode).toBe(1);
    expect(read.json.causes.map((c: { code: string; layer: string }) => [c.code, c.layer])).toEqual([['scp', 'scp']]);
    expect(JSON.stringify(read.json.causes[0].evidence)).toContain('SandboxAccountsAllowList');

    const unread = await check(sandbox, withoutFlag(args, '--org-profile'));
    expect(unread.json.verdict).toBe('unknown');
    expect(unread.exitCode).toBe(3);
    expect(unread.json.causes).toEqual([]);
    const scps = unread.json.unverified.find((u: { what: string }) => u.what.includes('service control policies'));
    expect(scps.why).toContain(`organization ${sandbox.world.state.organization!.id}`);
    expect(scps.howToVerify).toContain('management account (444455556666)');
    expect(scps.howToVerify).toContain('--org-profile');
    expect(scps.howToVerify).toContain('aws organizations list-policies-for-target --target-id 111122223333 --filter SERVICE_CONTROL_POLICY');
  });

  it('an RCP that refuses by principal tag: the explicit deny is named with its policy and statement', async () => {
    sandbox = await startTestSandbox('rcp-tag-perimeter');
    const read = await check(sandbox, scenarioArgs(sandbox, 'rcp-tag-perimeter'));
    expect(read.exitCode).toBe(1);
    const cause = read.json.causes[0];
    expect(cause).toMatchObject({ code: 'explicit-deny', layer: 'rcp', deniedBy: { layer: 'rcp', statementId: 'OnlyApprovedPrincipals' } });
    expect(cause.deniedBy.policyName).toMatch(/^arn:aws:organizations::444455556666:policy\/o-[a-z0-9]+\/resource_control_policy\/p-/);
  });
});

describe('check: a session policy, inferred from the error AWS gave', () => {
  it('is named from --error, the verdict unknown (the layer cannot be read), never allowed', async () => {
    sandbox = await startTestSandbox('blank');
    const admin = { profile: 'admin' };
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:user/admin' }, Action: 'sts:AssumeRole' }] };
    expect((await aws(sandbox, ['iam', 'create-role', '--role-name', 'ReportRole', '--assume-role-policy-document', JSON.stringify(trust)], admin)).exitCode).toBe(0);
    const kmsUse = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
    expect((await aws(sandbox, ['iam', 'put-role-policy', '--role-name', 'ReportRole', '--policy-name', 'kms', '--policy-document', JSON.stringify(kmsUse)], admin)).exitCode).toBe(0);
    const key = (await aws(sandbox, ['kms', 'create-key'], admin)).json.KeyMetadata.Arn as string;
    // A scoped-down session, as vended-credential services create them: S3 only.
    const sessionPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
    const assumed = await aws(sandbox, ['sts', 'assume-role', '--role-arn', 'arn:aws:iam::111122223333:role/ReportRole', '--role-session-name', 'vended', '--policy', JSON.stringify(sessionPolicy)], admin);
    expect(assumed.stderr).toBe('');
    const refused = await aws(sandbox, ['kms', 'encrypt', '--key-id', key, '--plaintext', Buffer.from('x').toString('base64')], { credentials: assumed.json.Credentials });
    expect(refused.stderr).toContain('because no session policy allows the kms:Encrypt action');
    const error = refused.stderr.trim();

    const withError = await check(sandbox, ['--error', error, '--profile', 'admin', '--endpoint-url', sandbox.endpoint]);
    expect(withError.json.verdict).toBe('unknown');
    expect(withError.exitCode).toBe(3);
    const cause = withError.json.causes.find((c: { code: string }) => c.code === 'session-policy');
    expect(cause.layer).toBe('session-policy');
    expect(cause.evidence[0]).toMatchObject({ what: "AWS's error message", source: 'the error message (--error)' });
    expect(withError.json.unverified.map((u: { howToVerify: string }) => u.howToVerify).join(' ')).toContain('AssumeRole');

    // Without the error, everything readable allows it, but the session policy applies and was not read:
    // unknown, never "allowed" (the sandbox refuses the call), naming the layer.
    const without = await check(sandbox, ['--key', key, '--operation', 'Encrypt', '--principal', 'arn:aws:sts::111122223333:assumed-role/ReportRole/vended', '--profile', 'admin', '--endpoint-url', sandbox.endpoint]);
    expect(without.json.verdict).toBe('unknown');
    expect(without.exitCode).toBe(3);
    expect(without.json.unverified.map((u: { what: string }) => u.what)).toContain('The session policy of arn:aws:sts::111122223333:assumed-role/ReportRole/vended');
  });
});

describe('check: a condition key nobody knows from here', () => {
  it('a source-IP guard: condition-unknown with the range that passes; --context decides it', async () => {
    sandbox = await startTestSandbox('source-ip-perimeter');
    const args = scenarioArgs(sandbox, 'source-ip-perimeter');
    const unknown = await check(sandbox, args);
    expect(unknown.exitCode).toBe(3);
    expect(unknown.json.causes.map((c: { code: string }) => c.code)).toEqual(['condition-unknown']);
    const evidence = Object.fromEntries(unknown.json.causes[0].evidence.map((e: { what: string; value: unknown }) => [e.what, e.value]));
    expect(evidence['Condition key whose value kms-doctor cannot know']).toBe('aws:SourceIp');
    expect(evidence['Values that pass']).toContain('198.51.100.0');
    // The same, structured (what the wizard's question shows).
    expect(unknown.json.causes[0].unknownCondition).toMatchObject({ key: 'aws:SourceIp', statement: 'the Deny statement "OfficeNetworkOnly" in the key policy', passing: ['198.51.100.0'] });
    // No explicit deny is claimed while the value is unknown.
    expect(unknown.json.causes.some((c: { code: string }) => c.code === 'explicit-deny')).toBe(false);

    // The build server's real address: the Deny applies, and is named.
    const outside = await check(sandbox, [...args, '--context', 'aws:SourceIp=127.0.0.1']);
    expect(outside.exitCode).toBe(1);
    expect(outside.json.causes[0]).toMatchObject({ code: 'explicit-deny', layer: 'key-policy', deniedBy: { statementId: 'OfficeNetworkOnly' } });
    // From the office network, it is allowed.
    const office = await check(sandbox, [...args, '--context', 'aws:SourceIp=198.51.100.20']);
    expect(office.json.verdict).toBe('allowed');
    expect(office.exitCode).toBe(0);
  });

  it('--context that is not KEY=VALUE is a one-line usage error', async () => {
    sandbox = await startTestSandbox('source-ip-perimeter');
    const result = await runKmsDoctor(['check', ...scenarioArgs(sandbox, 'source-ip-perimeter'), '--context', 'SourceIp'], cliEnv(sandbox));
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain("--context 'SourceIp' is not KEY=VALUE");
  });
});
