// The training scenarios of the fix families (issue 8): the whole loop as a user runs it, with the real
// CLI and the real aws CLI against the sandbox. The denied call fails; check names the cause; the fix
// (here: the request the Deny lets through, nothing written) makes the same call succeed; the unrelated
// principal and the outsider probes stay denied. The policy-writing scenarios of this family
// (boundary-leaves-out-kms, cross-account-caller-side) also run the whole loop in check-scenarios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, principalOf, scenarioArgs } from '../helpers/scenario-principals.js';
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

describe('finance-export-context: a Deny that guards an encryption context', () => {
  it('is fixed by sending the context it requires; no policy changes, and every other context stays refused', async () => {
    sandbox = await startTestSandbox('finance-export-context');
    const t = sandbox.world.state.training!;
    const role = principalOf(sandbox.world.state, t.principal);
    const args = (context: Record<string, string>) => [
      '--key', t.call.key, '--operation', t.call.operation, '--principal', role.arn,
      '--profile', 'admin', '--endpoint-url', sandbox!.endpoint, '--encryption-context', JSON.stringify(context),
    ];
    const exportRole = await cliIdentity(sandbox, sandbox.world.state, t.principal);
    expect((await runTrainingCall(sandbox, t.call, exportRole)).stderr).toContain(`An error occurred (${t.expectedError})`);

    const before = await check(sandbox, args(t.call.encryptionContext!));
    expect(before.exitCode).toBe(1);
    expect(before.json.causes[0]).toMatchObject({ code: t.expectedCause, deniedBy: { layer: 'key-policy', statementId: 'OnlyForFinanceData' } });
    const [fix] = before.json.fixes;
    expect(fix.requestChange).toEqual({ encryptionContext: { department: 'finance' } });
    expect(fix.commands).toEqual([]);
    expect(fix.newlyAllows).toEqual([]);
    // The policy changes are offered only as alternatives, each with what it would let in.
    for (const alternative of fix.alternatives) expect(alternative.newlyAllows.length, alternative.title).toBeGreaterThan(0);

    // `fix` writes nothing and says what to change in the call.
    const backupDir = mkdtempSync(join(tmpdir(), 'kms-doctor-backups-'));
    const fixRun = await runKmsDoctor(['fix', '--yes', '--json', '--backup-dir', backupDir, ...args(t.call.encryptionContext!)], cliEnv(sandbox));
    rmSync(backupDir, { recursive: true, force: true });
    expect(fixRun.stderr).toMatch(/change the call, not a policy: send the encryption context .*department=finance/);
    expect(fixRun.exitCode).toBe(3);
    expect(JSON.parse(fixRun.stdout).plan.steps).toEqual([]);

    // The same call, with the fix's request change: it succeeds.
    const fixedCall = { ...t.call, encryptionContext: { ...t.call.encryptionContext, ...fix.requestChange.encryptionContext } };
    const allowed = await runTrainingCall(sandbox, fixedCall, exportRole);
    expect(allowed.stderr).toBe('');
    expect(allowed.exitCode).toBe(0);
    expect((await check(sandbox, args(fixedCall.encryptionContext))).json.verdict).toBe('allowed');

    // Outsider probes: the unrelated principal, and ExportRole with another context, stay refused.
    const unrelated = await cliIdentity(sandbox, sandbox.world.state, t.unrelatedPrincipal!);
    expect((await runTrainingCall(sandbox, t.call, unrelated)).stderr).toContain('An error occurred (AccessDeniedException)');
    expect((await runTrainingCall(sandbox, { ...t.call, encryptionContext: { department: 'marketing' } }, exportRole)).stderr).toContain('An error occurred (AccessDeniedException)');
  }, 240_000);

  it('applies the exception for ExportRole only when asked (fix --alternative 1) and its blast radius is acknowledged', async () => {
    sandbox = await startTestSandbox('finance-export-context');
    const t = sandbox.world.state.training!;
    const role = principalOf(sandbox.world.state, t.principal);
    const backupDir = mkdtempSync(join(tmpdir(), 'kms-doctor-backups-'));
    const args = ['--key', t.call.key, '--operation', t.call.operation, '--principal', role.arn, '--profile', 'admin', '--endpoint-url', sandbox.endpoint, '--encryption-context', JSON.stringify(t.call.encryptionContext), '--backup-dir', backupDir];
    try {
      // The exception and the narrowed Deny are alternatives 1 and 2; there is no third.
      const missing = await runKmsDoctor(['fix', '--yes', '--alternative', '3', ...args], cliEnv(sandbox));
      expect(missing.stderr).toMatch(/^kms-doctor: --alternative 3: no proposed fix has an alternative 3/);
      expect(missing.exitCode).toBe(2);
      const unacknowledged = await runKmsDoctor(['fix', '--yes', '--alternative', '1', '--json', ...args], cliEnv(sandbox));
      expect(unacknowledged.exitCode).toBe(1);
      expect(unacknowledged.stderr).toMatch(/--accept-blast-radius/);
      const json = JSON.parse(unacknowledged.stdout);
      expect(json.blastRadius.map((n: { probe: string }) => n.probe)).toContain('other-encryption-context');

      const applied = await runKmsDoctor(['fix', '--yes', '--alternative', '1', '--accept-blast-radius', '--json', ...args], cliEnv(sandbox));
      expect(JSON.parse(applied.stdout).apply.outcome).toBe('applied');
      const exportRole = await cliIdentity(sandbox, sandbox.world.state, t.principal);
      expect((await runTrainingCall(sandbox, t.call, exportRole)).stderr).toBe('');
      // Only ExportRole is excepted: MarketingRole is still refused with the same context.
      const unrelated = await cliIdentity(sandbox, sandbox.world.state, t.unrelatedPrincipal!);
      expect((await runTrainingCall(sandbox, t.call, unrelated)).stderr).toContain('An error occurred (AccessDeniedException)');

    } finally {
      rmSync(backupDir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('the policy-writing scenarios of the family: minimal fixes with no blast radius', () => {
  for (const scenario of ['boundary-leaves-out-kms', 'cross-account-caller-side']) {
    it(`${scenario}: one fix, on the side that is missing, newly allowing nothing else`, async () => {
      sandbox = await startTestSandbox(scenario);
      const { json } = await check(sandbox, scenarioArgs(sandbox, scenario));
      expect(json.causes[0].code).toBe(sandbox.world.state.training!.expectedCause);
      expect(json.fixes).toHaveLength(1);
      expect(json.fixes[0].newlyAllows).toEqual([]);
      expect(json.fixes[0].target.type).toBe('identity-policy');
    }, 120_000);
  }
});
