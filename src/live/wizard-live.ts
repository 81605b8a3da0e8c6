// What the wizard's actors do for real: open the AWS session (or start a training scenario's sandbox),
// read each step's facts when its screen opens, evaluate, plan and apply the fix, verify it. Each actor
// takes the session and the run's reads from its input (the machine's context); what this module keeps
// is only what it opened, to close at exit. It pulls in the AWS SDK and the policy simulator, so
// wizard-actors.ts loads it only after the first frame.
import type { ApplyInput, ApplyOutput, PlanInput, PrepareInput, PrepareOutput, WizardEnvironment } from '../../machines/diagnosis-machine.js';
import { parseArn } from '../engine/identifiers.js';
import { defaultBackupDir } from '../apply/backup.js';
import type { Plan } from '../apply/plan-types.js';
import type { VisibilityOptions } from '../apply/visibility.js';
import { callerArn } from '../aws/caller-identity.js';
import { lookupKmsDenials } from '../aws/cloudtrail-reads.js';
import { proveByDryRun } from '../apply/dry-run.js';
import { dryRunnerFor } from '../aws/dry-run.js';
import { createTargetStore } from '../aws/target-store.js';
import { makeFailingCall, sessionWithPolicy } from '../aws/failing-call.js';
import type { CloudTrailKmsEvent } from '../engine/cloudtrail-event.js';
import { parseKmsError } from '../engine/error-message-parser.js';
import type { CloudTrailLookupInput, GoalCheck } from '../../machines/wizard-types.js';
import { withKeyAttributes } from '../aws/fact-source.js';
import type { DiagnosisRequest } from '../engine/facts.js';
import type { StartAnswers } from '../../machines/wizard-types.js';
import { LiveSession, liveReadsOf, liveSessionOf } from './live-session.js';
import { applyRemediation, planRemediation } from './remediate.js';
import { openSession, type SessionOptions } from './open-session.js';
import { diagnosisRequest, type RequestOptions } from './run-diagnosis.js';
import { startTrainingSandbox, type TrainingSandbox } from './training-sandbox.js';

export interface WizardRuntimeOptions {
  /** `--profile`, `--key-profile`, `--region`, `--endpoint-url`, for real AWS. */
  readonly connection: SessionOptions;
  /** The answers as a request's options, parsed as `check` parses its flags (src/commands provides it). */
  readonly requestOptionsOf: (answers: StartAnswers, givenContext: readonly string[]) => RequestOptions;
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

/** What the wizard's actors do, each from its input; the reading steps are diagnosis-actors.ts's. */
export interface LiveWizard {
  prepare(input: PrepareInput): Promise<PrepareOutput>;
  whoAmI(): Promise<string>;
  lookupDenials(input: CloudTrailLookupInput): Promise<readonly CloudTrailKmsEvent[]>;
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
  const region = parseArn(keyArn)?.region || sandbox.region;
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

/** Where a wizard session reads from: every session the wizard opens has it (check's need none). */
function environmentOf(live: LiveSession): Omit<WizardEnvironment, 'region'> {
  if (live.environment === undefined) throw new Error(`the session to ${live.connectedTo} was not opened by the wizard`);
  return live.environment;
}

export function createLiveWizard(options: WizardRuntimeOptions): LiveWizard {
  const env = options.env ?? process.env;
  const givenContext = options.givenContext ?? [];
  /** The real AWS session: opened on first use and kept for the wizard's life (it never changes). */
  let real: Promise<LiveSession> | undefined;
  /** Every training session opened and not yet closed, to close at exit (a scenario's run takes its own from its input). */
  const training = new Set<Promise<LiveSession>>();

  const realSession = () =>
    (real ??= openSession(options.connection, env).then(
      (session) => new LiveSession({ session, environment: { ...options.connection, backupDir: options.backupDir ?? defaultBackupDir(env) } }),
    ));

  async function openTraining(scenario: string): Promise<LiveSession> {
    const sandbox = await (options.startTraining ?? startTrainingSandbox)(scenario);
    try {
      const common = { endpointUrl: sandbox.info.endpoint, region: sandbox.region };
      const [session, asPrincipal] = await Promise.all([
        openSession(
          { ...common, profile: sandbox.adminProfile, ...(sandbox.keyProfile ? { keyProfile: sandbox.keyProfile } : {}), ...(sandbox.orgProfile ? { orgProfile: sandbox.orgProfile } : {}) },
          sandbox.env,
        ),
        openSession({ ...common, profile: sandbox.principalProfile }, sandbox.env),
      ]);
      const liveError = await failingCallError(sandbox);
      return new LiveSession({
        session,
        asPrincipal,
        sandbox,
        environment: {
          profile: sandbox.adminProfile,
          ...(sandbox.keyProfile ? { keyProfile: sandbox.keyProfile } : {}),
          endpointUrl: sandbox.info.endpoint,
          backupDir: options.backupDir ?? sandbox.backupDir,
          sandbox: { ...sandbox.info, ...(liveError !== undefined ? { liveError } : {}) },
        },
      });
    } catch (error) {
      await sandbox.stop();
      throw error;
    }
  }

  /** A training scenario's session, kept until it is closed; a failed start is forgotten, so choosing the scenario again tries again. */
  function startTraining(scenario: string): Promise<LiveSession> {
    const opening = openTraining(scenario);
    training.add(opening);
    opening.catch(() => training.delete(opening));
    return opening;
  }

  async function closeTraining(session: LiveSession): Promise<void> {
    for (const opening of training) {
      if ((await opening.catch(() => undefined)) === session) training.delete(opening);
    }
    await session.close();
  }

  return {
    async prepare({ answers, session: previousHandle }) {
      const previous = previousHandle === undefined ? undefined : liveSessionOf(previousHandle);
      const scenario = answers.mode === 'training' ? answers.scenario : undefined;
      // The previous run's session is kept when it still fits (the same scenario, or real AWS); a training
      // sandbox that no longer fits is stopped once the new session is open.
      const kept = previous && (scenario === undefined ? previous.sandbox === undefined : previous.sandbox?.info.scenario === scenario) ? previous : undefined;
      const live = kept ?? (scenario !== undefined ? await startTraining(scenario) : await realSession());
      if (previous?.sandbox && previous !== live) await closeTraining(previous);
      const used = live.sandbox ? live.sandbox.answers : answers;
      const parsed = options.requestOptionsOf(used, givenContext);
      // The pasted error's blamed layer is evidence for the verdict, as check --error's is. In training, the
      // error the scenario's call got live is the one the learner saw (and would paste): some causes are
      // known only from it (a ciphertext made with another context or key, a grant not yet in effect).
      const liveError = live.sandbox ? environmentOf(live).sandbox?.liveError : undefined;
      const reportedError = used.parsedError ?? (liveError !== undefined ? parseKmsError(liveError) : undefined);
      const request = { ...diagnosisRequest(parsed, live.session), ...(reportedError !== undefined ? { reportedError } : {}) };
      return { request, session: live, environment: { ...environmentOf(live), region: request.region }, answers: { ...answers, ...used } };
    },
    async whoAmI() {
      return callerArn((await realSession()).session);
    },
    async lookupDenials({ sinceHours }) {
      const { session } = await realSession();
      const region = options.connection.region ?? session.region ?? 'us-east-1';
      return lookupKmsDenials(session, { region, since: new Date(Date.now() - sinceHours * 3_600_000), maxPages: 4 });
    },
    async planFix({ request, facts, result, session, reads }) {
      // The verdict was computed with the key's aliases and tags: the plan sees the same facts.
      const evaluated = reads === undefined ? facts : await liveReadsOf(reads).read((source) => withKeyAttributes(facts, source));
      return planRemediation(liveSessionOf(session).session, { facts: evaluated, diagnosis: result.diagnosis, fixes: result.fixes }, request);
    },
    async applyFix({ plan, request, onProgress, session }, signal) {
      const live = liveSessionOf(session);
      const inTraining = live.sandbox !== undefined;
      const visibility = options.visibility ?? (inTraining ? trainingVisibility : undefined);
      const verification = options.verification ?? (inTraining ? trainingVerification : undefined);
      const outcome = await applyRemediation(live.session, plan, request, {
        backupDir: environmentOf(live).backupDir,
        onProgress,
        signal,
        ...(live.asPrincipal ? { asPrincipal: live.asPrincipal } : {}),
        ...(visibility ? { visibility } : {}),
        ...(verification ? { verification } : {}),
      });
      const { verification: verified } = outcome;
      const keyArn = verified?.diagnosis.key;
      const goal = live.sandbox && verified?.outcome === 'verified' && keyArn ? await outsiderStillDenied(live.sandbox, keyArn, verified.diagnosis.requiredActions, request) : undefined;
      return {
        report: outcome.report,
        ...(verified ? { verification: { outcome: verified.outcome, message: verified.message, diagnosis: verified.diagnosis } } : {}),
        ...(goal ? { goal } : {}),
      };
    },
    async dispose() {
      const realNow = await real?.catch(() => undefined);
      realNow?.session.destroy();
      const opened = await Promise.all([...training].map((opening) => opening.catch(() => undefined)));
      training.clear();
      await Promise.all(opened.map((session) => session?.close()));
    },
  };
}
