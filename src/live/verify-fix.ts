// After a fix is applied: is the failing call allowed now? The diagnosis is run again, and where the
// affected principal's credentials are available, a KMS dry run of each required action proves it as
// that principal: --as-profile's credentials (checked to really be that principal first: GetCallerIdentity,
// a role session standing for its role), or the caller's own when it diagnosed itself (no --principal).
// New permissions take a while to propagate, so a refusal is retried.
import type { AwsSession } from '../aws/aws-session.js';
import { callerArn } from '../aws/caller-identity.js';
import { proveByDryRun, type DryRunResult } from '../apply/dry-run.js';
import { dryRunnerFor } from '../aws/dry-run.js';
import { createTargetStore } from '../aws/target-store.js';
import { entityOf, parseDiagnosablePrincipal } from '../engine/identifiers.js';
import type { Diagnosis } from '../engine/cause.js';
import type { DiagnosisRequest } from '../engine/facts.js';
import type { CheckResult } from './run-diagnosis.js';
import { runDiagnosis } from './run-diagnosis.js';

export type VerificationOutcome = 'verified' | 'pending-propagation' | 'still-denied';

export interface Verification {
  readonly outcome: VerificationOutcome;
  readonly diagnosis: Diagnosis;
  readonly result: CheckResult;
  readonly dryRuns: readonly DryRunResult[];
  readonly message: string;
  /** What a reader should know about the proof: a dry run skipped and why, a grant an endpoint really created. */
  readonly notes: readonly string[];
}

export interface VerifyOptions {
  /** Credentials of the affected principal (--as-profile), for the dry run. */
  readonly asPrincipal?: AwsSession;
  readonly attempts?: number;
  readonly intervalMs?: number;
  /**
   * The grants the fix created, with the tokens CreateGrant returned: the real calls pass the tokens and
   * the diagnosis counts those grants as in effect, as a caller holding the token sees them (a new grant
   * is otherwise in doubt for up to five minutes: grant-recently-created).
   */
  readonly heldGrants?: readonly { readonly grantId: string; readonly grantToken: string }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** user:ACCOUNT:NAME or role:ACCOUNT:NAME: a role session and its role (with or without a path) compare equal. */
function identityOf(arn: string | undefined): string | undefined {
  if (arn === undefined || arn === '') return undefined;
  const parsed = parseDiagnosablePrincipal(arn);
  if (!parsed) return undefined;
  const entity = entityOf(parsed);
  return `${entity.kind}:${parsed.account}:${entity.name}`;
}

/** The IAM entity the diagnosis was about: GetRole/GetUser's ARN when read, else the ARN given or found. */
function diagnosedEntity(request: DiagnosisRequest, result: CheckResult): string | undefined {
  const principal = result.facts.principal;
  if (principal.status === 'known') return principal.value.entityArn;
  return request.principal?.arn ?? result.diagnosis.principal;
}

type Prover = { readonly clients: AwsSession } | { readonly skipped: string } | undefined;

/** Whose credentials prove the fix by dry run, or why there is no such proof. */
async function proverFor(session: AwsSession, request: DiagnosisRequest, result: CheckResult, asPrincipal: AwsSession | undefined): Promise<Prover> {
  if (asPrincipal === undefined) return request.principal === undefined ? { clients: session } : undefined;
  const diagnosed = diagnosedEntity(request, result);
  let actual: string;
  try {
    actual = await callerArn(asPrincipal);
  } catch (error) {
    return { skipped: `the dry run was skipped: who --as-profile is could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
  const wanted = identityOf(diagnosed);
  if (wanted === undefined || identityOf(actual) !== wanted) {
    return { skipped: `the dry run was skipped: --as-profile is ${actual || 'an unknown identity'}, not the diagnosed principal ${diagnosed ?? '(unknown)'}, so a dry run would prove nothing about it` };
  }
  return { clients: asPrincipal };
}

export async function verifyFix(session: AwsSession, diagnosed: DiagnosisRequest, options: VerifyOptions = {}): Promise<Verification> {
  // The error AWS reported (--error, a pasted one, a training call's) described the world before the fix:
  // weighed again, it would contradict every fix that worked ("reported denied, evaluates allowed").
  const { reportedError: _before, ...unreported } = diagnosed;
  const held = options.heldGrants ?? [];
  const request: DiagnosisRequest =
    held.length > 0 ? { ...unreported, grantTokensFor: [...new Set([...(unreported.grantTokensFor ?? []), ...held.map((g) => g.grantId)])] } : unreported;
  const attempts = options.attempts ?? 5;
  const intervalMs = options.intervalMs ?? 2_000;
  let result = await runDiagnosis(session, request);
  // Someone else's role session: its session policy cannot be read, and no propagation changes that.
  const settled = (diagnosis: Diagnosis) => diagnosis.verdict === 'allowed' || diagnosis.unreadSessionPolicy !== undefined;
  for (let attempt = 1; attempt < attempts && !settled(result.diagnosis); attempt++) {
    await sleep(intervalMs);
    result = await runDiagnosis(session, request);
  }
  const { diagnosis } = result;
  if (diagnosis.verdict === 'denied') {
    return { outcome: 'still-denied', diagnosis, result, dryRuns: [], message: `still denied: ${diagnosis.causes.map((c) => c.code).join(', ')}`, notes: [] };
  }
  const notes: string[] = [];
  const prover = diagnosis.key ? await proverFor(session, request, result, options.asPrincipal) : undefined;
  if (prover && 'skipped' in prover) notes.push(prover.skipped);
  const grantTokens = held.map((g) => g.grantToken);
  const dryRuns = prover && 'clients' in prover ? await dryRunAll(prover.clients, request, diagnosis, attempts, intervalMs, grantTokens) : [];
  for (const run of dryRuns) if (run.createdGrant) notes.push(run.createdGrant.note);
  const refused = dryRuns.filter((run) => run.outcome === 'denied');
  if (!settled(diagnosis) || refused.length > 0) {
    const why = refused.length > 0 ? `a dry run as the principal is still refused (${refused.map((r) => r.action).join(', ')})` : 'the diagnosis cannot confirm it yet';
    return { outcome: 'pending-propagation', diagnosis, result, dryRuns, message: `applied, propagation pending: ${why}`, notes };
  }
  const proven = dryRuns.filter((run) => run.outcome === 'would-succeed').map((run) => run.action);
  return {
    outcome: 'verified',
    diagnosis,
    result,
    dryRuns,
    message: proven.length > 0 ? `verified: a dry run as the principal would succeed for ${proven.join(', ')}` : 'verified: the diagnosis now allows every required action',
    notes:
      diagnosis.unreadSessionPolicy !== undefined && proven.length === 0
        ? [...notes, `every layer kms-doctor can read now allows the call; the session policy of ${diagnosis.unreadSessionPolicy} cannot be read from here: if the call is still refused, its error names the layer`]
        : notes,
  };
}

async function dryRunAll(principal: AwsSession, request: DiagnosisRequest, diagnosis: Diagnosis, attempts: number, intervalMs: number, grantTokens: readonly string[]): Promise<DryRunResult[]> {
  const callerArn = diagnosis.principal ?? '';
  if (request.operation.viaService) {
    // A direct dry run would miss kms:ViaService, which policies for service calls often require.
    return diagnosis.requiredActions.map((action) => ({ outcome: 'not-possible' as const, action, why: `the call is made through ${request.operation.viaService}; a direct dry run would not be` }));
  }
  const runner = dryRunnerFor(principal, callerArn);
  // A grant the endpoint really created (it ignored DryRun) is revoked with the principal's own credentials.
  const cleanup = createTargetStore(principal);
  const results: DryRunResult[] = [];
  for (const action of diagnosis.requiredActions) {
    const dryRun = {
      keyArn: diagnosis.key!,
      region: request.region,
      action,
      ...(request.encryptionContext ? { encryptionContext: request.encryptionContext } : {}),
      ...(grantTokens.length > 0 ? { grantTokens } : {}),
    };
    let result = await proveByDryRun(runner, cleanup, dryRun);
    for (let attempt = 1; attempt < attempts && result.outcome === 'denied'; attempt++) {
      await sleep(intervalMs);
      result = await proveByDryRun(runner, cleanup, dryRun);
    }
    results.push(result);
  }
  return results;
}
