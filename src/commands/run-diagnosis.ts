// Runs a whole diagnosis headless: one AWS session, every read started at once, the decision machine
// driven to its verdict. `check` prints the result; `fix` plans from it.
import { createActor, type SnapshotFrom } from 'xstate';
import { factsOf, verdictTag, type DiagnosisContext } from '../../machines/diagnosis-machine.js';
import { createAwsSession, type AwsSession } from '../aws/aws-session.js';
import { debugLine, type AwsCallRecord } from '../aws/call-recorder.js';
import { createFactSource, withKeyAttributes } from '../aws/fact-source.js';
import type { DiagnosisFacts, DiagnosisRequest } from '../engine/facts.js';
import type { CheckResult } from './check-report.js';
import { entityOf, regionNamedBy } from '../engine/identifiers.js';
import type { CheckOptions, ConnectionOptions } from './check-args.js';
import { liveDiagnosisMachine } from './diagnosis-actors.js';

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

export async function openSession(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env, prompts: { mfaCodeProvider?: (serial: string) => Promise<string> } = {}): Promise<AwsSession> {
  return createAwsSession({
    ...prompts,
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(options.keyProfile !== undefined ? { keyProfile: options.keyProfile } : {}),
    ...(options.orgProfile !== undefined ? { orgProfile: options.orgProfile } : {}),
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpointUrl !== undefined ? { endpointUrl: options.endpointUrl } : {}),
    ...(options.debug ? { onCall: (record: AwsCallRecord) => process.stderr.write(`${debugLine(record)}\n`) } : {}),
    env,
  });
}

/**
 * The request as the machine takes it. The Region is where the call is made: the session's (--region,
 * the environment, the profile) when one is set, since a key ARN of another Region is exactly the
 * mistake to report (wrong-region); the key ARN's Region otherwise.
 */
export function diagnosisRequest(
  options: Pick<CheckOptions, 'key' | 'operation' | 'principal' | 'encryptionContext' | 'givenContext' | 'parsedError'>,
  session: AwsSession,
): DiagnosisRequest {
  const region = session.region ?? regionNamedBy(options.key) ?? 'us-east-1';
  return {
    ...(options.givenContext !== undefined ? { givenContext: options.givenContext } : {}),
    ...(options.parsedError !== undefined ? { reportedError: options.parsedError } : {}),
    operation: options.operation,
    key: options.key,
    region,
    ...(options.principal !== undefined ? { principal: options.principal } : {}),
    ...(options.encryptionContext !== undefined ? { encryptionContext: options.encryptionContext } : {}),
  };
}

type Snapshot = SnapshotFrom<ReturnType<typeof liveDiagnosisMachine>>;

export async function runDiagnosis(session: AwsSession, request: DiagnosisRequest): Promise<CheckResult> {
  const facts = createFactSource(session, request);
  facts.prefetchAll();
  const actor = createActor(liveDiagnosisMachine(facts), { input: { request } });
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
  return { facts: await withKeyAttributes(factsOf(context), facts), diagnosis: context.result.diagnosis, fixes: context.result.fixes };
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

/**
 * How `check` and `fix` report a stopped diagnosis: one line and an exit code. No credentials, or a
 * --principal that does not exist, are input problems (exit 2); an endpoint that is not AWS and anything
 * else that stopped the diagnosis mean it could not be determined (exit 3).
 */
export function stoppedReport(error: DiagnosisStopped): { readonly message: string; readonly exitCode: 2 | 3 } {
  switch (error.kind) {
    case 'credentials':
    case 'principal-not-found':
      return { message: error.message, exitCode: 2 };
    case 'non-aws':
      return { message: error.message, exitCode: 3 };
    default:
      return { message: `could not finish the diagnosis (${error.step}): ${error.message}`, exitCode: 3 };
  }
}
