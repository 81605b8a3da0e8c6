// `kms-doctor rollback BACKUP_FILE`: puts a backed-up document or key state back, with the same stale
// check and guards as `fix`, after backing up what is there now (so the rollback can be undone too).
import { parseArgs } from 'node:util';
import { BackupError, defaultBackupDir, prepareBackupDir, readBackup } from '../apply/backup.js';
import type { BackupRecord } from '../apply/backup-types.js';
import { backupTrustProblems } from '../apply/backup-trust.js';
import { restoreBackup, type RestoreReport } from '../apply/restore-backup.js';
import { createTargetStore } from '../aws/target-store.js';
import { runnableCommand } from '../engine/aws-cli.js';
import { displaySafe, printable } from '../engine/display-text.js';
import { UsageError } from '../usage-error.js';
import { connectionFlags, connectionOptionsOf, flagError, type ConnectionOptions } from './check-args.js';
import { CheckFailure } from './check-command.js';
import { jsonEnvelope } from './json-output.js';
import { mfaPrompt } from './mfa-prompt.js';
import { commandConnectionOf } from './printed-commands.js';
import { openSession } from '../live/open-session.js';

export const rollbackUsage = `Usage: kms-doctor rollback BACKUP_FILE [--force] [--backup-dir DIR] [--json]
                           [--profile P] [--key-profile P] [--region R] [--endpoint-url URL]

Restores what a kms-doctor backup holds. Refuses when the target changed since kms-doctor wrote it, or
when the backup was edited or contradicts itself (its digest, its ARN and account), showing the diff it
would write (--force restores anyway), and backs up the current value first. The backup file must be
yours and 0600; --backup-dir must be your own directory, writable by no one else.
Exit codes: 0 restored, 2 usage error, unreadable or unprotected backup, unusable --backup-dir or no
credentials, 4 refused or failed (one line on stderr; nothing written), 5 restored but not yet visible.`;

export interface RollbackOptions extends ConnectionOptions {
  readonly backupFile: string;
  /** --backup-dir as given (the default is the user's state directory). */
  readonly backupDir?: string;
  readonly force: boolean;
  readonly json: boolean;
}

export function parseRollbackArgs(args: readonly string[]): RollbackOptions | 'help' {
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
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError('rollback takes exactly one BACKUP_FILE (a path printed by kms-doctor fix)');
  return {
    backupFile: positionals[0]!,
    ...(values['backup-dir'] !== undefined ? { backupDir: values['backup-dir'] } : {}),
    force: values.force ?? false,
    json: values.json ?? false,
    ...connectionOptionsOf(values),
  };
}

export async function runRollbackCommand(args: readonly string[]): Promise<number> {
  const options = parseRollbackArgs(args);
  if (options === 'help') {
    process.stdout.write(rollbackUsage + '\n');
    return 0;
  }
  const backupDir = options.backupDir ?? defaultBackupDir();
  let backup;
  try {
    backup = await readBackup(options.backupFile);
  } catch (error) {
    if (error instanceof BackupError) throw new UsageError(error.message);
    throw error;
  }
  try {
    await prepareBackupDir(backupDir);
  } catch (error) {
    if (error instanceof BackupError) throw new UsageError(`${options.backupDir !== undefined ? '--backup-dir ' : 'the backup directory '}${error.message}`);
    throw error;
  }
  const trustProblems = await backupTrustProblems(backup);
  const session = await openSession(options, process.env, mfaPrompt());
  try {
    const report = await restoreBackup(backup, createTargetStore(session), {
      backupDir,
      trustProblems,
      ...(options.force ? { force: true } : {}),
    });
    // A key in another account is restored with --key-profile (as the target store does), so its commands name that profile.
    const keyTarget = backup.target.type === 'key-policy' || backup.target.type === 'key-state' || backup.target.type === 'grant';
    const connection = { ...commandConnectionOf(session), ...(keyTarget && session.keyAccount ? { keyAccount: backup.target.accountId } : {}) };
    const printed = report.restoreCommand !== undefined ? { ...report, restoreCommand: runnableCommand(report.restoreCommand, connection, backup.target.accountId) } : report;
    const { stdout, refusal, exitCode } = rollbackReport(backup, printed, trustProblems, options.json);
    process.stdout.write(stdout);
    // A refusal or failure is said once: one line on stderr (the CLI prefixes it), or the JSON document.
    if (refusal !== undefined) throw new CheckFailure(refusal, exitCode);
    return exitCode;
  } finally {
    session.destroy();
  }
}

/**
 * What rollback prints for a restore (its commands already runnable): stdout, the one line of a refusal
 * (stderr, without --json) and the exit code.
 */
export function rollbackReport(
  backup: Pick<BackupRecord, 'target'>,
  printed: RestoreReport,
  trustProblems: readonly string[],
  json: boolean,
): { readonly stdout: string; readonly refusal?: string; readonly exitCode: number } {
  // Text from AWS and from the backup file is shown escaped (displaySafe), never obeyed by the terminal.
  const shown = displaySafe(printed);
  const restored = printed.outcome === 'restored' || printed.outcome === 'already-restored' || printed.outcome === 'restored-pending';
  const exitCode = !restored ? 4 : printed.outcome === 'restored-pending' ? 5 : 0;
  if (json) return { stdout: JSON.stringify(jsonEnvelope({ target: backup.target, ...printed }), null, 2) + '\n', exitCode };
  // What an untrusted backup writes (or would write) is shown before anything else is said about it.
  const diff = shown.diff ? (shown.diff.endsWith('\n') ? shown.diff : `${shown.diff}\n`) : '';
  if (!restored) return { stdout: diff, refusal: `not restored (${printed.outcome}): ${shown.message}`, exitCode };
  const lines = [
    `${printed.outcome}: ${shown.message}`,
    ...(shown.backupPath ? [`the value replaced was backed up to ${shown.backupPath} (undo: kms-doctor rollback ${shown.backupPath})`] : []),
    ...(shown.note ? [`note: ${shown.note}`] : []),
    ...(trustProblems.length > 0 ? [`restored with --force although: ${printable(trustProblems.join('; '))}`] : []),
  ];
  return { stdout: diff + lines.map((line) => `${line}\n`).join(''), exitCode };
}
