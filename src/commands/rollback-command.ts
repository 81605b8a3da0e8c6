// `kms-doctor rollback BACKUP_FILE`: puts a backed-up document or key state back, with the same stale
// check and guards as `fix`, after backing up what is there now (so the rollback can be undone too).
import { parseArgs } from 'node:util';
import { BackupError, defaultBackupDir, prepareBackupDir, readBackup } from '../apply/backup.js';
import { backupTrustProblems } from '../apply/backup-trust.js';
import { restoreBackup } from '../apply/restore-backup.js';
import { createTargetStore } from '../aws/target-store.js';
import { runnableCommand } from '../engine/aws-cli.js';
import { displaySafe, printable } from '../engine/display-text.js';
import { UsageError } from '../usage-error.js';
import { connectionFlags, connectionOptionsOf, flagError } from './check-args.js';
import { CheckFailure } from './check-command.js';
import { jsonEnvelope } from './json-output.js';
import { mfaPrompt } from './mfa-prompt.js';
import { commandConnectionOf } from './printed-commands.js';
import { openSession } from '../live/run-diagnosis.js';

export const rollbackUsage = `Usage: kms-doctor rollback BACKUP_FILE [--force] [--backup-dir DIR] [--json]
                           [--profile P] [--key-profile P] [--region R] [--endpoint-url URL]

Restores what a kms-doctor backup holds. Refuses when the target changed since kms-doctor wrote it, or
when the backup was edited or contradicts itself (its digest, its ARN and account), showing the diff it
would write (--force restores anyway), and backs up the current value first. The backup file must be
yours and 0600; --backup-dir must be your own directory, writable by no one else.
Exit codes: 0 restored, 2 usage error, unreadable or unprotected backup, unusable --backup-dir or no
credentials, 4 refused or failed (one line on stderr; nothing written), 5 restored but not yet visible.`;

export async function runRollbackCommand(args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...connectionFlags, force: { type: 'boolean' }, 'backup-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw flagError(error, [...Object.keys(connectionFlags), 'force', 'backup-dir', 'json', 'help']);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(rollbackUsage + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('rollback takes exactly one BACKUP_FILE (a path printed by kms-doctor fix)');
  const backupDir = values['backup-dir'] ?? defaultBackupDir();
  let backup;
  try {
    backup = await readBackup(positionals[0]!);
  } catch (error) {
    if (error instanceof BackupError) throw new UsageError(error.message);
    throw error;
  }
  try {
    await prepareBackupDir(backupDir);
  } catch (error) {
    if (error instanceof BackupError) throw new UsageError(`${values['backup-dir'] !== undefined ? '--backup-dir ' : 'the backup directory '}${error.message}`);
    throw error;
  }
  const trustProblems = await backupTrustProblems(backup);
  const session = await openSession(connectionOptionsOf(values), process.env, mfaPrompt());
  try {
    const report = await restoreBackup(backup, createTargetStore(session), {
      backupDir,
      trustProblems,
      ...(values.force ? { force: true } : {}),
    });
    // A key in another account is restored with --key-profile (as the target store does), so its commands name that profile.
    const keyTarget = backup.target.type === 'key-policy' || backup.target.type === 'key-state' || backup.target.type === 'grant';
    const connection = { ...commandConnectionOf(session), ...(keyTarget && session.keyAccount ? { keyAccount: backup.target.accountId } : {}) };
    const printed = report.restoreCommand !== undefined ? { ...report, restoreCommand: runnableCommand(report.restoreCommand, connection) } : report;
    // Text from AWS and from the backup file is shown escaped (displaySafe), never obeyed by the terminal.
    const shown = displaySafe(printed);
    // What an untrusted backup writes (or would write) is shown before anything else is said about it.
    if (!values.json && shown.diff) process.stdout.write(shown.diff.endsWith('\n') ? shown.diff : `${shown.diff}\n`);
    if (values.json) process.stdout.write(JSON.stringify(jsonEnvelope({ target: backup.target, ...printed }), null, 2) + '\n');
    const restored = report.outcome === 'restored' || report.outcome === 'already-restored' || report.outcome === 'restored-pending';
    if (!restored) {
      // A refusal or failure is said once: one line on stderr (the CLI prefixes it), or the JSON document.
      if (values.json) return 4;
      throw new CheckFailure(`not restored (${report.outcome}): ${shown.message}`, 4);
    }
    if (!values.json) {
      process.stdout.write(`${report.outcome}: ${shown.message}\n`);
      if (shown.backupPath) process.stdout.write(`the value replaced was backed up to ${shown.backupPath} (undo: kms-doctor rollback ${shown.backupPath})\n`);
      if (shown.note) process.stdout.write(`note: ${shown.note}\n`);
      if (trustProblems.length > 0) process.stdout.write(`restored with --force although: ${printable(trustProblems.join('; '))}\n`);
    }
    return report.outcome === 'restored-pending' ? 5 : 0;
  } finally {
    session.destroy();
  }
}
