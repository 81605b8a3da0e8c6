// How `fix` shows a plan and what applying it did: the plan as a reviewer reads it (each step's target,
// diff, aws CLI equivalent and undo), the outcome per step, and the verification.
import type { ApplyEvent, ApplyReport } from '../apply/apply-plan.js';
import type { Plan } from '../apply/plan-types.js';
import { colorizeDiff } from '../engine/diff-view.js';
import type { Paint } from './check-report.js';
import type { Verification } from '../live/verify-fix.js';

const indent = (text: string, prefix: string): string =>
  text
    .split('\n')
    .map((line) => (line ? prefix + line : line))
    .join('\n');

export function planText(plan: Plan, p: Paint): string {
  const out: string[] = [];
  if (plan.steps.length === 0) {
    out.push(p.bold('Plan: nothing kms-doctor can apply.'));
  } else {
    out.push(p.bold(`Plan: ${plan.steps.length} change${plan.steps.length === 1 ? '' : 's'}${plan.applierArn ? `, written as ${plan.applierArn}` : ''}`));
  }
  for (const step of plan.steps) {
    const where = [`account ${step.target.accountId}`, ...(step.target.region ? [step.target.region] : [])].join(', ');
    out.push('', `${p.bold(`${step.id}.`)} ${step.title}`, `   target: ${step.target.arn}${step.target.policyName ? ` (policy ${step.target.policyName})` : ''} — ${where}`);
    if (step.diff) out.push(indent(p.colour ? colorizeDiff(step.diff) : step.diff, '   '));
    out.push(`   aws CLI: ${step.command}`, p.dim(`   undo: ${step.rollback.description} — ${step.rollback.command}`));
    for (const note of step.notes) out.push(p.yellow(`   note: ${note}`));
  }
  for (const skipped of plan.skipped) out.push('', p.yellow(`Not planned (${skipped.cause}): ${skipped.title} — ${skipped.reason}`));
  return out.join('\n') + '\n';
}

export function progressLine(event: ApplyEvent): string | undefined {
  switch (event.type) {
    case 'step-started':
      return `step ${event.stepId}: ${event.title}`;
    case 'backed-up':
      // The restore writes an equivalent of the value before (a deleted principal's ID left out): say so where the command is.
      return `step ${event.stepId}: backed up to ${event.backupPath} (restore: ${event.restoreCommand})${event.restoreNote !== undefined ? `\n  restore note: ${event.restoreNote}` : ''}`;
    case 'written':
      return `step ${event.stepId}: written, waiting until it is visible`;
    case 'step-finished':
      return `step ${event.stepId}: ${event.status}${event.message ? ` — ${event.message}` : ''}`;
    case 'rolling-back':
      return `step ${event.stepId}: rolling back`;
    case 'rolled-back':
      return `step ${event.stepId}: rolled back (${event.description})${event.note ? ` — ${event.note}` : ''}`;
    case 'rollback-failed':
      return `step ${event.stepId}: ROLLBACK FAILED: ${event.error}; run: ${event.command}`;
  }
}

export function outcomeText(report: ApplyReport, verification: Verification | undefined, p: Paint): string {
  const out = ['', `${p.bold('Apply:')} ${report.outcome} — ${report.message}`];
  for (const undone of report.rolledBack) out.push(`  rolled back step ${undone.stepId}: ${undone.description}${undone.note ? ` (${undone.note})` : ''}`);
  if (report.manualRollback.length > 0) {
    out.push(p.red('  Finish the rollback by hand:'));
    for (const command of report.manualRollback) out.push(`    ${command}`);
  }
  for (const step of report.steps) {
    if (step.backupPath) out.push(p.dim(`  backup of step ${step.id}: ${step.backupPath} (kms-doctor rollback ${step.backupPath})`));
    if (step.backupPath && step.restoreNote !== undefined) out.push(p.yellow(`  restore note: ${step.restoreNote}`));
  }
  if (verification) {
    const paintOutcome = verification.outcome === 'verified' ? p.green : verification.outcome === 'still-denied' ? p.red : p.yellow;
    out.push(`${p.bold('Verify:')} ${paintOutcome(verification.outcome)} — ${verification.message}`);
    for (const cause of verification.diagnosis.causes) out.push(`  still: ${cause.code}: ${cause.summary}`);
    for (const note of verification.notes) out.push(p.yellow(`  note: ${note}`));
  }
  return out.join('\n') + '\n';
}
