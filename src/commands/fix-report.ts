// What `fix` says about its plan and how it ends, as text and exit codes (pure: the command's run
// prints them; src/commands/plan-report.ts renders the plan itself).
import type { Plan } from '../apply/plan-types.js';
import { newlyAllowedLines } from '../engine/blast-radius.js';
import type { NewlyAllowed } from '../engine/fix.js';
import { requestChangeWords } from '../engine/fixes/deny-guards.js';
import type { CheckResult, Paint } from './check-report.js';

/** Exit codes of `fix`, documented in its usage and the README. */
export const fixExitCodes = {
  done: 0,
  planHasChanges: 1,
  usage: 2,
  unknown: 3,
  rolledBack: 4,
  notVerified: 5,
  cancelled: 130,
} as const;

/** Why a denied (or undetermined) call gets no plan, in one line. */
export function nothingToApply(result: CheckResult, plan: Plan): string {
  if (result.diagnosis.verdict === 'unknown') return "the diagnosis could not determine why the call is refused (see 'Could not verify')";
  const [first, ...others] = plan.skipped;
  if (first === undefined) return 'no fix was proposed for this refusal (see the notes)';
  const more = others.length > 0 ? ` (and ${others.length} more, listed under 'Not planned')` : '';
  // A fix that changes the call, not a policy, is the answer, not a dead end: say what to change.
  const fix = result.fixes[first.fixIndex];
  if (fix?.requestChange !== undefined) return `${first.cause}: change the call, not a policy: ${fix.title.charAt(0).toLowerCase()}${fix.title.slice(1)} (${requestChangeWords(fix.requestChange).join('; ')})${more}`;
  return `${first.cause}: ${first.reason.split('\n')[0]}${more}`;
}

/** What the planned fixes newly allow beyond the failing call (each fix's blast radius, computed before the plan). */
export function planBlastRadius(result: CheckResult, plan: Plan): NewlyAllowed[] {
  const planned = [...new Set(plan.steps.map((step) => step.fixIndex))];
  return planned.flatMap((index) => result.fixes[index]?.newlyAllows ?? []);
}

export function blastRadiusText(newlyAllows: readonly NewlyAllowed[], p: Paint): string {
  return [p.yellow(p.bold('Blast radius: the plan also newly allows')), ...newlyAllowedLines(newlyAllows).map((line) => p.yellow(`  - ${line}`))].join('\n') + '\n';
}

/** The exit code of an apply, from its outcome and the verification's. */
export function exitCodeFor(applyOutcome: string, verification: string | undefined): number {
  switch (applyOutcome) {
    case 'cancelled':
      return fixExitCodes.cancelled;
    case 'applied':
    case 'applied-pending':
      return verification === 'verified' ? fixExitCodes.done : fixExitCodes.notVerified;
    default:
      return fixExitCodes.rolledBack;
  }
}
