// `kms-doctor rollback FILE`: gives a target its backed-up value again, with the same care as a fix. It
// re-reads the target first and refuses (unless forced) when someone changed it since kms-doctor wrote
// it, because the restore would silently discard their change; it runs the same guards (a restored key
// policy must not lock the applier out); and it backs up the current value first, so the restore can
// itself be undone with `kms-doctor rollback` on that new backup.
import { readBackup, updateBackup, writeBackup, type BackupRecord } from './backup.js';
import { GuardRefusal } from './guards.js';
import { restorePreview } from './backup-trust.js';
import { errorSentence } from './sentences.js';
import { prepareRestore, RestoreImpossible } from './restore-actions.js';
import { storeErrorKind, type TargetStore } from './target-store.js';
import { defaultVisibility, waitUntilVisible, type VisibilityOptions } from './visibility.js';

export interface RestoreOptions {
  /** Where the backup of the current value goes. */
  readonly backupDir: string;
  /** Restore even though the target changed since kms-doctor wrote it, or the backup is untrusted. */
  readonly force?: boolean;
  /** Why the backup cannot be trusted (backupTrustProblems); without force it is then not restored. */
  readonly trustProblems?: readonly string[];
  readonly visibility?: VisibilityOptions;
  readonly signal?: AbortSignal;
}

export type RestoreOutcome =
  | 'restored'
  /** Written, not yet seen in N consecutive reads. */
  | 'restored-pending'
  /** The target already holds the backed-up value; nothing was written. */
  | 'already-restored'
  /** The target changed since kms-doctor wrote it; nothing was written (use force). */
  | 'stale'
  /** A guard refused the restored document; nothing was written. */
  | 'refused'
  /** The backup was edited after kms-doctor wrote it, or contradicts itself; nothing was written (use force). */
  | 'untrusted'
  | 'failed';

export interface RestoreReport {
  readonly outcome: RestoreOutcome;
  readonly message: string;
  /** The backup of the value found before the restore (undo the restore with it). */
  readonly backupPath?: string;
  readonly restoreCommand?: string;
  /** A new version ID (recreated policy version) or grant ID (recreated grant). */
  readonly versionId?: string;
  readonly grantId?: string;
  /** What differs from the backed-up value (new IDs, a later deletion date). */
  readonly note?: string;
  /** For an untrusted backup: what the restore writes (or would write), as a unified diff from the current value. */
  readonly diff?: string;
}

/** No usable credentials is not a refusal of this restore: it stops it as it stops every command (exit 2 in the CLI). */
const rethrowIfNoCredentials = (error: unknown) => {
  if (storeErrorKind(error) === 'credentials') throw error;
};

/**
 * Restores a backup record (read it with readBackup). Never throws for AWS refusals: the report says.
 * Only missing or unusable credentials reject (a store error of kind 'credentials').
 */
export async function restoreBackup(backup: BackupRecord, store: TargetStore, options: RestoreOptions): Promise<RestoreReport> {
  let appliedBy: string | undefined;
  try {
    appliedBy = await store.applierArn();
  } catch {
    appliedBy = undefined;
  }
  let action;
  try {
    action = await prepareRestore(backup, store, appliedBy);
  } catch (error) {
    rethrowIfNoCredentials(error);
    return { outcome: 'failed', message: `Could not read the current value of ${backup.target.arn}: ${errorSentence(error)} Nothing was written.` };
  }
  if (action.alreadyRestored) {
    return { outcome: 'already-restored', message: `${capitalised(action.what)} already holds the backed-up value; nothing was written.` };
  }
  const problems = options.trustProblems ?? [];
  const shown = problems.length > 0 ? { diff: restorePreview(backup, action.undo, action.what) } : {};
  if (problems.length > 0 && options.force !== true) {
    return {
      outcome: 'untrusted',
      message: `This backup cannot be trusted: ${problems.join('; ')}. Nothing was written; the diff shows what it would write, and kms-doctor rollback --force writes it anyway.`,
      ...shown,
    };
  }
  if (action.changedSince !== undefined && options.force !== true) {
    return {
      outcome: 'stale',
      message: `${capitalised(action.changedSince)}. Restoring the backup would discard that change, so nothing was written; restore with force (kms-doctor rollback --force) to do it anyway.`,
    };
  }
  try {
    await action.guard();
  } catch (error) {
    if (error instanceof GuardRefusal) return { outcome: 'refused', message: error.message };
    rethrowIfNoCredentials(error);
    return { outcome: 'failed', message: `Could not check the restored value: ${errorSentence(error)} Nothing was written.` };
  }
  let backupPath: string;
  let undo: BackupRecord;
  try {
    backupPath = await writeBackup(options.backupDir, action.undo);
    undo = await readBackup(backupPath);
  } catch (error) {
    return { outcome: 'failed', message: `Could not back up the current value: ${errorSentence(error)} Nothing was written.` };
  }
  const undoFields = { backupPath, restoreCommand: undo.restoreCommand };
  let outcome;
  try {
    outcome = await action.write();
  } catch (error) {
    if (backup.target.type === 'grant' && storeErrorKind(error) === 'not-found') {
      return { outcome: 'already-restored', message: `The grant ${backup.grantId ?? ''} on key ${backup.target.arn} no longer exists; nothing was written.` };
    }
    const why = error instanceof RestoreImpossible ? errorSentence(error) : `AWS refused: ${errorSentence(error)}`;
    return { outcome: 'failed', message: `Could not restore ${action.what}: ${why}`, ...undoFields, ...shown };
  }
  let restoreCommand = undo.restoreCommand;
  if (outcome.undoChanges !== undefined) {
    try {
      restoreCommand = (await updateBackup(backupPath, outcome.undoChanges)).restoreCommand;
    } catch (error) {
      restoreCommand = `# the backup ${backupPath} could not be completed (${error instanceof Error ? error.message : String(error)}); ${restoreCommand}`;
    }
  }
  const visible = await waitUntilVisible(() => action.visible(outcome), options.visibility ?? defaultVisibility, options.signal);
  const ids = { ...(outcome.versionId !== undefined ? { versionId: outcome.versionId } : {}), ...(outcome.grantId !== undefined ? { grantId: outcome.grantId } : {}) };
  const note = { ...(outcome.note !== undefined ? { note: outcome.note } : {}), ...shown };
  const undoText = `The previous value is backed up in ${backupPath}.`;
  return visible
    ? { outcome: 'restored', message: `Restored ${action.what}. ${undoText}`, backupPath, restoreCommand, ...ids, ...note }
    : { outcome: 'restored-pending', message: `Restored ${action.what}; it is not visible in every read yet (AWS propagates changes within seconds, sometimes minutes). ${undoText}`, backupPath, restoreCommand, ...ids, ...note };
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
