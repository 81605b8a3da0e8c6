// Backups are not trusted blindly (issue 13, item 5): a backup edited after kms-doctor wrote it, or whose
// account contradicts its ARN, is not restored without --force, and the refusal shows the diff it would
// write; a backup others could have written (0644) and a backup directory others can write to (0777,
// /tmp itself, a symlink) are one-line usage errors.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDigest } from '../../src/apply/backup.js';
import type { BackupRecord } from '../../src/apply/backup-types.js';
import { writeKeyPolicyBackup } from '../helpers/backup-files.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, scenarioArgs } from '../helpers/scenario-principals.js';

let sandbox: TestSandbox | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function newDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
const bounded = { timeoutMs: 90_000 };
const oneLine = /^kms-doctor: [^\n]+\n$/;
const openToAll = { Sid: 'Backdoor', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' };

/** Fixes no-iam-delegation with a fresh backup directory; returns the key, the backup's path and the directory. */
async function fixedScenario(): Promise<{ keyArn: string; backupPath: string; backupDir: string }> {
  sandbox = await startTestSandbox('no-iam-delegation');
  const backupDir = newDir('kms-doctor-backups-');
  const fixed = JSON.parse((await runKmsDoctor(['fix', '--yes', '--json', '--backup-dir', backupDir, ...scenarioArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox), bounded)).stdout);
  expect(fixed.apply.outcome).toBe('applied');
  return { keyArn: Object.values(sandbox.world.state.keys)[0]!.arn, backupPath: fixed.apply.steps[0].backupPath as string, backupDir };
}

const rollbackArgs = (path: string, backupDir: string) => ['rollback', path, '--profile', 'admin', '--endpoint-url', sandbox!.endpoint, '--backup-dir', backupDir];
const livePolicy = (keyArn: string) => sandbox!.world.state.keys[keyArn]!.policy;

describe('rollback of a backup that was edited', () => {
  it('refuses it (exit 4, one line), shows the diff it would write, and writes it only with --force', async () => {
    const { keyArn, backupPath, backupDir } = await fixedScenario();
    const record = JSON.parse(readFileSync(backupPath, 'utf8')) as BackupRecord;
    expect(record.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const edited = JSON.parse(record.document!) as { Statement: unknown[] };
    edited.Statement.push(openToAll);
    writeFileSync(backupPath, JSON.stringify({ ...record, document: JSON.stringify(edited) }));
    const before = livePolicy(keyArn);

    const refused = await runKmsDoctor(rollbackArgs(backupPath, backupDir), cliEnv(sandbox!), bounded);
    expect(refused.exitCode).toBe(4);
    expect(refused.stderr).toMatch(oneLine);
    expect(refused.stderr).toContain('not restored (untrusted)');
    expect(refused.stderr).toContain('does not match its digest');
    expect(refused.stdout).toMatch(/^\+\s+"Principal": "\*",$/m);
    expect(refused.stdout).toMatch(/^\+\s+"Action": "kms:\*",$/m);
    expect(livePolicy(keyArn)).toBe(before);

    const json = await runKmsDoctor([...rollbackArgs(backupPath, backupDir), '--json'], cliEnv(sandbox!), bounded);
    expect(json.exitCode).toBe(4);
    expect(JSON.parse(json.stdout)).toMatchObject({ outcome: 'untrusted', diff: expect.stringContaining('"Principal": "*"') });

    const forced = await runKmsDoctor([...rollbackArgs(backupPath, backupDir), '--force'], cliEnv(sandbox!), bounded);
    expect(forced.stderr).toBe('');
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toContain('restored with --force although');
    expect(JSON.parse(livePolicy(keyArn)).Statement).toContainEqual(openToAll);
  });

  it('refuses a backup whose accountId contradicts its ARN, even with a recomputed digest', async () => {
    const { keyArn, backupPath, backupDir } = await fixedScenario();
    const { digest: _digest, ...record } = JSON.parse(readFileSync(backupPath, 'utf8')) as BackupRecord;
    const moved = { ...record, target: { ...record.target, accountId: '444455556666' } };
    writeFileSync(backupPath, JSON.stringify({ ...moved, digest: backupDigest(moved) }));
    const before = livePolicy(keyArn);
    const refused = await runKmsDoctor(rollbackArgs(backupPath, backupDir), cliEnv(sandbox!), bounded);
    expect(refused.exitCode).toBe(4);
    expect(refused.stderr).toMatch(oneLine);
    expect(refused.stderr).toContain('its target ARN is in account 111122223333 but its accountId says 444455556666');
    expect(livePolicy(keyArn)).toBe(before);
  });

  it('refuses a backup file others could have written (0644): one line, exit 2', async () => {
    const { keyArn, backupPath, backupDir } = await fixedScenario();
    chmodSync(backupPath, 0o644);
    const before = livePolicy(keyArn);
    const refused = await runKmsDoctor(rollbackArgs(backupPath, backupDir), cliEnv(sandbox!), bounded);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(oneLine);
    expect(refused.stderr).toContain('mode 0644');
    expect(livePolicy(keyArn)).toBe(before);
  });
});

describe('a backup directory others can write to', () => {
  it('fix and rollback refuse a 0777 directory, /tmp itself and a symlinked directory: one line, exit 2, nothing written', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const base = newDir('kms-doctor-backup-dirs-');
    const open = join(base, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const real = join(base, 'real');
    mkdirSync(real, { mode: 0o700 });
    const linked = join(base, 'linked');
    symlinkSync(real, linked);
    const backup = writeKeyPolicyBackup(newDir('kms-doctor-backups-'), Object.values(sandbox.world.state.keys)[0]!.arn);
    const revision = sandbox.world.state.revision;
    for (const dir of [open, '/tmp', linked]) {
      const fix = await runKmsDoctor(['fix', '--yes', '--backup-dir', dir, ...scenarioArgs(sandbox, 'no-iam-delegation')], cliEnv(sandbox), bounded);
      expect(fix.exitCode, dir).toBe(2);
      expect(fix.stderr, dir).toMatch(oneLine);
      expect(fix.stderr, dir).toMatch(/cannot hold backups: it is (writable by every user|a symbolic link)/);
      const rollback = await runKmsDoctor(['rollback', backup, '--profile', 'admin', '--endpoint-url', sandbox.endpoint, '--backup-dir', dir], cliEnv(sandbox), bounded);
      expect(rollback.exitCode, dir).toBe(2);
      expect(rollback.stderr, dir).toMatch(oneLine);
      expect(rollback.stderr, dir).toMatch(/^kms-doctor: --backup-dir \S+ cannot hold backups: /);
    }
    expect(sandbox.world.state.revision).toBe(revision);
  });
});
