// Each command is argv → options → run → report: the options and the reports are pure, so they are
// tested here in-process (the CLI tests run the whole command against the sandbox).
import { describe, expect, it } from 'vitest';
import { parseCheckArgs } from '../../src/commands/check-args.js';
import { parseFixArgs } from '../../src/commands/fix-args.js';
import { outcomeText, progressLine } from '../../src/commands/plan-report.js';
import { exitCodeFor, fixExitCodes } from '../../src/commands/fix-report.js';
import { parsePreventArgs } from '../../src/commands/prevent-command.js';
import { parseRollbackArgs, rollbackReport } from '../../src/commands/rollback-command.js';
import { stoppedReport } from '../../src/commands/stopped-report.js';
import { requestOptionsOfAnswers } from '../../src/commands/wizard-answers.js';
import { parseWizardFlags, wizardOptionsOf } from '../../src/commands/wizard-command.js';
import { DiagnosisStopped } from '../../src/live/run-diagnosis.js';
import { UsageError } from '../../src/usage-error.js';
import { keyRef, principalRef } from '../helpers/parsed-input.js';

const role = 'arn:aws:iam::111122223333:role/AppRole';
const noStdin = async () => {
  throw new Error('stdin is not read without --error -');
};

describe('argv → options', () => {
  it('check: the request and the connection, from the flags', async () => {
    const options = await parseCheckArgs(['--key', 'alias/orders-data', '--operation', 'Decrypt', '--principal', role, '--profile', 'admin', '--region', 'eu-west-1'], noStdin);
    expect(options).toMatchObject({ key: keyRef('alias/orders-data'), principal: principalRef(role), profile: 'admin', region: 'eu-west-1', json: false });
    expect(options !== 'help' && options.operation.name).toBe('Decrypt');
    expect(await parseCheckArgs(['--help'], noStdin)).toBe('help');
  });

  it('check: a wrong flag is a one-line usage error', async () => {
    await expect(parseCheckArgs(['--key', 'my key', '--operation', 'Decrypt'], noStdin)).rejects.toThrow(UsageError);
    await expect(parseCheckArgs(['--key', 'alias/orders-data'], noStdin)).rejects.toThrow(/--operation is required/);
    await expect(parseCheckArgs(['--key', 'alias/orders-data', '--operation', 'Decrypt', '--principal', 'AppRole'], noStdin)).rejects.toThrow(/is not an IAM user, role or role session ARN/);
  });

  it('check --grant-token-for: the grants whose token the call passes, by grant ID; a token or a bad ID is a one-line usage error', async () => {
    const grantId = 'a'.repeat(64);
    const options = await parseCheckArgs(['--key', 'alias/orders-data', '--operation', 'Decrypt', '--grant-token-for', grantId, '--grant-token-for', 'b1', '--grant-token-for', grantId], noStdin);
    expect(options !== 'help' && options.grantTokensFor).toEqual([grantId, 'b1']);
    const token = 'AQpAM2RhZTk1MGMyNTk2ZmZmMzEyYWVhOWViN2I1MWM4Mzc0MWFiYjc0ZDE1ODkyNGFlNTIzODZhMzgyZjBlNGY3NiKIAgEBAgB4Pa6VDCWW/'.repeat(2);
    await expect(parseCheckArgs(['--key', 'alias/orders-data', '--operation', 'Decrypt', '--grant-token-for', token], noStdin)).rejects.toThrow(/^--grant-token-for takes the grant ID \(GrantId, as aws kms list-grants shows it\), not the grant token itself$/);
    await expect(parseCheckArgs(['--key', 'alias/orders-data', '--operation', 'Decrypt', '--grant-token-for', 'not an id'], noStdin)).rejects.toThrow(/^--grant-token-for 'not an id' is not a grant ID/);
    await expect(parseCheckArgs(['--key', 'alias/orders-data', '--operation', 'Decrypt', '--grant-token-for'], noStdin)).rejects.toThrow(UsageError);
  });

  it("fix: check's options, and how to apply", async () => {
    const options = await parseFixArgs(['--key', 'alias/orders-data', '--operation', 'Decrypt', '--yes', '--accept-blast-radius', '--alternative', '2'], noStdin);
    expect(options).toMatchObject({ key: keyRef('alias/orders-data'), yes: true, dryRun: false, acceptBlastRadius: true, alternative: 2 });
    await expect(parseFixArgs(['--key', 'alias/orders-data', '--operation', 'Decrypt', '--yes', '--dry-run'], noStdin)).rejects.toThrow(/contradict/);
    await expect(parseFixArgs(['--key', 'alias/orders-data', '--operation', 'Decrypt', '--accept-blast-radius'], noStdin)).rejects.toThrow(/goes with --yes/);
  });

  it('prevent: the key, the operation (Decrypt by default) and the log group', () => {
    expect(parsePreventArgs(['--key', 'alias/orders-data', '--log-group', 'trail/logs'])).toMatchObject({ key: keyRef('alias/orders-data'), operation: 'Decrypt', logGroup: 'trail/logs' });
    expect(() => parsePreventArgs(['--key', 'alias/orders-data', '--log-group', 'no spaces'])).toThrow(/not a CloudWatch Logs log group name/);
  });

  it('rollback: one backup file, and how to restore it', () => {
    expect(parseRollbackArgs(['/tmp/b.json', '--force', '--profile', 'admin'])).toEqual({ backupFile: '/tmp/b.json', force: true, json: false, profile: 'admin' });
    expect(() => parseRollbackArgs(['/tmp/a.json', '/tmp/b.json'])).toThrow(/exactly one BACKUP_FILE/);
    expect(parseRollbackArgs(['-h'])).toBe('help');
  });

  it("the wizard: its answers parse as check's flags, with its --context values", () => {
    const options = requestOptionsOfAnswers({ mode: 'operation', operation: 'Decrypt', key: 'alias/orders-data', principal: '', encryptionContext: '{"app":"orders"}' }, ['aws:SourceIp=10.0.0.1']);
    expect(options).toMatchObject({ key: keyRef('alias/orders-data'), encryptionContext: { app: 'orders' }, givenContext: { 'aws:SourceIp': '10.0.0.1' } });
    // An empty principal is the caller, not a principal named ''.
    expect(options.principal).toBeUndefined();
    expect(() => requestOptionsOfAnswers({ operation: 'Decrypt', key: 'alias/orders-data', encryptionContext: 'not json' }, [])).toThrow(UsageError);
  });

  it('the wizard: its flags become start answers, and a flag only check takes is refused before any screen', () => {
    const options = wizardOptionsOf(parseWizardFlags(['--key', 'alias/orders-data', '--operation', 'Decrypt', '--principal', role, '--context', 'aws:SourceIp=10.0.0.1', '--profile', 'admin']));
    expect(options).toMatchObject({ answers: { key: 'alias/orders-data', operation: 'Decrypt', principal: role }, givenContext: ['aws:SourceIp=10.0.0.1'], connection: { profile: 'admin' } });
    expect(() => wizardOptionsOf(parseWizardFlags(['--json']))).toThrow(/--json is for kms-doctor check and fix/);
    expect(() => wizardOptionsOf(parseWizardFlags(['--error', '-']))).toThrow(/stdin, which the wizard needs for its keys/);
    expect(() => wizardOptionsOf(parseWizardFlags(['--key', 'not a key']))).toThrow(UsageError);
    expect(() => wizardOptionsOf(parseWizardFlags(['--context', 'no-equals-sign']))).toThrow(UsageError);
    expect(() => wizardOptionsOf(parseWizardFlags(['--transcript', process.cwd()]))).toThrow(/something is there already/);
  });
});

describe('run → report', () => {
  it('fix: a restore that writes an equivalent of the old value says so beside its command, in progress and outcome', () => {
    const note = 'the previous policy named a deleted principal by its unique ID, which KMS refuses';
    const backedUp = progressLine({ type: 'backed-up', stepId: 1, backupPath: '/b/1.json', restoreCommand: 'aws kms put-key-policy …', restoreTarget: 'arn:aws:kms:us-east-1:111122223333:key/k', restoreNote: note });
    expect(backedUp).toBe(`step 1: backed up to /b/1.json (restore: aws kms put-key-policy …)\n  restore note: ${note}`);
    const report = { outcome: 'applied', message: 'Applied.', rolledBack: [], manualRollback: [], steps: [{ id: 1, status: 'applied', backupPath: '/b/1.json', restoreCommand: 'aws kms put-key-policy …', restoreNote: note }] } as never;
    const plain = { bold: (t: string) => t, dim: (t: string) => t, red: (t: string) => t, green: (t: string) => t, yellow: (t: string) => t } as never;
    expect(outcomeText(report, undefined, plain)).toContain(`  restore note: ${note}`);
  });

  it('a stopped diagnosis: input problems exit 2, everything else 3, in one line', () => {
    expect(stoppedReport(new DiagnosisStopped('identify', 'no credentials found', 'credentials'))).toEqual({ message: 'no credentials found', exitCode: 2 });
    expect(stoppedReport(new DiagnosisStopped('keyPolicy', 'endpoint unreachable', 'network'))).toEqual({ message: 'could not finish the diagnosis (keyPolicy): endpoint unreachable', exitCode: 3 });
  });

  it('rollback: the diff of an untrusted backup first; a refusal is one line and exit 4; escape sequences are shown, not obeyed', () => {
    const target = { target: { type: 'key-policy', arn: 'arn:aws:kms:us-east-1:111122223333:key/k', accountId: '111122223333' } } as never;
    const refused = rollbackReport(target, { outcome: 'stale', message: 'the key policy changed since', diff: '-old\n+new' }, [], false);
    expect(refused).toEqual({ stdout: '-old\n+new\n', refusal: 'not restored (stale): the key policy changed since', exitCode: 4 });
    const restored = rollbackReport(target, { outcome: 'restored-pending', message: 'put back \u001b[31mred', backupPath: '/b/1.json' }, ['its digest does not match'], false);
    expect(restored.exitCode).toBe(5);
    expect(restored.stdout).toBe(
      'restored-pending: put back \\x1b[31mred\n' +
        'the value replaced was backed up to /b/1.json (undo: kms-doctor rollback /b/1.json)\n' +
        'restored with --force although: its digest does not match\n',
    );
    const json = rollbackReport(target, { outcome: 'failed', message: 'no' }, [], true);
    expect(json.refusal).toBeUndefined();
    expect(JSON.parse(json.stdout)).toMatchObject({ target: { type: 'key-policy' }, outcome: 'failed', message: 'no' });
  });

  it('fix: verified or not, rolled back or cancelled, each its exit code', () => {
    expect(exitCodeFor('applied', 'verified')).toBe(fixExitCodes.done);
    expect(exitCodeFor('applied-pending', 'pending-propagation')).toBe(fixExitCodes.notVerified);
    expect(exitCodeFor('rolled-back', undefined)).toBe(fixExitCodes.rolledBack);
    expect(exitCodeFor('cancelled', undefined)).toBe(fixExitCodes.cancelled);
  });
});
