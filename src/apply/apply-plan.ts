// Applies a plan, all or nothing. Per step: guards (is the new document safe to write?), the stale check
// (does the target still hold what the plan was computed from?), a backup of the exact previous value,
// the write, and a wait until the change is visible. When a step cannot go on — a guard refuses, the
// target changed, AWS refuses the write, or the user interrupts between steps — nothing more is written
// and every earlier step is undone from its backup, newest first, so AWS is left as it was.
//
// Guards run before the stale check, not after: they may read the applier's IAM policies, and every call
// between the re-read and the write widens the window in which someone else's change could be lost.
import { restoreCommandFor } from './backup-commands.js';
import { readBackup, updateBackup, writeBackup } from './backup.js';
import type { ApplyEvent, ApplyOutcome, ApplyReport, RolledBackStep, StepReport } from './apply-report.js';
import { compare, readCurrent, showsWrite } from './current-value.js';
import { checkStepWrite, GuardRefusal } from './guards.js';
import { sentence } from './sentences.js';
import type { Plan } from './plan-types.js';
import { rollBackApplied, type AppliedStep } from './rollback-applied.js';
import { backupInputFor, performWrite } from './step-effects.js';
import type { TargetStore } from './target-store.js';
import { defaultVisibility, waitUntilVisible, type VisibilityOptions } from './visibility.js';

export type { ApplyEvent, ApplyOutcome, ApplyReport, RolledBackStep, StepReport, StepStatus } from './apply-report.js';

export interface ApplyOptions {
  /** Where backups go (defaultBackupDir() for the CLI). */
  readonly backupDir: string;
  /** Ctrl-C / SIGTERM: honoured between steps only, never in the middle of a write. */
  readonly signal?: AbortSignal;
  readonly visibility?: VisibilityOptions;
  readonly onProgress?: (event: ApplyEvent) => void;
  /**
   * A grant a step created, with its token: the verification passes the token so that the new grant
   * counts at once. Kept out of the report and the events, which are printed (--json).
   */
  readonly onGrantCreated?: (grant: { readonly grantId: string; readonly grantToken: string }) => void;
}

/** A target that no longer holds what the plan expected. */
class StaleTarget extends Error {}

type Stop = { readonly kind: 'stale' | 'refused' | 'failed'; readonly stepId: number; readonly message: string } | { readonly kind: 'cancelled'; readonly stepId: number };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function applyPlan(plan: Plan, store: TargetStore, options: ApplyOptions): Promise<ApplyReport> {
  const visibility = options.visibility ?? defaultVisibility;
  const emit = (event: ApplyEvent) => options.onProgress?.(event);
  const reports = new Map<number, StepReport>(plan.steps.map((s) => [s.id, { id: s.id, status: 'not-run' }]));
  const update = (id: number, fields: Partial<StepReport>) => reports.set(id, { ...reports.get(id)!, ...fields });
  const applied: AppliedStep[] = [];
  const createdVersions = new Map<number, string>();
  let stop: Stop | undefined;

  for (const step of plan.steps) {
    if (options.signal?.aborted) {
      stop = { kind: 'cancelled', stepId: step.id };
      break;
    }
    emit({ type: 'step-started', stepId: step.id, title: step.title });
    let written: AppliedStep | undefined;
    try {
      await checkStepWrite(step, store);
      const current = await readCurrent(step, store);
      const comparison = compare(step, current, createdVersions);
      if (comparison.result === 'stale') throw new StaleTarget(comparison.change);
      if (comparison.result === 'already-applied') {
        update(step.id, { status: 'skipped', note: 'The target already holds what this step would write; nothing was written.' });
        emit({ type: 'step-finished', stepId: step.id, status: 'skipped' });
        continue;
      }
      const backupPath = await writeBackup(options.backupDir, backupInputFor(step, current, plan.applierArn));
      // The record as stored: the undo then uses exactly what a person would restore by hand.
      let record = await readBackup(backupPath);
      update(step.id, { backupPath, restoreCommand: record.restoreCommand, restoreTarget: record.target.arn, ...(record.restoreNote !== undefined ? { restoreNote: record.restoreNote } : {}) });
      emit({ type: 'backed-up', stepId: step.id, backupPath, restoreCommand: record.restoreCommand, restoreTarget: record.target.arn, ...(record.restoreNote !== undefined ? { restoreNote: record.restoreNote } : {}) });
      const result = await performWrite(step, store);
      written = { step, record, result };
      applied.push(written);
      emit({ type: 'written', stepId: step.id });
      if (result.versionId !== undefined) createdVersions.set(step.id, result.versionId);
      if (result.grantId !== undefined && result.grantToken !== undefined) options.onGrantCreated?.({ grantId: result.grantId, grantToken: result.grantToken });
      if (result.grantId !== undefined || result.versionId !== undefined) {
        const changes = result.grantId !== undefined ? { grantId: result.grantId } : { replacedBy: { ...record.replacedBy, versionId: result.versionId! } };
        // Kept in memory first: if the file cannot be updated, the undo and the manual command still know the ID.
        record = { ...record, ...changes, restoreCommand: restoreCommandFor({ ...record, ...changes }) };
        written.record = record;
        update(step.id, { ...(result.grantId ? { grantId: result.grantId } : {}), ...(result.versionId ? { versionId: result.versionId } : {}), restoreCommand: record.restoreCommand });
        await updateBackup(backupPath, changes);
      }
      const visible = step.kind === 'create-grant' || (await waitUntilVisible(async () => showsWrite(step, await readCurrent(step, store), result.versionId), visibility, options.signal));
      const status = visible ? 'applied' : 'applied-pending';
      update(step.id, {
        status,
        ...(step.kind === 'create-grant' ? { note: 'A new grant can take a few minutes to be effective everywhere in KMS.' } : {}),
        ...(!visible ? { note: `Written, but not yet seen in ${visibility.consecutive} reads in a row: AWS propagates changes within seconds, sometimes minutes.` } : {}),
      });
      emit({ type: 'step-finished', stepId: step.id, status });
    } catch (error) {
      const kind = error instanceof StaleTarget ? 'stale' : error instanceof GuardRefusal ? 'refused' : 'failed';
      stop = { kind, stepId: step.id, message: messageOf(error) };
      // A write that went through before something else failed (e.g. the backup update) is undone too.
      update(step.id, { status: written ? 'applied' : 'failed', error: messageOf(error) });
      emit({ type: 'step-finished', stepId: step.id, status: 'failed', message: messageOf(error) });
      break;
    }
  }

  const { rolledBack, manualRollback } =
    stop === undefined ? { rolledBack: [], manualRollback: [] } : await rollBackApplied(applied, store, { update, get: (id) => reports.get(id) }, emit);
  const steps = plan.steps.map((s) => reports.get(s.id)!);
  const outcome = outcomeOf(stop, steps, manualRollback);
  return { outcome, steps, rolledBack, manualRollback, message: messageFor(outcome, stop, steps, rolledBack, plan) };
}

function outcomeOf(stop: Stop | undefined, steps: readonly StepReport[], manual: readonly string[]): ApplyOutcome {
  if (manual.length > 0) return 'rollback-incomplete';
  if (stop === undefined) return steps.some((s) => s.status === 'applied-pending') ? 'applied-pending' : 'applied';
  return stop.kind === 'failed' ? 'rolled-back' : stop.kind;
}

function messageFor(outcome: ApplyOutcome, stop: Stop | undefined, steps: readonly StepReport[], rolledBack: readonly RolledBackStep[], plan: Plan): string {
  const undone = rolledBack.length === 0 ? 'No earlier step had been written.' : `The ${rolledBack.length === 1 ? 'earlier step was' : `${rolledBack.length} earlier steps were`} undone (${rolledBack.map((r) => r.stepId).join(', ')}).`;
  const reason = stop !== undefined && 'message' in stop ? sentence(stop.message) : '';
  const skipped = steps.filter((s) => s.status === 'skipped').length;
  const already = skipped > 0 ? ` ${skipped} step${skipped === 1 ? ' was' : 's were'} already in place.` : '';
  switch (outcome) {
    case 'applied':
      return `${plan.steps.length === 1 ? 'The step was applied and is visible.' : `All ${plan.steps.length} steps were applied and are visible.`}${already}`;
    case 'applied-pending': {
      const pending = steps.filter((s) => s.status === 'applied-pending').map((s) => s.id);
      return `All steps were applied; step ${pending.join(', ')} is not visible in every read yet (AWS propagates changes within seconds, sometimes minutes). Run kms-doctor check again shortly.${already}`;
    }
    case 'stale':
      return `Step ${stop!.stepId} stopped before writing: ${reason} Nothing more was written. ${undone} Run kms-doctor check again to plan from the current state.`;
    case 'refused':
      return `Step ${stop!.stepId} was refused: ${reason} ${undone}`;
    case 'rolled-back':
      return `Step ${stop!.stepId} failed: ${reason} ${undone} AWS is as it was before the plan.`;
    case 'cancelled':
      return `Interrupted before step ${stop!.stepId}. ${rolledBack.length === 0 ? 'Nothing had been written.' : `The applied steps were undone (${rolledBack.map((r) => r.stepId).join(', ')}).`}`;
    case 'rollback-incomplete': {
      // After a rollback, a step still counted as applied is one whose undo failed.
      const failed = steps.filter((s) => s.status === 'applied' || s.status === 'applied-pending').map((s) => s.id);
      const why = stop === undefined ? '' : stop.kind === 'cancelled' ? `Interrupted before step ${stop.stepId}. ` : `Step ${stop.stepId} did not complete: ${stop.message} `;
      return `${why}Step ${failed.join(', ')} could not be undone: run the commands under manualRollback to put the previous values back.`;
    }
  }
}
