// From a diagnosis to a verified fix: plan the writes (re-reading what they change), apply them with
// the safety net of src/apply/, then verify. `kms-doctor fix` and the wizard both go through here.
import { applyPlan, type ApplyEvent, type ApplyReport } from '../apply/apply-plan.js';
import { buildPlan } from '../apply/plan.js';
import type { Plan } from '../apply/plan-types.js';
import type { VisibilityOptions } from '../apply/visibility.js';
import type { AwsSession } from '../aws/aws-session.js';
import { createTargetStore } from '../aws/target-store.js';
import type { DiagnosisRequest } from '../engine/facts.js';
import type { CheckResult } from './run-diagnosis.js';
import { verifyFix, type Verification } from './verify-fix.js';

export async function planRemediation(session: AwsSession, result: CheckResult, request: DiagnosisRequest): Promise<Plan> {
  return buildPlan(result.fixes, createTargetStore(session), { region: request.region });
}

export interface RemediationOptions {
  readonly backupDir: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ApplyEvent) => void;
  /** The affected principal's credentials, for the dry run that proves the fix. */
  readonly asPrincipal?: AwsSession;
  readonly visibility?: VisibilityOptions;
  /** How often, and how far apart, verification retries while changes propagate. */
  readonly verification?: { readonly attempts: number; readonly intervalMs: number };
}

export interface RemediationOutcome {
  readonly report: ApplyReport;
  /** Present when the plan was applied (fully or pending visibility). */
  readonly verification?: Verification;
}

export async function applyRemediation(session: AwsSession, plan: Plan, request: DiagnosisRequest, options: RemediationOptions): Promise<RemediationOutcome> {
  const createdGrants: { grantId: string; grantToken: string }[] = [];
  const report = await applyPlan(plan, createTargetStore(session), {
    backupDir: options.backupDir,
    onGrantCreated: (grant) => createdGrants.push(grant),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.visibility ? { visibility: options.visibility } : {}),
  });
  if (report.outcome !== 'applied' && report.outcome !== 'applied-pending') return { report };
  const verification = await verifyFix(session, request, {
    ...(options.asPrincipal ? { asPrincipal: options.asPrincipal } : {}),
    ...(options.verification ?? {}),
    ...(createdGrants.length > 0 ? { heldGrants: createdGrants } : {}),
  });
  return { report, verification };
}
