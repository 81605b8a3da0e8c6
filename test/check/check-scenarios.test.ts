// The whole loop on every built-in root-cause scenario, as a user runs it: the real CLI process, the real
// SDK over HTTP to the sandbox, the real aws CLI. This is the one file that runs every scenario through
// check and fix; other files test their own concern on one or two scenarios (see test/README.md).
//
// 1. The failing call fails with AWS's error; `check` names the cause, and its human report prints the
//    same commands as its JSON.
// 2. `fix --yes` applies, proves its fix and backs up every write (owner-only files, no secret anywhere);
//    the failing call then succeeds and the unrelated principal stays denied.
// 3. The restore commands fix printed, run exactly as printed from another directory, undo it: check
//    gives its first verdict again.
// 4. check's fix commands, run exactly as printed from the directory --fix-files wrote, fix it again: the
//    call (changed as a fix says, when it changes the call) succeeds, the unrelated principal stays
//    denied, and check says "allowed".
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrainingCall } from '../../src/sandbox/state.js';
import { noFixWrites, whyNothingToApply } from '../helpers/fix-kinds.js';
import { runAsPrinted } from '../helpers/printed-command.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, scenarioArgs, scenarioOperations } from '../helpers/scenario-principals.js';
import { cliIdentity, runTrainingCall, type CliIdentity } from '../helpers/training-call.js';

let sandbox: TestSandbox | undefined;
const workDirs: string[] = [];
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
  for (const dir of workDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  workDirs.push(dir);
  return dir;
}

interface JsonFix {
  readonly target: { arn: string };
  readonly files: { path: string; content: string }[];
  readonly commands: string[];
  readonly explanation: string;
  readonly blockedBy?: unknown;
  readonly requestChange?: { encryptionContext?: Record<string, string>; viaService?: string; grantTokensFor?: string[] };
}

async function check(target: TestSandbox, args: readonly string[], extra: readonly string[] = []) {
  const result = await runKmsDoctor(['check', '--json', ...args, ...extra], cliEnv(target));
  expect(result.stderr).toBe('');
  return { exitCode: result.exitCode, json: JSON.parse(result.stdout) };
}

/** check about a changed call: a later --encryption-context replaces the scenario's. */
function contextFlag(call: TrainingCall): string[] {
  return call.encryptionContext ? ['--encryption-context', JSON.stringify(call.encryptionContext)] : [];
}

function secretsOf(target: TestSandbox): string[] {
  return Object.values(target.world.state.credentials).flatMap((c) => (c.kind === 'session' ? [c.secretAccessKey, c.sessionToken] : [c.secretAccessKey]));
}

/** The call succeeds for the principal in trouble and stays refused for the unrelated one. */
async function expectOnlyThePrincipalIn(target: TestSandbox, call: TrainingCall, inTrouble: CliIdentity, unrelated: CliIdentity, grantTokens: readonly string[] = []) {
  // The unrelated principal passes the same tokens: a grant for someone else must not let it in.
  const [allowed, refused] = await Promise.all([runTrainingCall(target, call, inTrouble, grantTokens), runTrainingCall(target, call, unrelated, grantTokens)]);
  expect(allowed.stderr).toBe('');
  expect(allowed.exitCode).toBe(0);
  expect(refused.stderr).toContain('An error occurred (AccessDeniedException)');
}

describe('check and fix on the built-in scenarios, with the aws CLI', () => {
  for (const scenario of Object.keys(scenarioOperations)) {
    it(`${scenario}: check names the cause; fix and check's printed commands each make the call succeed, fix's restore commands undo it`, async (ctx) => {
      sandbox = await startTestSandbox(scenario);
      const t = sandbox.world.state.training!;
      const args = scenarioArgs(sandbox, scenario);
      // The grants the scenario starts with (a fix may add more).
      const scenarioGrants = Object.values(sandbox.world.state.keys).flatMap((k) => k.grants.map((g) => g.grantId));
      const fixFiles = tempDir('kms-doctor-fix-files-');
      const home = tempDir('kms-doctor-home-');

      // Reads only: the two reports and the two principals' credentials, at once.
      const [before, human, inTrouble, unrelated] = await Promise.all([
        check(sandbox, args, ['--fix-files', fixFiles]),
        runKmsDoctor(['check', ...args], cliEnv(sandbox)),
        cliIdentity(sandbox, sandbox.world.state, t.principal),
        cliIdentity(sandbox, sandbox.world.state, t.unrelatedPrincipal!),
      ]);
      // A cause that depends on a value kms-doctor cannot read (condition-unknown), or in a layer it cannot
      // read and infers from AWS's error (a session or VPC endpoint policy), is never a certain denial.
      const undetermined = ['condition-unknown', 'session-policy', 'vpc-endpoint-policy'].includes(t.expectedCause ?? '');
      expect(before.json.verdict).toBe(undetermined ? 'unknown' : 'denied');
      expect(before.exitCode).toBe(undetermined ? 3 : 1);
      expect(before.json.causes.map((c: { code: string }) => c.code)).toContain(t.expectedCause);
      const fixes: JsonFix[] = before.json.fixes;
      expect(fixes.length).toBeGreaterThan(0);
      const commands = fixes.flatMap((fix) => fix.commands);
      // Each is an aws CLI command, and the human report prints it as in the JSON.
      for (const command of commands) {
        expect(command.startsWith('aws ')).toBe(true);
        expect(human.stdout).toContain(`    ${command}\n`);
      }

      const denied = await runTrainingCall(sandbox, t.call, inTrouble);
      expect(denied.stderr).toContain(`An error occurred (${t.expectedError})`);

      // 2. fix. A cause whose fix is guidance (wait, another Region, an SCP only the organization can
      // change…) or a change to the call: fix says so, exits 3 and writes nothing.
      const revision = sandbox.world.state.revision;
      const backupDir = tempDir('kms-doctor-backups-');
      const fixed = await runKmsDoctor(['fix', '--yes', '--json', '--backup-dir', backupDir, ...args], cliEnv(sandbox));
      const fixJson = JSON.parse(fixed.stdout);
      expect(fixJson.diagnosis.causes.map((c: { code: string }) => c.code)).toContain(t.expectedCause);
      const writes = !noFixWrites(fixJson.diagnosis.fixes);
      if (!writes) {
        expect(fixed.exitCode).toBe(3);
        expect(sandbox.world.state.revision).toBe(revision);
        // Guidance (no command, no change to the call) must say what to do; there is nothing to run.
        const guidance = fixes.filter((fix) => fix.blockedBy !== undefined || (fix.commands.length === 0 && fix.requestChange === undefined));
        if (guidance.length === fixes.length) {
          for (const fix of guidance) expect(fix.explanation.length).toBeGreaterThan(20);
          ctx.skip(whyNothingToApply(t.expectedCause, fixes));
        }
      } else {
        expect(fixed.stderr).toBe('');
        expect(fixJson.apply.outcome).toBe('applied');
        expect(fixJson.verification.outcome).toBe('verified');
        expect(fixed.exitCode).toBe(0);
        // Every document or state written has its backup, readable only by its owner.
        for (const step of fixJson.apply.steps) {
          expect(step.status).toBe('applied');
          expect(existsSync(step.backupPath), step.backupPath).toBe(true);
          expect(statSync(step.backupPath).mode & 0o777).toBe(0o600);
        }
        // The plan fix applied is made of the commands check printed.
        for (const step of fixJson.plan.steps as { command: string }[]) expect(commands).toContain(step.command);
        await expectOnlyThePrincipalIn(sandbox, t.call, inTrouble, unrelated);
        const written = [fixed.stdout, fixed.stderr, ...readdirSync(backupDir).map((f) => readFileSync(join(backupDir, f), 'utf8'))].join('\n');
        for (const secret of secretsOf(sandbox)) expect(written).not.toContain(secret);

        // 3. The restore commands fix printed, last step first, put every target back.
        const restores: string[] = fixJson.apply.steps.map((step: { restoreCommand: string }) => step.restoreCommand).reverse();
        expect(restores.length).toBeGreaterThan(0);
        const elsewhere = tempDir('kms-doctor-cwd-');
        for (const command of restores) {
          const ran = await runAsPrinted(sandbox, command, elsewhere, home);
          expect(ran.stderr, command).toBe('');
          expect(ran.code, command).toBe(0);
        }
        expect((await check(sandbox, args)).json.verdict).toBe(before.json.verdict);
        // A key policy naming a deleted principal's unique ID is refused by PutKeyPolicy (MalformedPolicy-
        // DocumentException), so its backup restores the same policy without the orphaned ID, and says so.
        // That restore must refuse what the old policy refused: the call fails again, as before the fix.
        const notes: string[] = fixJson.apply.steps.flatMap((step: { restoreNote?: string }) => (step.restoreNote !== undefined ? [step.restoreNote] : []));
        if (scenario === 'recreated-role') expect(notes.join(' ')).toMatch(/unique ID.*MalformedPolicyDocumentException.*allows and denies exactly what the previous policy did/);
        if (notes.length > 0) expect((await runTrainingCall(sandbox, t.call, inTrouble)).stderr).toContain(`An error occurred (${t.expectedError})`);
      }

      // 4. check's fixes: the commands as printed, from the directory --fix-files wrote; a change to the
      // call (send the context a grant allows, call through the service) by making the changed call.
      let call = t.call;
      const grantTokensFor: string[] = [];
      for (const fix of fixes) {
        expect(fix.blockedBy).toBeUndefined();
        for (const file of fix.files) expect(readFileSync(join(fixFiles, file.path), 'utf8')).toBe(file.content);
        for (const command of fix.commands) {
          const ran = await runAsPrinted(sandbox, command, fixFiles, home);
          expect(ran.stderr, command).toBe('');
          expect(ran.code, command).toBe(0);
        }
        const change = fix.requestChange;
        if (change) call = { ...call, ...(change.encryptionContext ? { encryptionContext: change.encryptionContext } : {}), ...(change.viaService ? { viaService: change.viaService } : {}) };
        grantTokensFor.push(...(change?.grantTokensFor ?? []));
      }
      // The grant tokens the call passes are those CreateGrant returned, which the grants' creator kept.
      const grantTokens = grantTokensFor.map((id) => Object.values(sandbox!.world.state.keys).flatMap((k) => k.grants).find((g) => g.grantId === id)!.grantToken);
      // check is asked about the changed call. A change to call through a service is a different
      // operation (the service's), which the live call proves. A call passing a grant's token is a new
      // call: the error the old one got (--error) no longer applies.
      const changedArgs = grantTokensFor.length > 0 && args.includes('--error') ? args.filter((_, i) => args[i] !== '--error' && args[i - 1] !== '--error') : args;
      const tokenFlags = grantTokensFor.flatMap((id) => ['--grant-token-for', id]);
      const throughService = call.viaService !== undefined && t.call.viaService === undefined;
      const [after] = await Promise.all([
        throughService ? undefined : check(sandbox, changedArgs, [...contextFlag(call), ...tokenFlags]),
        expectOnlyThePrincipalIn(sandbox, call, inTrouble, unrelated, grantTokens),
      ]);
      if (!after) return;
      // A grant the scenario created seconds ago allows the call: until it is five minutes old it counts
      // only for a call that passes its token (the sandbox plays that for new-grant-deploy's grant), so
      // the changed call without the token is not known to be allowed, and with it declared it is.
      if (scenarioGrants.length > 0 && grantTokensFor.length === 0 && after.json.verdict === 'unknown') {
        expect(after.exitCode).toBe(3);
        const [recent] = after.json.causes.filter((c: { code: string }) => c.code === 'grant-recently-created');
        expect(scenarioGrants).toContain(recent.recentGrant.grantId);
        const declared = await check(sandbox, changedArgs, [...contextFlag(call), '--grant-token-for', recent.recentGrant.grantId]);
        expect(declared.json.verdict).toBe('allowed');
        expect(declared.exitCode).toBe(0);
        return;
      }
      expect(after.json.verdict).toBe('allowed');
      expect(after.exitCode).toBe(0);
    });
  }
});
