// What the wizard's actors do for real: open the AWS session (or start a training scenario's sandbox),
// read each step's facts when its screen opens, evaluate, plan and apply the fix, verify it. This module
// pulls in the AWS SDK and the policy simulator, so wizard-actors.ts loads it only after the first frame.
import type { ApplyInput, ApplyOutput, PlanInput, PrepareInput, PrepareOutput, StepInput, WizardEnvironment } from '../../machines/diagnosis-machine.js';
import type { EvaluateOutput, IdentifyOutput, IdentityPoliciesOutput } from '../../machines/diagnosis-machine.js';
import { defaultBackupDir } from '../apply/backup.js';
import type { Plan } from '../apply/plan-types.js';
import type { VisibilityOptions } from '../apply/visibility.js';
import type { AwsSession } from '../aws/aws-session.js';
import { callerArn } from '../aws/caller-identity.js';
import { lookupKmsDenials } from '../aws/cloudtrail-reads.js';
import { proveByDryRun } from '../apply/dry-run.js';
import { dryRunnerFor } from '../aws/dry-run.js';
import { createTargetStore } from '../aws/target-store.js';
import { makeFailingCall, sessionWithPolicy } from '../aws/failing-call.js';
import { readPastedError, type CloudTrailKmsEvent } from '../engine/cloudtrail-event.js';
import type { CloudTrailLookupInput, GoalCheck } from '../../machines/wizard-types.js';
import { createFactSource, withKeyAttributes, type FactSource } from '../aws/fact-source.js';
import type { DiagnosisFacts, DiagnosisRequest, GrantFacts, KeyPolicyFacts, Observation } from '../engine/facts.js';
import { checkOptionsOf, type ConnectionOptions } from './check-args.js';
import type { FactsSoFar, StepFindings } from '../engine/step-findings.js';
import { evaluateFacts, findStepsWithKeyAttributes, readIdentity, readIdentityPolicies } from './diagnosis-actors.js';
import { applyRemediation, planRemediation } from './remediate.js';
import { diagnosisRequest, openSession } from './run-diagnosis.js';
import { startTrainingSandbox, type TrainingSandbox } from './training-sandbox.js';

export interface WizardRuntimeOptions {
  /** `--profile`, `--key-profile`, `--region`, `--endpoint-url`, for real AWS. */
  readonly connection: ConnectionOptions;
  /** Where AWS settings are read (process.env by default). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where backups go (real AWS: $XDG_STATE_HOME/kms-doctor/backups; training: the sandbox's temp dir). */
  readonly backupDir?: string;
  /** How long to wait for a write to be visible; the sandbox is consistent at once, so training waits little. */
  readonly visibility?: VisibilityOptions;
  readonly verification?: { readonly attempts: number; readonly intervalMs: number };
  /** Starts a training scenario's sandbox (tests wrap it to reach the sandbox). */
  readonly startTraining?: (scenario: string) => Promise<TrainingSandbox>;
  /** `--context KEY=VALUE` values, as check takes them: condition keys kms-doctor cannot read. */
  readonly givenContext?: readonly string[];
}

/** The sandbox answers at once: a short wait is plenty. */
const trainingVisibility: VisibilityOptions = { attempts: 6, intervalMs: 25, consecutive: 2 };
const trainingVerification = { attempts: 3, intervalMs: 200 };

interface Connection {
  readonly session: AwsSession;
  readonly asPrincipal?: AwsSession;
  readonly environment: Omit<WizardEnvironment, 'region'>;
}

interface Training {
  readonly scenario: string;
  readonly sandbox: Promise<TrainingSandbox>;
  connection?: Promise<Connection & { readonly sandbox: TrainingSandbox }>;
}

export interface LiveWizard {
  prepare(input: PrepareInput): Promise<PrepareOutput>;
  whoAmI(): Promise<string>;
  lookupDenials(input: CloudTrailLookupInput): Promise<readonly CloudTrailKmsEvent[]>;
  identify(input: StepInput): Promise<IdentifyOutput>;
  readKeyPolicy(): Promise<Observation<KeyPolicyFacts>>;
  readIdentityPolicies(): Promise<IdentityPoliciesOutput>;
  readGrants(): Promise<Observation<readonly GrantFacts[]>>;
  evaluate(facts: DiagnosisFacts): Promise<EvaluateOutput>;
  findSteps(facts: FactsSoFar): Promise<StepFindings>;
  planFix(input: PlanInput): Promise<Plan>;
  applyFix(input: ApplyInput, signal: AbortSignal): Promise<ApplyOutput>;
  dispose(): Promise<void>;
}

/**
 * The scenario's failing call, made now as the principal in trouble (through the service's endpoint
 * path when a service makes it): the error it gets, verbatim, for the scenario's intro. Undefined when
 * the call could not be made (the intro then shows the story and command only).
 */
/** The principal in trouble as the story's job runs it: its profile, or a session created with the scenario's session policy. */
async function principalSession(sandbox: TrainingSandbox) {
  const scoped = sandbox.scopedSession;
  if (!scoped) return openSession({ endpointUrl: sandbox.callEndpoint, region: sandbox.region, profile: sandbox.principalProfile }, sandbox.env);
  const creator = await openSession({ endpointUrl: sandbox.info.endpoint, region: sandbox.region, profile: scoped.sourceProfile }, sandbox.env);
  try {
    const credentials = await sessionWithPolicy(creator, scoped.roleArn, 'training', scoped.policy);
    if (!credentials) throw new Error(`could not assume ${scoped.roleArn} with its session policy`);
    return await openSession({ endpointUrl: sandbox.callEndpoint, region: sandbox.region }, { ...sandbox.env, AWS_PROFILE: '', ...credentials });
  } finally {
    creator.destroy();
  }
}

async function failingCallError(sandbox: TrainingSandbox): Promise<string | undefined> {
  const session = await principalSession(sandbox).catch(() => undefined);
  if (!session) return undefined;
  try {
    // The printed command runs in the profile's Region, whatever Region a key ARN names (wrong-region is exactly that).
    const outcome = await makeFailingCall(session, sandbox.region, sandbox.call);
    return outcome.outcome === 'failed' ? outcome.cliText : undefined;
  } finally {
    session.destroy();
  }
}

/**
 * The goal's other half, checked live after a verified training fix: a KMS dry run as the outsider
 * the scenario names, for every action the fixed call needs, must still be refused.
 */
async function outsiderStillDenied(sandbox: TrainingSandbox, keyArn: string, actions: readonly string[], request: DiagnosisRequest): Promise<GoalCheck | undefined> {
  const outsider = sandbox.outsider;
  if (!outsider) return undefined;
  const region = keyArn.split(':')[3] ?? sandbox.region;
  const session = await openSession({ endpointUrl: sandbox.info.endpoint, region: sandbox.region, profile: outsider.profile }, sandbox.env).catch(() => undefined);
  if (!session) return undefined;
  try {
    // The dry run and the clean-up of a grant an endpoint really created go through src/apply's interface.
    const runner = dryRunnerFor(session, outsider.arn);
    const cleanup = createTargetStore(session);
    const results = [];
    for (const action of actions) {
      results.push(await proveByDryRun(runner, cleanup, { keyArn, region, action, ...(request.encryptionContext ? { encryptionContext: request.encryptionContext } : {}) }));
    }
    const allowed = results.filter((r) => r.outcome !== 'denied').map((r) => r.action);
    const name = outsider.profile;
    return allowed.length === 0
      ? { outsider: name, stillDenied: true, message: `${name} still cannot: a dry run as ${name} is refused for ${actions.join(', ')}` }
      : { outsider: name, stillDenied: false, message: `${name} is not refused for ${allowed.join(', ')}: the fix may allow more than it should` };
  } finally {
    session.destroy();
  }
}

export function createLiveWizard(options: WizardRuntimeOptions): LiveWizard {
  const env = options.env ?? process.env;
  const givenContext = options.givenContext ?? [];
  let real: Promise<Connection> | undefined;
  let training: Training | undefined;
  /** The connection and request of the run in progress, and its facts (read once, shared by the steps). */
  let run: { connection: Connection; request: DiagnosisRequest; facts?: FactSource; evaluated?: DiagnosisFacts } | undefined;

  const realConnection = () =>
    (real ??= openSession(options.connection, env).then((session) => ({
      session,
      environment: {
        ...options.connection,
        backupDir: options.backupDir ?? defaultBackupDir(env),
      },
    })));

  async function trainingConnection(scenario: string) {
    if (training?.scenario !== scenario) {
      const previous = training;
      training = { scenario, sandbox: (options.startTraining ?? startTrainingSandbox)(scenario) };
      // A failed start is forgotten, so choosing the scenario again tries again.
      const current = training;
      current.sandbox.catch(() => {
        if (training === current) training = undefined;
      });
      await stopTraining(previous);
    }
    const current = training;
    current.connection ??= current.sandbox.then(async (sandbox) => {
      const common = { endpointUrl: sandbox.info.endpoint, region: sandbox.region };
      const [session, asPrincipal] = await Promise.all([
        openSession(
          { ...common, profile: sandbox.adminProfile, ...(sandbox.keyProfile ? { keyProfile: sandbox.keyProfile } : {}), ...(sandbox.orgProfile ? { orgProfile: sandbox.orgProfile } : {}) },
          sandbox.env,
        ),
        openSession({ ...common, profile: sandbox.principalProfile }, sandbox.env),
      ]);
      const liveError = await failingCallError(sandbox);
      return {
        sandbox,
        session,
        asPrincipal,
        environment: {
          profile: sandbox.adminProfile,
          ...(sandbox.keyProfile ? { keyProfile: sandbox.keyProfile } : {}),
          endpointUrl: sandbox.info.endpoint,
          backupDir: options.backupDir ?? sandbox.backupDir,
          sandbox: { ...sandbox.info, ...(liveError !== undefined ? { liveError } : {}) },
        },
      };
    });
    return current.connection;
  }

  async function stopTraining(stopping: Training | undefined): Promise<void> {
    if (!stopping) return;
    const connection = await stopping.connection?.catch(() => undefined);
    connection?.session.destroy();
    connection?.asPrincipal?.destroy();
    const sandbox = await stopping.sandbox.catch(() => undefined);
    await sandbox?.stop();
  }

  const current = () => {
    if (!run) throw new Error('no diagnosis is under way');
    return run;
  };
  /** The run's facts; a read that failed is forgotten with them, so RETRY reads afresh. */
  const facts = () => {
    const active = current();
    return (active.facts ??= createFactSource(active.connection.session, active.request));
  };
  const forgettingFailure = async <T>(read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      if (run) run.facts = undefined;
      throw error;
    }
  };

  return {
    async prepare({ answers }) {
      const trainingRun = answers.mode === 'training' && answers.scenario !== undefined ? await trainingConnection(answers.scenario) : undefined;
      if (!trainingRun) await stopTraining(training).finally(() => (training = undefined));
      const connection = trainingRun ?? (await realConnection());
      const used = trainingRun ? trainingRun.sandbox.answers : answers;
      const options = checkOptionsOf({
        ...(used.key !== undefined ? { key: used.key } : {}),
        ...(used.operation !== undefined ? { operation: used.operation } : {}),
        ...(used.principal ? { principal: used.principal } : {}),
        ...(used.encryptionContext !== undefined ? { 'encryption-context': used.encryptionContext } : {}),
        ...(givenContext.length > 0 ? { context: [...givenContext] } : {}),
      });
      // The pasted error's blamed layer is evidence for the verdict, as check --error's is. In training, the
      // error the failing call just got from the sandbox (what the story's team would paste) is used when it
      // blames a layer kms-doctor cannot read (a session policy, a VPC endpoint policy), which is then
      // inferred from it. Only then: the verification after an applied fix re-diagnoses the same request,
      // and an error from before the fix would contradict it; those two layers have no fix to apply.
      const liveError = trainingRun?.environment.sandbox?.liveError;
      const live = liveError !== undefined ? readPastedError(liveError) : undefined;
      const unreadable = live?.kind === 'access-denied' && (live.policyType === 'session' || live.policyType === 'vpc-endpoint');
      const reportedError = used.parsedError ?? (unreadable ? live : undefined);
      const request = { ...diagnosisRequest(options, connection.session), ...(reportedError !== undefined ? { reportedError } : {}) };
      run = { connection, request };
      return { request, environment: { ...connection.environment, region: request.region }, answers: { ...answers, ...used } };
    },
    async whoAmI() {
      return callerArn((await realConnection()).session);
    },
    async lookupDenials({ sinceHours }) {
      const { session } = await realConnection();
      const region = options.connection.region ?? session.region ?? 'us-east-1';
      return lookupKmsDenials(session, { region, since: new Date(Date.now() - sinceHours * 3_600_000), maxPages: 4 });
    },
    async identify({ request }) {
      const active = current();
      // Every identify starts a fresh read of the world: after RESTART, the fix has changed it.
      run = { connection: active.connection, request };
      return forgettingFailure(() => readIdentity(facts()));
    },
    readKeyPolicy: () => forgettingFailure(() => facts().keyPolicy()),
    readIdentityPolicies: () => forgettingFailure(() => readIdentityPolicies(facts())),
    readGrants: () => forgettingFailure(() => facts().grants()),
    // The machine's facts lack the key's aliases and tags (ABAC conditions): the fact source adds them.
    evaluate: (input) =>
      forgettingFailure(async () => {
        const evaluated = await withKeyAttributes(input, facts());
        current().evaluated = evaluated;
        return evaluateFacts(evaluated, facts());
      }),
    findSteps: (input) => findStepsWithKeyAttributes(input, facts()),
    async planFix({ request, facts: diagnosisFacts, result }) {
      const { connection, evaluated } = current();
      return planRemediation(connection.session, { facts: evaluated ?? diagnosisFacts, diagnosis: result.diagnosis, fixes: result.fixes }, request);
    },
    async applyFix({ plan, request, onProgress }, signal) {
      const { connection } = current();
      const inTraining = connection.environment.sandbox !== undefined;
      const visibility = options.visibility ?? (inTraining ? trainingVisibility : undefined);
      const verification = options.verification ?? (inTraining ? trainingVerification : undefined);
      const outcome = await applyRemediation(connection.session, plan, request, {
        backupDir: connection.environment.backupDir,
        onProgress,
        signal,
        ...(connection.asPrincipal ? { asPrincipal: connection.asPrincipal } : {}),
        ...(visibility ? { visibility } : {}),
        ...(verification ? { verification } : {}),
      });
      const { verification: verified } = outcome;
      const keyArn = verified?.diagnosis.key;
      const sandbox = training ? await training.sandbox.catch(() => undefined) : undefined;
      const goal = inTraining && sandbox && verified?.outcome === 'verified' && keyArn ? await outsiderStillDenied(sandbox, keyArn, verified.diagnosis.requiredActions, request) : undefined;
      return {
        report: outcome.report,
        ...(verified ? { verification: { outcome: verified.outcome, message: verified.message, diagnosis: verified.diagnosis } } : {}),
        ...(goal ? { goal } : {}),
      };
    },
    async dispose() {
      const realConnectionNow = await real?.catch(() => undefined);
      realConnectionNow?.session.destroy();
      await stopTraining(training);
      training = undefined;
      run = undefined;
    },
  };
}
