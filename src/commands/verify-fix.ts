// After a fix is applied: is the failing call allowed now? The diagnosis is run again, and where the
// affected principal's credentials are available (--as-profile), a KMS dry run of each required action
// proves it as that principal. New permissions take a while to propagate, so a refusal is retried.
import type { AwsSession } from '../aws/aws-session.js';
import { dryRunAs, type DryRunResult } from '../aws/dry-run.js';
import type { Diagnosis } from '../engine/cause.js';
import type { DiagnosisRequest } from '../engine/facts.js';
import type { CheckResult } from './check-report.js';
import { runDiagnosis } from './run-diagnosis.js';

export type VerificationOutcome = 'verified' | 'pending-propagation' | 'still-denied';

export interface Verification {
  readonly outcome: VerificationOutcome;
  readonly diagnosis: Diagnosis;
  readonly result: CheckResult;
  readonly dryRuns: readonly DryRunResult[];
  readonly message: string;
}

export interface VerifyOptions {
  /** Credentials of the affected principal, for the dry run. */
  readonly asPrincipal?: AwsSession;
  readonly attempts?: number;
  readonly intervalMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function verifyFix(session: AwsSession, request: DiagnosisRequest, options: VerifyOptions = {}): Promise<Verification> {
  const attempts = options.attempts ?? 5;
  const intervalMs = options.intervalMs ?? 2_000;
  let result = await runDiagnosis(session, request);
  for (let attempt = 1; attempt < attempts && result.diagnosis.verdict !== 'allowed'; attempt++) {
    await sleep(intervalMs);
    result = await runDiagnosis(session, request);
  }
  const { diagnosis } = result;
  if (diagnosis.verdict === 'denied') {
    return { outcome: 'still-denied', diagnosis, result, dryRuns: [], message: `still denied: ${diagnosis.causes.map((c) => c.code).join(', ')}` };
  }
  const dryRuns = options.asPrincipal && diagnosis.key ? await dryRunAll(options.asPrincipal, request, diagnosis, attempts, intervalMs) : [];
  const refused = dryRuns.filter((run) => run.outcome === 'denied');
  if (diagnosis.verdict !== 'allowed' || refused.length > 0) {
    const why = refused.length > 0 ? `a dry run as the principal is still refused (${refused.map((r) => r.action).join(', ')})` : 'the diagnosis cannot confirm it yet';
    return { outcome: 'pending-propagation', diagnosis, result, dryRuns, message: `applied, propagation pending: ${why}` };
  }
  const proven = dryRuns.filter((run) => run.outcome === 'would-succeed').map((run) => run.action);
  return {
    outcome: 'verified',
    diagnosis,
    result,
    dryRuns,
    message: proven.length > 0 ? `verified: a dry run as the principal would succeed for ${proven.join(', ')}` : 'verified: the diagnosis now allows every required action',
  };
}

async function dryRunAll(principal: AwsSession, request: DiagnosisRequest, diagnosis: Diagnosis, attempts: number, intervalMs: number): Promise<DryRunResult[]> {
  const callerArn = diagnosis.principal ?? '';
  if (request.operation.viaService) {
    // A direct dry run would miss kms:ViaService, which policies for service calls often require.
    return diagnosis.requiredActions.map((action) => ({ outcome: 'not-possible' as const, action, why: `the call is made through ${request.operation.viaService}; a direct dry run would not be` }));
  }
  const results: DryRunResult[] = [];
  for (const action of diagnosis.requiredActions) {
    const dryRun = {
      keyArn: diagnosis.key!,
      region: request.region,
      action,
      ...(request.encryptionContext ? { encryptionContext: request.encryptionContext } : {}),
    };
    let result = await dryRunAs(principal, callerArn, dryRun);
    for (let attempt = 1; attempt < attempts && result.outcome === 'denied'; attempt++) {
      await sleep(intervalMs);
      result = await dryRunAs(principal, callerArn, dryRun);
    }
    results.push(result);
  }
  return results;
}
