// Every aws command `check` and `fix` print runs exactly as printed, in the account it must, from a
// directory where nothing else says which profile, Region or endpoint to use: the sandbox's profile
// files have no default profile, and no AWS_* variable but the two file paths is set. The commands go
// through a shell to the real aws CLI (/usr/bin/aws 2.9, which ignores endpoint_url in profiles).
import { noFixWrites, whyNothingToApply } from '../helpers/fix-kinds.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, scenarioArgs, scenarioOperations } from '../helpers/scenario-principals.js';
import { cliIdentity, runTrainingCall } from '../helpers/training-call.js';

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

/** Runs one printed command with bash, as a user pasting it: only PATH, HOME and the two profile files. */
function runAsPrinted(target: TestSandbox, command: string, cwd: string, home: string): Promise<{ code: number; stderr: string }> {
  const env = { PATH: '/usr/bin:/bin', HOME: home, AWS_CONFIG_FILE: target.configFile, AWS_SHARED_CREDENTIALS_FILE: target.credentialsFile, AWS_PAGER: '' };
  return new Promise((resolve) =>
    execFile('bash', ['-c', command], { cwd, env, timeout: 60_000 }, (error, _stdout, stderr) => resolve({ code: error ? 1 : 0, stderr })),
  );
}

async function kmsDoctor(target: TestSandbox, args: readonly string[]) {
  const result = await runKmsDoctor(args, cliEnv(target));
  return { ...result, json: args.includes('--json') ? JSON.parse(result.stdout) : undefined };
}

describe('printed aws commands run as printed', () => {
  for (const scenario of Object.keys(scenarioOperations)) {
    it(`${scenario}: fix's restore commands undo it, check's fix commands redo it`, async (ctx) => {
      sandbox = await startTestSandbox(scenario);
      const args = scenarioArgs(sandbox, scenario);
      const home = tempDir('kms-doctor-home-');
      const elsewhere = tempDir('kms-doctor-cwd-');
      const diagnosed = await kmsDoctor(sandbox, ['check', '--json', ...args]);
      if (noFixWrites(diagnosed.json.fixes)) ctx.skip(whyNothingToApply(sandbox.world.state.training?.expectedCause, diagnosed.json.fixes));

      // 1. fix applies; the restore commands it prints put every target back.
      const fixed = await kmsDoctor(sandbox, ['fix', '--yes', '--json', '--backup-dir', tempDir('kms-doctor-backups-'), ...args]);
      expect(fixed.json.apply.outcome).toBe('applied');
      const planCommands: string[] = fixed.json.plan.steps.map((step: { command: string }) => step.command);
      const restores: string[] = fixed.json.apply.steps.map((step: { restoreCommand: string }) => step.restoreCommand).reverse();
      expect(restores.length).toBeGreaterThan(0);
      for (const command of restores) {
        const ran = await runAsPrinted(sandbox, command, elsewhere, home);
        expect(ran.stderr, command).toBe('');
        expect(ran.code, command).toBe(0);
      }
      const undone = await kmsDoctor(sandbox, ['check', '--json', ...args]);
      expect(undone.json.verdict).toBe('denied');
      // A key policy naming a deleted principal's unique ID is refused by PutKeyPolicy (MalformedPolicy-
      // DocumentException), so its backup restores the same policy without the orphaned ID, and says so.
      // That restore must refuse what the old policy refused: the call fails again, as before the fix.
      const notes: string[] = fixed.json.apply.steps.flatMap((step: { restoreNote?: string }) => (step.restoreNote !== undefined ? [step.restoreNote] : []));
      if (scenario === 'recreated-role') expect(notes.join(' ')).toMatch(/unique ID.*MalformedPolicyDocumentException.*allows and denies exactly what the previous policy did/);
      if (notes.length > 0) {
        const t = sandbox.world.state.training!;
        const refused = await runTrainingCall(sandbox, t.call, await cliIdentity(sandbox, sandbox.world.state, t.principal));
        expect(refused.stderr).toContain(`An error occurred (${t.expectedError})`);
      }

      // 2. check's fix commands, run from the directory --fix-files wrote, fix it again.
      const fixFiles = tempDir('kms-doctor-fix-files-');
      const human = await kmsDoctor(sandbox, ['check', ...args]);
      const denied = await kmsDoctor(sandbox, ['check', '--json', '--fix-files', fixFiles, ...args]);
      const commands: string[] = denied.json.fixes.flatMap((fix: { commands: string[] }) => fix.commands);
      expect(commands.length).toBeGreaterThan(0);
      // The plan fix showed is made of the same commands, and the human report prints them as in the JSON.
      for (const command of planCommands) expect(commands).toContain(command);
      for (const command of commands) expect(human.stdout).toContain(`    ${command}\n`);
      for (const command of commands) {
        const ran = await runAsPrinted(sandbox, command, fixFiles, home);
        expect(ran.stderr, command).toBe('');
        expect(ran.code, command).toBe(0);
      }
      const after = await kmsDoctor(sandbox, ['check', '--json', ...args]);
      expect(after.json.verdict).toBe('allowed');
    });
  }
});
