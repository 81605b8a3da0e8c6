// What applyPlan reports, as it goes (ApplyEvent, for a progress view) and at the end (ApplyReport,
// public JSON of `kms-doctor fix --json`: extend additively only).

export type ApplyOutcome =
  /** Every step was written and is visible. */
  | 'applied'
  /** Every step was written; some were not visible yet when the wait ended (eventual consistency). */
  | 'applied-pending'
  /** A write failed; every earlier step was undone. */
  | 'rolled-back'
  /** A step failed or was cancelled, and some earlier step could not be undone: see manualRollback. */
  | 'rollback-incomplete'
  /** Interrupted between steps; every applied step was undone. */
  | 'cancelled'
  /** A target changed since the plan was made; nothing more was written and earlier steps were undone. */
  | 'stale'
  /** A guard refused a write (lockout, invalid, too large); earlier steps were undone. */
  | 'refused';

export type StepStatus =
  | 'applied'
  /** Written, but not yet seen in N consecutive reads. */
  | 'applied-pending'
  | 'failed'
  /** Written, then undone. */
  | 'rolled-back'
  /** Not written because the target already holds what the step would write. */
  | 'skipped'
  | 'not-run';

export interface StepReport {
  readonly id: number;
  readonly status: StepStatus;
  /** The backup taken right before the write. */
  readonly backupPath?: string;
  /** The aws CLI command that restores the backup. */
  readonly restoreCommand?: string;
  /** The ARN that command acts on (the backup's target), so its credentials are chosen without reading the command. */
  readonly restoreTarget?: string;
  /** Why the restore writes an equivalent of the previous value rather than its exact text (orphaned unique IDs). */
  readonly restoreNote?: string;
  /** Why the step failed, or why its undo failed. */
  readonly error?: string;
  /** The grant a create-grant step created. */
  readonly grantId?: string;
  /** The version a create-policy-version step created. */
  readonly versionId?: string;
  /** Anything else to know (already applied, not visible yet…). */
  readonly note?: string;
}

export interface RolledBackStep {
  readonly stepId: number;
  readonly description: string;
  /** The aws CLI equivalent of the undo. */
  readonly command: string;
  /** What differs from before the step (a new version ID, a later deletion date). */
  readonly note?: string;
}

export interface ApplyReport {
  readonly outcome: ApplyOutcome;
  readonly steps: readonly StepReport[];
  /** Undone steps, in the order they were undone (reverse plan order). */
  readonly rolledBack: readonly RolledBackStep[];
  /** Commands to finish by hand an undo that failed, in the order to run them. */
  readonly manualRollback: readonly string[];
  /** One or two sentences: what happened and what to do next. */
  readonly message: string;
}

export type ApplyEvent =
  | { readonly type: 'step-started'; readonly stepId: number; readonly title: string }
  /** Sent before the write: the backup exists and can be restored with `restoreCommand`. */
  | { readonly type: 'backed-up'; readonly stepId: number; readonly backupPath: string; readonly restoreCommand: string; readonly restoreTarget: string; readonly restoreNote?: string }
  | { readonly type: 'written'; readonly stepId: number }
  | { readonly type: 'step-finished'; readonly stepId: number; readonly status: StepStatus; readonly message?: string }
  | { readonly type: 'rolling-back'; readonly stepId: number }
  | { readonly type: 'rolled-back'; readonly stepId: number; readonly description: string; readonly note?: string }
  | { readonly type: 'rollback-failed'; readonly stepId: number; readonly error: string; readonly command: string; readonly restoreTarget: string };

/**
 * The commands that undo what was applied, in the order they must run: the last step applied is
 * undone first. (Plan order fails for a key that was pending deletion: it must be disabled again
 * before its deletion can be scheduled again; schedule-key-deletion on an enabled key that is then
 * disabled is fine, but disable-key on a key pending deletion is KMSInvalidStateException.)
 */
export function undoCommandsOf(report: ApplyReport): string[] {
  return undoStepsOf(report).map((undo) => undo.command);
}

/** The undo commands with the ARN each acts on, in the order they must run. */
export function undoStepsOf(report: ApplyReport): { readonly command: string; readonly targetArn: string; readonly note?: string }[] {
  return report.steps
    .filter((step) => step.restoreCommand !== undefined && (step.status === 'applied' || step.status === 'applied-pending'))
    .map((step) => ({ command: step.restoreCommand!, targetArn: step.restoreTarget ?? '', ...(step.restoreNote !== undefined ? { note: step.restoreNote } : {}) }))
    .reverse();
}
