// Runs a whole diagnosis headless: one AWS session, every read started at once, the decision machine
// driven to its verdict. `check` prints the result; `fix` plans from it.
import { createActor, type SnapshotFrom } from 'xstate';
import { factsOf, verdictTag, type DiagnosisContext } from '../../machines/diagnosis-machine.js';
import { createAwsSession, type AwsSession } from '../aws/aws-session.js';
import { createFactSource } from '../aws/fact-source.js';
import type { DiagnosisRequest } from '../engine/facts.js';
import type { CheckResult } from './check-report.js';
import { regionOfKeyArn, type CheckOptions, type ConnectionOptions } from './check-args.js';
import { liveDiagnosisMachine } from './diagnosis-actors.js';

/** A read failed outright (network, credentials): the diagnosis stopped at that step. */
export class DiagnosisStopped extends Error {
  constructor(
    readonly step: string,
    message: string,
    /** Why, as the AWS adapters classified it (credentials, network…), when known. */
    readonly kind?: string,
  ) {
    super(message);
    this.name = 'DiagnosisStopped';
  }
}

export async function openSession(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): Promise<AwsSession> {
  return createAwsSession({
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(options.keyProfile !== undefined ? { keyProfile: options.keyProfile } : {}),
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpointUrl !== undefined ? { endpointUrl: options.endpointUrl } : {}),
    env,
  });
}

/** The request as the machine takes it: the key ARN's Region wins over the session's. */
export function diagnosisRequest(options: Pick<CheckOptions, 'key' | 'operation' | 'principal' | 'encryptionContext'>, session: AwsSession): DiagnosisRequest {
  const region = regionOfKeyArn(options.key) ?? session.region ?? 'us-east-1';
  return {
    operation: options.operation,
    keyInput: options.key,
    region,
    ...(options.principal !== undefined ? { principalArn: options.principal } : {}),
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
  return { facts: factsOf(context), diagnosis: context.result.diagnosis, fixes: context.result.fixes };
}
