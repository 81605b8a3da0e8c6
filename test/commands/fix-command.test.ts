// `kms-doctor fix` and `kms-doctor rollback` as processes, against the sandbox: every built-in scenario
// fixed and proven with the aws CLI as the affected principal, backups for every write, nothing changed
// without consent, all-or-nothing when a later step fails, and no secret anywhere.
import { DeleteRolePolicyCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSandbox, userCredentials, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { adminProfileFor, cliEnv, principalOf } from '../helpers/scenario-principals.js';
import { cliIdentity, runTrainingCall } from '../helpers/training-call.js';

let sandbox: TestSandbox | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const operationFor: Record<string, string> = {
  'no-iam-delegation': 'Decrypt',
  'missing-kms-actions': 's3:PutObject',
  'cross-account-one-side': 'Decrypt',
  'key-disabled': 'Encrypt',
  'key-pending-deletion': 'GenerateDataKey',
  'ebs-grant-denied': 'ec2:RunInstances',
};

function keyAccountOf(target: TestSandbox, key: string): string {
  const arnAccount = /^arn:aws:kms:[^:]+:(\d{12}):/.exec(key)?.[1];
  return arnAccount ?? Object.values(target.world.state.aliases).find((a) => a.aliasName === key)!.accountId;
}

/** The flags an administrator uses to fix the scenario's training principal. */
function fixArgs(target: TestSandbox, scenario: string): string[] {
  const t = target.world.state.training!;
  const principal = principalOf(target.world.state, t.principal);
  const keyAccount = keyAccountOf(target, t.call.key);
  return [
    '--key', t.call.key, '--operation', operationFor[scenario]!, '--principal', principal.arn,
    '--profile', adminProfileFor(principal.accountId), '--endpoint-url', target.endpoint,
    ...(keyAccount !== principal.accountId ? ['--key-profile', adminProfileFor(keyAccount)] : []),
    ...(t.call.encryptionContext ? ['--encryption-context', JSON.stringify(t.call.encryptionContext)] : []),
  ];
}

function secretsOf(target: TestSandbox): string[] {
  return Object.values(target.world.state.credentials).flatMap((c) => (c.kind === 'session' ? [c.secretAccessKey, c.sessionToken] : [c.secretAccessKey]));
}

function newDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

describe('kms-doctor fix --yes on the built-in scenarios', () => {
  for (const scenario of Object.keys(operationFor)) {
    it(`${scenario}: fixes, verifies, and backs up every write`, async () => {
      sandbox = await startTestSandbox(scenario);
      const t = sandbox.world.state.training!;
      const backupDir = newDir('kms-doctor-backups-');
      const result = await runKmsDoctor(['fix', '--yes', '--json', '--backup-dir', backupDir, ...fixArgs(sandbox, scenario)], cliEnv(sandbox));
      expect(result.stderr).toBe('');
      const json = JSON.parse(result.stdout);
      expect(json.diagnosis.causes.map((c: { code: string }) => c.code)).toContain(t.expectedCause);
      expect(json.apply.outcome).toBe('applied');
      expect(json.verification.outcome).toBe('verified');
      expect(result.exitCode).toBe(0);

      // Every document or state written has its backup, readable only by its owner.
      for (const step of json.apply.steps) {
        expect(step.status).toBe('applied');
        expect(existsSync(step.backupPath), step.backupPath).toBe(true);
        expect(statSync(step.backupPath).mode & 0o777).toBe(0o600);
      }

      const inTrouble = await cliIdentity(sandbox, sandbox.world.state, t.principal);
      const call = await runTrainingCall(sandbox, t.call, inTrouble);
      expect(call.stderr).toBe('');
      const unrelated = await runTrainingCall(sandbox, t.call, await cliIdentity(sandbox, sandbox.world.state, t.unrelatedPrincipal!));
      expect(unrelated.stderr).toContain('An error occurred (AccessDeniedException)');

      const written = [result.stdout, result.stderr, ...readdirSync(backupDir).map((f) => readFileSync(join(backupDir, f), 'utf8'))].join('\n');
      for (const secret of secretsOf(sandbox)) expect(written).not.toContain(secret);
    });
  }
});

describe('kms-doctor fix without consent', () => {
  it('changes nothing with --dry-run, or without a terminal and --yes', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const revision = sandbox.world.state.revision;
    const dryRun = await runKmsDoctor(['fix', '--dry-run', ...fixArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox));
    expect(dryRun.exitCode).toBe(1);
    expect(dryRun.stdout).toContain('Plan: 1 change');
    expect(dryRun.stdout).toContain('+      "Sid": "AllowAppRoleUseOfKey"');
    const noTerminal = await runKmsDoctor(['fix', ...fixArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox));
    expect(noTerminal.exitCode).toBe(1);
    expect(noTerminal.stderr).toBe('kms-doctor: not applied: without a terminal, fix applies only with --yes (or use --dry-run to just see the plan)\n');
    expect(sandbox.world.state.revision).toBe(revision);
  });

  it('exits 0 with nothing to do when the call is already allowed', async () => {
    sandbox = await startTestSandbox('missing-kms-actions');
    const revision = sandbox.world.state.revision;
    const args = ['--key', 'alias/invoices-s3', '--operation', 'Decrypt', '--profile', 'admin', '--endpoint-url', sandbox.endpoint];
    const result = await runKmsDoctor(['fix', '--yes', ...args], cliEnv(sandbox));
    expect(result.stdout).toContain('Nothing to do');
    expect(result.exitCode).toBe(0);
    expect(sandbox.world.state.revision).toBe(revision);
  });
});

describe('kms-doctor rollback', () => {
  it('restores the key policy kms-doctor replaced', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const key = Object.values(sandbox.world.state.keys)[0]!;
    const original = key.policy;
    const backupDir = newDir('kms-doctor-backups-');
    const fixed = JSON.parse((await runKmsDoctor(['fix', '--yes', '--json', '--backup-dir', backupDir, ...fixArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox))).stdout);
    expect(sandbox.world.state.keys[key.arn]!.policy).not.toBe(original);
    const backup = fixed.apply.steps[0].backupPath as string;
    const restored = await runKmsDoctor(['rollback', backup, '--profile', 'admin', '--endpoint-url', sandbox.endpoint, '--backup-dir', backupDir], cliEnv(sandbox));
    expect(restored.stderr).toBe('');
    expect(restored.exitCode).toBe(0);
    expect(JSON.parse(sandbox.world.state.keys[key.arn]!.policy)).toEqual(JSON.parse(original));
    // The restore backed up what it replaced, so it can be undone too.
    expect(readdirSync(backupDir).filter((f) => !f.endsWith('.document.json')).length).toBe(2);
    const bad = await runKmsDoctor(['rollback', join(backupDir, 'nope.json'), '--profile', 'admin', '--endpoint-url', sandbox.endpoint], cliEnv(sandbox));
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('all or nothing', () => {
  it('rolls back the first step when the second write is denied, and says so', async () => {
    sandbox = await startTestSandbox('cross-account-one-side');
    // Both sides missing: PartnerRole loses its IAM policy, so the plan has two steps in two accounts.
    const region = 'us-east-1';
    const iamB = new IAMClient({ endpoint: sandbox.endpoint, region, credentials: userCredentials(sandbox, 'admin-b') });
    const role = Object.values(sandbox.world.state.accounts['444455556666']!.roles).find((r) => r.name === 'PartnerRole')!;
    for (const name of Object.keys(role.inlinePolicies)) await iamB.send(new DeleteRolePolicyCommand({ RoleName: 'PartnerRole', PolicyName: name }));
    const args = fixArgs(sandbox, 'cross-account-one-side');
    const plan = JSON.parse((await runKmsDoctor(['fix', '--dry-run', '--json', ...args], cliEnv(sandbox))).stdout).plan;
    expect(plan.steps).toHaveLength(2);
    const second = plan.steps[1];
    // The sandbox refuses the second write: an explicit IAM deny for whoever makes it.
    const denyFor = second.kind === 'put-key-policy' ? { user: 'admin', account: '111122223333', action: 'kms:PutKeyPolicy' } : { user: 'admin-b', account: '444455556666', action: 'iam:PutRolePolicy' };
    const iam = new IAMClient({ endpoint: sandbox.endpoint, region, credentials: userCredentials(sandbox, denyFor.user) });
    await iam.send(new PutUserPolicyCommand({ UserName: denyFor.user, PolicyName: 'no-second-write', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: denyFor.action, Resource: '*' }] }) }));
    const before = structuredClone(sandbox.world.state);

    const result = await runKmsDoctor(['fix', '--yes', '--json', '--backup-dir', newDir('kms-doctor-backups-'), ...args], cliEnv(sandbox));
    const json = JSON.parse(result.stdout);
    expect(result.exitCode).toBe(4);
    expect(json.apply.outcome).toBe('rolled-back');
    expect(json.apply.steps.map((s: { status: string }) => s.status)).toEqual(['rolled-back', 'failed']);
    expect(json.apply.rolledBack.map((r: { stepId: number }) => r.stepId)).toEqual([1]);

    const after = sandbox.world.state;
    for (const key of Object.values(before.keys)) expect(JSON.parse(after.keys[key.arn]!.policy)).toEqual(JSON.parse(key.policy));
    expect(after.accounts['444455556666']!.roles.PartnerRole!.inlinePolicies).toEqual(before.accounts['444455556666']!.roles.PartnerRole!.inlinePolicies);
  });
});
