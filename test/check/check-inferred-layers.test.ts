// The training scenarios of the causes kms-doctor cannot read its way to (issue 8 item 5): a session
// policy, a VPC endpoint policy (both returned by AWS to nobody, or only to EC2), an AWS managed key of
// another account, and an operation KMS does not allow across accounts. As a user runs them: the real CLI
// and the real aws CLI against the sandbox. The denied call fails; `check --json` names the cause (from
// AWS's error, or from the key account's DescribeKey) and never says "allowed"; the fix, which here is
// guidance for someone else to apply, makes the same call succeed when applied as written; the unrelated
// principal stays denied. One sandbox per scenario.
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, reportedErrorOf, scenarioArgs, trainingSessionArn } from '../helpers/scenario-principals.js';
import { cliIdentity, runTrainingCall } from '../helpers/training-call.js';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function check(target: TestSandbox, args: readonly string[]) {
  const result = await runKmsDoctor(['check', '--json', ...args], cliEnv(target));
  expect(result.stderr).toBe('');
  return { exitCode: result.exitCode, json: JSON.parse(result.stdout) };
}

/** The value of a flag in an argument list, and the list without it. */
function withoutFlag(args: readonly string[], flag: string): string[] {
  const index = args.indexOf(flag);
  return index === -1 ? [...args] : [...args.slice(0, index), ...args.slice(index + 2)];
}

type Statement = { Effect: string; Action: string | string[]; Resource: string; Principal?: unknown };

describe('session-policy-scoped-down: a session policy that leaves out the action', () => {
  it('is named from AWS\'s error (never "allowed"); a new session with the statement kms-doctor gives decrypts', async () => {
    sandbox = await startTestSandbox('session-policy-scoped-down');
    const state = sandbox.world.state;
    const t = state.training!;
    const policiesBefore = JSON.stringify([state.accounts, state.keys]);
    const scheduled = await cliIdentity(sandbox, state, t.principal);
    const denied = await runTrainingCall(sandbox, t.call, scheduled);
    // The sandbox answers in AWS's words, which is what the administrator pastes with --error.
    expect(denied.stderr).toContain(`An error occurred (AccessDeniedException) when calling the Decrypt operation: ${reportedErrorOf(sandbox)}\n`);

    const { exitCode, json } = await check(sandbox, scenarioArgs(sandbox, 'session-policy-scoped-down'));
    expect(json.verdict).toBe('unknown');
    expect(exitCode).toBe(3);
    expect(json.causes.map((c: { code: string }) => c.code)).toEqual(['session-policy']);
    // Everything kms-doctor read allows kms:Decrypt, but AWS said the session policy refuses it: not "allowed".
    expect(json.actionResults).toEqual([{ action: 'kms:Decrypt', decision: 'unknown' }]);
    expect(json.causes[0].evidence).toContainEqual({ what: 'Principal refused', value: trainingSessionArn(sandbox), source: 'the error message (--error)' });
    const [fix] = json.fixes;
    expect(json.fixes).toHaveLength(1);
    // Nothing kms-doctor could run: the role and the key policy are not what refuses.
    expect(fix.commands).toEqual([]);
    expect(fix.blockedBy).toContain(
      `aws sts assume-role --role-arn arn:aws:iam::111122223333:role/ExportJobRole --role-session-name ExportJobRole-session --policy file://session-policy.json`,
    );
    expect(fix.blockedBy).toMatch(/or leave out --policy/);
    const keyArn = Object.values(state.keys)[0]!.arn;
    const added: Statement[] = JSON.parse(fix.snippet);
    expect(added).toEqual([{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: keyArn }]);

    // Applied as written: the job's session policy plus the statement, in a new session.
    const original = JSON.parse(t.sessionPolicy!) as { Version: string; Statement: Statement[] };
    const fixedPolicy = JSON.stringify({ ...original, Statement: [...original.Statement, ...added] });
    const fixedSession = await cliIdentity(sandbox, state, t.principal, fixedPolicy);
    const allowed = await runTrainingCall(sandbox, t.call, fixedSession);
    expect(allowed.stderr).toBe('');
    expect(allowed.exitCode).toBe(0);
    // Nothing in the account changed, and the analyst is still refused.
    expect(JSON.stringify([sandbox.world.state.accounts, sandbox.world.state.keys])).toBe(policiesBefore);
    const unrelated = await runTrainingCall(sandbox, t.call, await cliIdentity(sandbox, state, t.unrelatedPrincipal!));
    expect(unrelated.stderr).toContain('An error occurred (AccessDeniedException)');
  }, 180_000);
});

describe('vpc-endpoint-policy: a call through an endpoint whose policy leaves out the action', () => {
  it('is refused through the endpoint and allowed directly; check names the layer and the endpoint owner\'s commands', async () => {
    sandbox = await startTestSandbox('vpc-endpoint-policy');
    const state = sandbox.world.state;
    const t = state.training!;
    const endpointId = t.call.vpcEndpoint!;
    const worker = await cliIdentity(sandbox, state, t.principal);
    const denied = await runTrainingCall(sandbox, t.call, worker);
    expect(denied.stderr).toContain(`An error occurred (AccessDeniedException) when calling the Decrypt operation: ${reportedErrorOf(sandbox)}\n`);
    const { vpcEndpoint: _, ...direct } = t.call;
    const directly = await runTrainingCall(sandbox, direct, worker);
    expect(directly.stderr).toBe('');

    // With AWS's error and the endpoint the call went through: the layer, and who can fix it, with what.
    const args = [...scenarioArgs(sandbox, 'vpc-endpoint-policy'), '--context', `aws:SourceVpce=${endpointId}`];
    const named = await check(sandbox, args);
    expect(named.json.verdict).toBe('unknown');
    expect(named.exitCode).toBe(3);
    expect(named.json.causes.map((c: { code: string }) => c.code)).toEqual(['vpc-endpoint-policy']);
    expect(named.json.actionResults).toEqual([{ action: 'kms:Decrypt', decision: 'unknown' }]);
    const [fix] = named.json.fixes;
    expect(fix.commands).toEqual([]);
    expect(fix.blockedBy).toContain(`aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${endpointId} --region us-east-1`);
    expect(fix.blockedBy).toContain(`aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${endpointId} --region us-east-1 --policy-document file://endpoint-policy.json`);
    expect(named.json.unverified.map((u: { what: string }) => u.what)).toEqual(['The VPC endpoint policy of the KMS endpoint the call went through']);

    // Without the error, the endpoint named is a layer that applies and was not read: never "allowed".
    const unread = await check(sandbox, withoutFlag(args, '--error'));
    expect(unread.json.verdict).toBe('unknown');
    expect(unread.exitCode).toBe(3);
    expect(unread.json.unverified).toContainEqual(expect.objectContaining({ what: `The policy of the VPC endpoint ${endpointId}` }));

    // The VPC's owner adds the statement (what modify-vpc-endpoint does): the same call through the endpoint succeeds.
    const added: Statement[] = JSON.parse(fix.snippet);
    expect(added).toEqual([
      {
        Effect: 'Allow',
        Principal: '*',
        Action: ['kms:Decrypt'],
        Resource: Object.values(state.keys)[0]!.arn,
        Condition: { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/batch-worker' } },
      },
    ]);
    await sandbox.world.mutate((draft) => {
      const endpoint = draft.vpcEndpoints![endpointId]!;
      const policy = JSON.parse(endpoint.policy) as { Statement: Statement[] };
      endpoint.policy = JSON.stringify({ ...policy, Statement: [...policy.Statement, ...added] });
    });
    const allowed = await runTrainingCall(sandbox, t.call, worker);
    expect(allowed.stderr).toBe('');
    // The auditor is still refused, through the endpoint and directly.
    const auditor = await cliIdentity(sandbox, sandbox.world.state, t.unrelatedPrincipal!);
    expect((await runTrainingCall(sandbox, t.call, auditor)).stderr).toContain('An error occurred (AccessDeniedException)');
    expect((await runTrainingCall(sandbox, direct, auditor)).stderr).toContain('An error occurred (AccessDeniedException)');
  }, 180_000);
});

describe('aws-managed-key-cross-account: another account\'s AWS managed key, named by its key ARN', () => {
  it('is recognised from DescribeKey with --key-profile; the only fix is a customer managed key, never a PutKeyPolicy', async () => {
    sandbox = await startTestSandbox('aws-managed-key-cross-account');
    const state = sandbox.world.state;
    const t = state.training!;
    const denied = await runTrainingCall(sandbox, t.call, await cliIdentity(sandbox, state, t.principal));
    // AWS's error across accounts names no layer.
    expect(denied.stderr).toContain('because the resource does not exist in this Region, no resource-based policies allow access');

    const args = scenarioArgs(sandbox, 'aws-managed-key-cross-account');
    expect(args).toContain('--key-profile');
    const { exitCode, json } = await check(sandbox, args);
    expect(json.verdict).toBe('denied');
    expect(exitCode).toBe(1);
    // One cause: the key policy's conditions (kms:CallerAccount, kms:ViaService) are no separate cause a call through EC2 could fix.
    expect(json.causes.map((c: { code: string }) => c.code)).toEqual(['aws-managed-key-cross-account']);
    expect(json.causes[0].evidence).toContainEqual({ what: 'Key manager', value: 'AWS', source: 'kms:DescribeKey' });
    for (const fix of json.fixes) {
      expect(fix.blockedBy).toMatch(/customer managed key/);
      expect(fix.commands).toEqual([]);
      expect(fix.requestChange).toBeUndefined();
    }

    // Without the key account's profile, the key cannot be read from account B: whatever is said, it is not "allowed".
    const blind = await check(sandbox, [...withoutFlag(args, '--key-profile'), '--error', denied.stderr.trim().replace(/^An error occurred \(\w+\) when calling the \w+ operation: /, '')]);
    expect(blind.json.verdict).not.toBe('allowed');
    expect(blind.exitCode).not.toBe(0);
    // Named by its alias ARN instead, the key is recognised from the alias alone (alias/aws/… of another account).
    const byAlias = withoutFlag(args, '--key-profile').map((arg) => (arg === t.call.key ? 'arn:aws:kms:us-east-1:111122223333:alias/aws/ebs' : arg));
    const fromAlias = await check(sandbox, byAlias);
    expect(fromAlias.json.causes.map((c: { code: string }) => c.code)).toEqual(['aws-managed-key-cross-account']);

    const unrelated = await runTrainingCall(sandbox, t.call, await cliIdentity(sandbox, state, t.unrelatedPrincipal!));
    expect(unrelated.stderr).toContain('An error occurred (AccessDeniedException)');
  }, 180_000);
});

describe('operation-not-cross-account: GetKeyPolicy on another account\'s key', () => {
  it('is named with the command to run in the key\'s account, which works as printed', async () => {
    sandbox = await startTestSandbox('operation-not-cross-account');
    const state = sandbox.world.state;
    const t = state.training!;
    const auditor = await cliIdentity(sandbox, state, t.principal);
    expect((await runTrainingCall(sandbox, t.call, auditor)).stderr).toContain('An error occurred (NotFoundException) when calling the GetKeyPolicy operation');

    const { exitCode, json } = await check(sandbox, scenarioArgs(sandbox, 'operation-not-cross-account'));
    expect(json.verdict).toBe('denied');
    expect(exitCode).toBe(1);
    expect(json.causes.map((c: { code: string }) => c.code)).toEqual(['operation-not-cross-account']);
    const [fix] = json.fixes;
    expect(json.fixes).toHaveLength(1);
    expect(fix.blockedBy).toMatch(/No policy change can make this work/);
    // The command runs in the key's account, with the key account's profile kms-doctor was given.
    expect(fix.commands).toEqual([
      `aws kms get-key-policy --key-id ${t.call.key} --policy-name default --output text --profile admin --region us-east-1 --endpoint-url ${sandbox.endpoint}`,
    ]);
    const ran = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile('bash', ['-c', fix.commands[0]], { env: { PATH: '/usr/bin:/bin', HOME: sandbox!.configDir, AWS_CONFIG_FILE: sandbox!.configFile, AWS_SHARED_CREDENTIALS_FILE: sandbox!.credentialsFile, AWS_PAGER: '' } }, (error, stdout, stderr) =>
        resolve({ code: error ? 1 : 0, stdout, stderr }),
      ),
    );
    expect(ran.stderr).toBe('');
    expect(JSON.parse(ran.stdout).Statement.map((s: { Sid: string }) => s.Sid)).toContain('PartnerAudit');

    // From the partner's account the call still fails, for the auditor and the intern alike.
    expect((await runTrainingCall(sandbox, t.call, auditor)).stderr).toContain('An error occurred (NotFoundException)');
    const intern = await cliIdentity(sandbox, state, t.unrelatedPrincipal!);
    expect((await runTrainingCall(sandbox, t.call, intern)).stderr).toMatch(/An error occurred \((NotFoundException|AccessDeniedException)\)/);
  }, 180_000);
});
