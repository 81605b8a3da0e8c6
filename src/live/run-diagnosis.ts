// Runs a whole diagnosis headless: one AWS session, every read started at once, the decision machine
// driven to its verdict. `check` prints the result; `fix` plans from it.
import { createActor, type SnapshotFrom } from 'xstate';
import { factsOf, verdictTag, type DiagnosisContext } from '../../machines/diagnosis-machine.js';
import type { AwsSession } from '../aws/aws-session.js';
import { withKeyAttributes } from '../aws/fact-source.js';
import type { Diagnosis } from '../engine/cause.js';
import type { ParsedError } from '../engine/error-message-parser.js';
import type { DiagnosisFacts, DiagnosisRequest } from '../engine/facts.js';
import type { Fix } from '../engine/fix.js';
import { entityOf, regionNamedBy, type DiagnosablePrincipal, type KeyRef } from '../engine/identifiers.js';
import type { OperationRequirement } from '../engine/operations.js';
import { liveDiagnosisMachine } from './diagnosis-actors.js';
import { LiveSession, liveReadsOf } from './live-session.js';

/** What a request is made of, as the commands (or the wizard's answers) parsed it. */
export interface RequestOptions {
  readonly key: KeyRef;
  readonly operation: OperationRequirement;
  readonly principal?: DiagnosablePrincipal;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  readonly givenContext?: Readonly<Record<string, string>>;
  readonly grantTokensFor?: readonly string[];
  readonly parsedError?: ParsedError;
}

/** A finished diagnosis: the facts it read, the verdict and the proven fixes (`check` prints it, `fix` plans from it). */
export interface CheckResult {
  readonly facts: DiagnosisFacts;
  readonly diagnosis: Diagnosis;
  readonly fixes: readonly Fix[];
  /** The pasted error, when the diagnosis started from one (check --error). */
  readonly parsedError?: ParsedError;
}

/** A read failed outright (network, credentials, a --principal that does not exist): the diagnosis stopped at that step. */
export class DiagnosisStopped extends Error {
  constructor(
    readonly step: string,
    message: string,
    /** Why, as the AWS adapters classified it (credentials, network, non-aws…) or principal-not-found, when known. */
    readonly kind?: string,
  ) {
    super(message);
    this.name = 'DiagnosisStopped';
  }
}

/**
 * The request as the machine takes it. The Region is where the call is made: the session's (--region,
 * the environment, the profile) when one is set, since a key ARN of another Region is exactly the
 * mistake to report (wrong-region); the key ARN's Region otherwise.
 */
export function diagnosisRequest(
  options: RequestOptions,
  session: AwsSession,
): DiagnosisRequest {
  const region = session.region ?? regionNamedBy(options.key) ?? 'us-east-1';
  return {
    ...(options.givenContext !== undefined ? { givenContext: options.givenContext } : {}),
    ...(options.parsedError !== undefined ? { reportedError: options.parsedError } : {}),
    ...(options.grantTokensFor !== undefined ? { grantTokensFor: options.grantTokensFor } : {}),
    operation: options.operation,
    key: options.key,
    region,
    ...(options.principal !== undefined ? { principal: options.principal } : {}),
    ...(options.encryptionContext !== undefined ? { encryptionContext: options.encryptionContext } : {}),
  };
}

type Snapshot = SnapshotFrom<typeof liveDiagnosisMachine>;

export async function runDiagnosis(session: AwsSession, request: DiagnosisRequest): Promise<CheckResult> {
  // Every read starts at once: the facts' promises resolve in the fewest sequential round trips.
  const actor = createActor(liveDiagnosisMachine, { input: { request, session: new LiveSession({ session, prefetch: true }) } });
  const settled = await new Promise<Snapshot>((resolve) => {
    const check = (snapshot: Snapshot) => {
      if (snapshot.hasTag(verdictTag) || snapshot.matches('failed') || snapshot.status !== 'active') resolve(snapshot);
    };
    actor.subscribe(check);
    actor.start();
    check(actor.getSnapshot());
  });
  actor.stop();
  const context: DiagnosisContext = settled.context;
  if (!settled.hasTag(verdictTag) || !context.result) {
    throw new DiagnosisStopped(context.failure?.step ?? 'unknown', context.failure?.message ?? 'the diagnosis stopped', context.failure?.kind);
  }
  const missing = missingPrincipal(request, factsOf(context));
  if (missing !== undefined) throw new DiagnosisStopped('identify', missing, 'principal-not-found');
  const facts = await liveReadsOf(context.reads).read((source) => withKeyAttributes(factsOf(context), source));
  return { facts, diagnosis: context.result.diagnosis, fixes: context.result.fixes };
}

/**
 * The sentence for a --principal that IAM says does not exist (NoSuchEntity on GetRole/GetUser): any
 * diagnosis of it would be speculation, so the commands stop with this line instead.
 */
export function missingPrincipal(request: DiagnosisRequest, facts: DiagnosisFacts): string | undefined {
  const read = facts.principal;
  const named = request.principal;
  if (named === undefined || read.status !== 'unreadable' || read.reason !== 'not-found') return undefined;
  if (read.call !== 'iam:GetRole' && read.call !== 'iam:GetUser') return undefined;
  const entity = entityOf(named);
  return `no ${entity.kind} named ${entity.name} in account ${named.account} (IAM answered NoSuchEntity to ${read.call}); check --principal ${named.arn}`;
}
