// `kms-doctor fix` and `kms-doctor rollback` as processes, against the sandbox: nothing changed without
// consent, all-or-nothing when a later step fails, interrupts, verification, refusals. Every built-in
// scenario fixed and proven with the aws CLI (backups, no secret anywhere) is test/check/check-scenarios.
import { DeleteRolePolicyCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxState } from '../../src/sandbox/state.js';
import { writeKeyPolicyBackup } from '../helpers/backup-files.js';
import { startTestSandbox, userCredentials, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor, spawnKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, scenarioArgs } from '../helpers/scenario-principals.js';

let sandbox: TestSandbox | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The sandbox's whole state, minus what every request may change (the revision counter, the session credentials). */
function stateWithoutBookkeeping(target: TestSandbox): Omit<SandboxState, 'revision' | 'credentials'> {
  const { revision: _revision, credentials: _credentials, ...rest } = structuredClone(target.world.state);
  return rest;
}

function newDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

describe('kms-doctor fix without consent', () => {
  it('changes nothing with --dry-run, or without a terminal and --yes', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const revision = sandbox.world.state.revision;
    const dryRun = await runKmsDoctor(['fix', '--dry-run', ...scenarioArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox));
    expect(dryRun.exitCode).toBe(1);
    expect(dryRun.stdout).toContain('Plan: 1 change');
    expect(dryRun.stdout).toContain('+      "Sid": "AllowAppRoleUseOfKey"');
    const noTerminal = await runKmsDoctor(['fix', ...scenarioArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox));
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
    const fixed = JSON.parse((await runKmsDoctor(['fix', '--yes', '--json', '--backup-dir', backupDir, ...scenarioArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox))).stdout);
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

/**
 * cross-account-one-side with both sides missing (PartnerRole loses its IAM policy): a plan of two
 * steps in two accounts. Returns the flags and the plan `fix --dry-run` shows.
 */
async function twoStepPlan(target: TestSandbox): Promise<{ args: string[]; plan: { steps: { kind: string }[] } }> {
  const iamB = new IAMClient({ endpoint: target.endpoint, region: 'us-east-1', credentials: userCredentials(target, 'admin-b') });
  const role = Object.values(target.world.state.accounts['444455556666']!.roles).find((r) => r.name === 'PartnerRole')!;
  for (const name of Object.keys(role.inlinePolicies)) await iamB.send(new DeleteRolePolicyCommand({ RoleName: 'PartnerRole', PolicyName: name }));
  const args = scenarioArgs(target, 'cross-account-one-side');
  const plan = JSON.parse((await runKmsDoctor(['fix', '--dry-run', '--json', ...args], cliEnv(target))).stdout).plan;
  expect(plan.steps).toHaveLength(2);
  return { args, plan };
}

describe('all or nothing', () => {
  it('rolls back the first step when the second write is denied, and says so', async () => {
    sandbox = await startTestSandbox('cross-account-one-side');
    const region = 'us-east-1';
    const { args, plan } = await twoStepPlan(sandbox);
    const second = plan.steps[1]!;
    // The sandbox refuses the second write: an explicit IAM deny for whoever makes it.
    const denyFor = second.kind === 'put-key-policy' ? { user: 'admin', account: '111122223333', action: 'kms:PutKeyPolicy' } : { user: 'admin-b', account: '444455556666', action: 'iam:PutRolePolicy' };
    const iam = new IAMClient({ endpoint: sandbox.endpoint, region, credentials: userCredentials(sandbox, denyFor.user) });
    await iam.send(new PutUserPolicyCommand({ UserName: denyFor.user, PolicyName: 'no-second-write', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: denyFor.action, Resource: '*' }] }) }));
    const before = stateWithoutBookkeeping(sandbox);

    const result = await runKmsDoctor(['fix', '--yes', '--json', '--backup-dir', newDir('kms-doctor-backups-'), ...args], cliEnv(sandbox));
    const json = JSON.parse(result.stdout);
    expect(result.exitCode).toBe(4);
    expect(json.apply.outcome).toBe('rolled-back');
    expect(json.apply.steps.map((s: { status: string }) => s.status)).toEqual(['rolled-back', 'failed']);
    expect(json.apply.rolledBack.map((r: { stepId: number }) => r.stepId)).toEqual([1]);

    // Everything as it was: keys, policies, grants, aliases, every account and the organization.
    expect(stateWithoutBookkeeping(sandbox)).toEqual(before);
  });
});

describe('kms-doctor fix when nothing can be applied', () => {
  it('exits 3 with one line saying why, and changes nothing', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const revision = sandbox.world.state.revision;
    const args = ['--key', 'alias/no-such-key', '--operation', 'Decrypt', '--profile', 'admin', '--endpoint-url', sandbox.endpoint];
    const result = await runKmsDoctor(['fix', '--yes', '--backup-dir', newDir('kms-doctor-backups-'), ...args], cliEnv(sandbox));
    expect(result.stdout).toContain('Plan: nothing kms-doctor can apply.');
    expect(result.stderr).toMatch(/^kms-doctor: nothing kms-doctor can apply: key-not-found: [^\n]+\n$/);
    expect(result.exitCode).toBe(3);
    const json = await runKmsDoctor(['fix', '--json', '--dry-run', ...args], cliEnv(sandbox));
    expect(json.exitCode).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ exitCode: 3, applied: false, plan: { steps: [] } });
    expect(json.stderr.trim().split('\n')).toHaveLength(1);
    expect(sandbox.world.state.revision).toBe(revision);
  });
});

describe('a --principal that does not exist', () => {
  it('check and fix name it in one line and exit 2, with no speculative diagnosis', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const flags = ['--key', 'alias/orders-data', '--operation', 'Decrypt', '--profile', 'admin', '--endpoint-url', sandbox.endpoint];
    for (const [what, principal] of [
      ['role', 'arn:aws:iam::111122223333:role/Nope'],
      ['user', 'arn:aws:iam::111122223333:user/nobody'],
    ] as const) {
      for (const command of [['check'], ['check', '--json'], ['fix', '--dry-run']]) {
        const result = await runKmsDoctor([...command, ...flags, '--principal', principal], cliEnv(sandbox));
        const name = principal.split('/').pop();
        expect(result.stderr, command.join(' ')).toMatch(new RegExp(`^kms-doctor: no ${what} named ${name} in account 111122223333 [^\\n]*\\n$`));
        // With --json the same line is the error document on stdout (scripts read stdout); otherwise stdout stays empty.
        if (command.includes('--json')) expect(JSON.parse(result.stdout).error).toEqual({ code: 'principal-not-found', message: result.stderr.slice('kms-doctor: '.length, -1) });
        else expect(result.stdout, command.join(' ')).toBe('');
        expect(result.exitCode, command.join(' ')).toBe(2);
      }
    }
  });
});

describe('--backup-dir', () => {
  it('an unusable one is refused in one line, exit 2, before any diagnosis or prompt', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const file = join(newDir('kms-doctor-not-a-dir-'), 'file');
    writeFileSync(file, 'not a directory');
    for (const backupDir of [join(file, 'backups'), file]) {
      const result = await runKmsDoctor(['fix', '--yes', '--backup-dir', backupDir, ...scenarioArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox));
      expect(result.stderr).toMatch(new RegExp(`^kms-doctor: --backup-dir ${backupDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot hold backups: [^\\n]+\\n$`));
      expect(result.stdout).toBe('');
      expect(result.exitCode).toBe(2);
    }
    // A usable one is created up front, readable by its owner only.
    const fresh = join(newDir('kms-doctor-backups-'), 'nested', 'dir');
    const result = await runKmsDoctor(['fix', '--backup-dir', fresh, ...scenarioArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox));
    expect(result.exitCode).toBe(1);
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
  });
});

describe('interrupting an apply', () => {
  it('a second Ctrl-C or a SIGTERM does not kill it mid-write: it rolls back, says so once, and leaves AWS as it was', async () => {
    // Every answer 300 ms late, so the rollback is still running when the later signals arrive.
    sandbox = await startTestSandbox('cross-account-one-side', { latencyMs: 300 });
    const { args } = await twoStepPlan(sandbox);
    const before = stateWithoutBookkeeping(sandbox);
    const child = spawnKmsDoctor(['fix', '--yes', '--backup-dir', newDir('kms-doctor-backups-'), ...args], cliEnv(sandbox));
    let stdout = '';
    let stderr = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const running = () => child.exitCode === null && child.signalCode === null;
    const sentWhileRunning: boolean[] = [];
    const send = (signal: NodeJS.Signals) => {
      sentWhileRunning.push(running());
      child.kill(signal);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      // Step 1 is writing (then waiting until the change is visible): the first Ctrl-C.
      if (sentWhileRunning.length === 0 && /step 1: backed up/.test(stdout)) send('SIGINT');
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      // The first one was heard: press Ctrl-C again, then send SIGTERM, while it rolls back.
      if (sentWhileRunning.length === 1 && stderr.includes('please wait')) {
        send('SIGINT');
        setTimeout(() => send('SIGTERM'), 20);
      }
    });
    const { code, signal } = await exited;
    expect(sentWhileRunning).toEqual([true, true, true]);
    expect(signal).toBeNull();
    expect(code).toBe(130);
    expect(stderr).toBe('kms-doctor: rolling back at the next step boundary, please wait\n');
    expect(stdout).toMatch(/Apply:.* cancelled/);
    expect(stdout).toContain('step 1: rolled back');
    expect(stateWithoutBookkeeping(sandbox)).toEqual(before);
  });
});

describe('verification by dry run', () => {
  it('the caller diagnosing itself (no --principal) proves the fix with its own credentials', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const args = ['--key', 'alias/orders-data', '--operation', 'Decrypt', '--profile', 'admin', '--endpoint-url', sandbox.endpoint];
    const result = await runKmsDoctor(['fix', '--yes', '--json', '--backup-dir', newDir('kms-doctor-backups-'), ...args], cliEnv(sandbox));
    const json = JSON.parse(result.stdout);
    expect(json.verification).toMatchObject({ outcome: 'verified', dryRuns: [{ outcome: 'would-succeed', action: 'kms:Decrypt' }] });
    expect(result.exitCode).toBe(0);
  });

  it('--as-profile must be the diagnosed principal: its own profile proves the fix, another one is skipped with a note', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const right = await runKmsDoctor(['fix', '--yes', '--json', '--backup-dir', newDir('kms-doctor-backups-'), '--as-profile', 'AppRole', ...scenarioArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox));
    // The role's profile is a session of AppRole: the role itself, for the comparison.
    expect(JSON.parse(right.stdout).verification).toMatchObject({ outcome: 'verified', dryRuns: [{ outcome: 'would-succeed', action: 'kms:Decrypt' }] });
    await sandbox.stop();

    sandbox = await startTestSandbox('no-iam-delegation');
    const wrong = await runKmsDoctor(['fix', '--yes', '--json', '--backup-dir', newDir('kms-doctor-backups-'), '--as-profile', 'ReportingRole', ...scenarioArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox));
    const json = JSON.parse(wrong.stdout);
    expect(json.verification.outcome).toBe('verified');
    expect(json.verification.dryRuns).toEqual([]);
    expect(json.verification.notes).toEqual([
      expect.stringMatching(/^the dry run was skipped: --as-profile is arn:aws:sts::111122223333:assumed-role\/ReportingRole\/\S+, not the diagnosed principal arn:aws:iam::111122223333:role\/AppRole/),
    ]);
    expect(wrong.exitCode).toBe(0);
  });
});

describe('kms-doctor rollback refusals', () => {
  it('says a refusal once: one line on stderr, exit 4, nothing on stdout', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const backupDir = newDir('kms-doctor-backups-');
    const fixed = JSON.parse((await runKmsDoctor(['fix', '--yes', '--json', '--backup-dir', backupDir, ...scenarioArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox))).stdout);
    const backup = fixed.apply.steps[0].backupPath as string;
    // Someone changes the key policy after kms-doctor: restoring would discard their change.
    const key = Object.values(sandbox.world.state.keys)[0]!;
    const kms = new KMSClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials: userCredentials(sandbox, 'admin') });
    const changed = JSON.parse(key.policy) as { Statement: object[] };
    changed.Statement.push({ Sid: 'SomeoneElse', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:DescribeKey', Resource: '*' });
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.arn, PolicyName: 'default', Policy: JSON.stringify(changed) }));
    const stale = await runKmsDoctor(['rollback', backup, '--profile', 'admin', '--endpoint-url', sandbox.endpoint, '--backup-dir', backupDir], cliEnv(sandbox));
    expect(stale.stdout).toBe('');
    expect(stale.stderr).toMatch(/^kms-doctor: not restored \(stale\): [^\n]+\n$/);
    expect(stale.exitCode).toBe(4);
  });

  it("ends AWS's message with a full stop before 'Nothing was written.'", async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const dir = newDir('kms-doctor-backups-');
    const missing = 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000';
    const path = writeKeyPolicyBackup(dir, missing, 'missing-key.json');
    const result = await runKmsDoctor(['rollback', path, '--profile', 'admin', '--endpoint-url', sandbox.endpoint, '--backup-dir', dir], cliEnv(sandbox));
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^kms-doctor: not restored \(failed\): Could not read the current value of [^\n]*does not exist\. Nothing was written\.\n$/);
    expect(result.exitCode).toBe(4);
  });
});
