// Undoing the applied steps of a plan that could not finish, newest first, each from its backup. When an
// undo fails, its backup's restore command is kept for the report — unless an earlier step on the same
// target is then undone after all: that puts back an older value still, and the kept command (which
// would put back the value in between) would now do harm, so it is dropped.
import type { ApplyEvent, RolledBackStep, StepReport } from './apply-report.js';
import type { BackupRecord } from './backup.js';
import type { PlanStep } from './plan-types.js';
import { undoStep, type WriteResult } from './step-effects.js';
import type { TargetStore } from './target-store.js';

export interface AppliedStep {
  readonly step: PlanStep;
  /** The backup as written, plus what the write returned (kept in memory if the file update failed). */
  record: BackupRecord;
  readonly result: WriteResult;
}

export interface RollbackResult {
  readonly rolledBack: RolledBackStep[];
  /** Commands to run by hand, in order. */
  readonly manualRollback: string[];
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** What a step changes, as far as undoing goes: steps with the same key overwrite the same value. */
function targetKey(step: PlanStep): string {
  const write = step.write;
  switch (write.kind) {
    case 'put-key-policy':
      return `key-policy:${write.keyArn}`;
    case 'put-role-policy':
    case 'put-user-policy':
      return `inline:${write.principalKind}:${write.principalName}:${write.policyName.toLowerCase()}`;
    case 'create-policy-version':
      return `default-version:${write.policyArn}`;
    case 'delete-policy-version':
      return `version:${write.policyArn}:${write.versionId}`;
    case 'enable-key':
    case 'cancel-key-deletion':
      return `key-state:${write.keyArn}`;
    case 'create-grant':
      return `grant:${step.id}`;
  }
}

export async function rollBackApplied(
  applied: readonly AppliedStep[],
  store: TargetStore,
  report: { update(id: number, fields: Partial<StepReport>): void; get(id: number): StepReport | undefined },
  emit: (event: ApplyEvent) => void,
): Promise<RollbackResult> {
  const rolledBack: RolledBackStep[] = [];
  let manual: { key: string; stepId: number; command: string }[] = [];
  for (const { step, record, result } of [...applied].reverse()) {
    emit({ type: 'rolling-back', stepId: step.id });
    const key = targetKey(step);
    try {
      const undo = await undoStep(step, record, result, store);
      rolledBack.push({ stepId: step.id, description: undo.description, command: undo.command, ...(undo.note ? { note: undo.note } : {}) });
      report.update(step.id, { status: 'rolled-back', ...(undo.note ? { note: undo.note } : {}) });
      emit({ type: 'rolled-back', stepId: step.id, description: undo.description, ...(undo.note ? { note: undo.note } : {}) });
      for (const superseded of manual.filter((m) => m.key === key)) {
        report.update(superseded.stepId, { status: 'rolled-back', note: `Its own undo failed, but undoing step ${step.id} put back the value from before both.` });
      }
      manual = manual.filter((m) => m.key !== key);
    } catch (error) {
      manual.push({ key, stepId: step.id, command: record.restoreCommand });
      const earlier = report.get(step.id)?.error;
      report.update(step.id, { error: `${earlier ? `${earlier}; ` : ''}could not be undone: ${messageOf(error)}` });
      emit({ type: 'rollback-failed', stepId: step.id, error: messageOf(error), command: record.restoreCommand, restoreTarget: record.target.arn });
    }
  }
  return { rolledBack, manualRollback: manual.map((m) => m.command) };
}
