// principal-recreated (issue 8) as a user meets it: ReportRole was deleted and created again, and the key
// policy still names the old role's unique ID. With the real aws CLI against the sandbox: the Decrypt
// fails; `check --json` names the cause with the statement, the stale ID and the role's ID today; `fix
// --yes` replaces the ID by the role's ARN in that statement only (nothing else in the policy changes,
// nothing newly allowed beyond the request); the same call then succeeds and AuditRole stays refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from '../helpers/aws-cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, scenarioArgs } from '../helpers/scenario-principals.js';
import { cliIdentity, runTrainingCall } from '../helpers/training-call.js';

const staleId = 'AROAZB3EXAMPLE7OLDID1';

describe('recreated-role: a key policy naming the unique ID of a deleted role', () => {
  let sandbox: TestSandbox;
  let backupDir: string;
  beforeAll(async () => {
    sandbox = await startTestSandbox('recreated-role');
    backupDir = mkdtempSync(join(tmpdir(), 'kms-doctor-backups-'));
  });
  afterAll(async () => {
    await sandbox?.stop();
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('check names the stale ID and the statement; fix --yes names the ARN in that statement only; the call succeeds, AuditRole stays refused', async () => {
    const state = sandbox.world.state;
    const t = state.training!;
    const role = state.accounts['111122223333']!.roles['ReportRole']!;
    const keyArn = Object.keys(state.keys)[0]!;
    const reportRole = await cliIdentity(sandbox, state, t.principal);
    expect((await runTrainingCall(sandbox, t.call, reportRole)).stderr).toContain('An error occurred (AccessDeniedException)');

    const args = scenarioArgs(sandbox, 'recreated-role');
    const checked = await runKmsDoctor(['check', '--json', ...args], cliEnv(sandbox));
    expect(checked.exitCode).toBe(1);
    const json = JSON.parse(checked.stdout);
    // One cause: the key policy's stale ID. IAM is not needed in the key's own account, so it is no cause.
    expect(json.causes.map((c: { code: string }) => c.code)).toEqual(['principal-recreated']);
    const [cause] = json.causes;
    expect(cause.layer).toBe('key-policy');
    expect(cause.evidence).toContainEqual(expect.objectContaining({ statement: expect.objectContaining({ statementId: 'ReportRoleDecrypts' }) }));
    expect(JSON.stringify(cause.evidence)).toContain(staleId);
    expect(cause.evidence).toContainEqual(expect.objectContaining({ what: "ReportRole's unique ID today", value: role.id }));
    expect(role.id).not.toBe(staleId);

    // One fix, on the key policy, that lets in nothing beyond the request: the statement grants the role
    // what it granted before the role was deleted, and nobody else.
    expect(json.fixes).toHaveLength(1);
    const [fix] = json.fixes;
    expect(fix.target).toMatchObject({ type: 'key-policy', arn: keyArn });
    expect(fix.newlyAllows).toEqual([]);
    expect(fix.diff).toMatch(new RegExp(`^- +"AWS": "${staleId}"`, 'm'));
    expect(fix.diff).toMatch(/^\+ +"AWS": "arn:aws:iam::111122223333:role\/ReportRole"/m);

    const before = JSON.parse(state.keys[keyArn]!.policy);
    const applied = await runKmsDoctor(['fix', '--yes', '--json', '--backup-dir', backupDir, ...args], cliEnv(sandbox));
    expect(applied.exitCode).toBe(0);
    expect(JSON.parse(applied.stdout).apply.outcome).toBe('applied');

    // Only the principal of that statement changed.
    const after = JSON.parse((await aws(sandbox, ['kms', 'get-key-policy', '--key-id', keyArn, '--policy-name', 'default'], { profile: 'admin' })).json.Policy);
    expect(after.Statement).toEqual(
      before.Statement.map((s: { Sid: string; Principal: unknown }) => (s.Sid === 'ReportRoleDecrypts' ? { ...s, Principal: { AWS: role.arn } } : s)),
    );

    const decrypted = await runTrainingCall(sandbox, t.call, reportRole);
    expect(decrypted.stderr).toBe('');
    expect(decrypted.exitCode).toBe(0);
    const auditRole = await cliIdentity(sandbox, state, t.unrelatedPrincipal!);
    expect((await runTrainingCall(sandbox, t.call, auditRole)).stderr).toContain('An error occurred (AccessDeniedException)');
  }, 180_000);
});
