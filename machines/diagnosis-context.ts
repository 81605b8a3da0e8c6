// The decision machine's vocabulary: its context, events and input, what the reading actors
// receive and return, and the small pure helpers the states share (facts for the verdict, leaf names,
// failure records). No XState here: the setup (diagnosis-setup.ts) and the states build on these.
import type { ApplyEvent } from '../src/apply/apply-report.js';
import type { Plan } from '../src/apply/plan-types.js';
import type { CauseCode, Diagnosis } from '../src/engine/cause.js';
import type {
  CallerFacts,
  DiagnosisFacts,
  DiagnosisRequest,
  GrantFacts,
  KeyFacts,
  KeyPolicyFacts,
  Observation,
  PrincipalIdentity,
  PrincipalPolicyFacts,
  SimulatorResult,
} from '../src/engine/facts.js';
import type { CloudTrailKmsEvent } from '../src/engine/cloudtrail-event.js';
import type { FactsSoFar, StepFindings } from '../src/engine/step-findings.js';
import { planNewlyAllows } from '../src/engine/blast-radius.js';
import { contextQuestionFor, type ContextQuestion } from '../src/engine/context-question.js';
import type { Fix, NewlyAllowed } from '../src/engine/fix.js';
import { judgePrediction, predictionFor, type PredictionQuestion, type PredictionStep } from '../src/engine/training-predictions.js';
import type { RunReads, SessionHandle } from './live-handles.js';
import type { ApplyOutput, EvaluateOutput, StartAnswers, StartMode, TrainingScore, WizardEnvironment } from './wizard-types.js';

export type { EvaluateOutput } from './wizard-types.js';
export type { RunReads, SessionHandle } from './live-handles.js';

export interface IdentifyOutput {
  readonly caller: Observation<CallerFacts>;
  readonly principal: Observation<PrincipalIdentity>;
  readonly key: Observation<KeyFacts>;
}

/** What `identify` receives: the session to read through and the request. */
export interface IdentifyInput {
  readonly request: DiagnosisRequest;
  readonly session?: SessionHandle;
}

/** What `identify` returns: the identity, and the run's reads the later steps continue (absent from fixtures). */
export interface IdentifyResult extends IdentifyOutput {
  readonly reads?: RunReads;
}

export interface IdentityPoliciesOutput {
  readonly principalPolicies: Observation<PrincipalPolicyFacts>;
  readonly simulation: Observation<readonly SimulatorResult[]>;
}

/** What every reading actor receives: the request, the run's reads, and everything learnt so far. */
export interface StepInput {
  readonly request: DiagnosisRequest;
  readonly reads?: RunReads;
  readonly identity?: IdentifyOutput;
}

/** What `evaluate` receives: every fact, and the run's reads (for what the steps do not carry: aliases, tags, the account's principals). */
export interface EvaluateInput {
  readonly facts: DiagnosisFacts;
  readonly reads?: RunReads;
}

/** What `findSteps` receives: the facts read so far, and the run's reads (the key's aliases and tags). */
export interface FindStepsInput {
  readonly facts: FactsSoFar;
  readonly reads?: RunReads;
}

/** The steps that read live data, in order. */
export const readingSteps = ['identify', 'keyPolicy', 'identityPolicies', 'grants'] as const;
export type ReadingStep = (typeof readingSteps)[number];

/** Where a failure happened: a read, the evaluation, or planning the fix. */
export type FailedStep = ReadingStep | 'evaluate' | 'plan';

export interface DiagnosisContext {
  readonly interactive: boolean;
  readonly request?: DiagnosisRequest;
  /** The connection the actors read and write through (the machine's input, or what `prepare` opened). */
  readonly session?: SessionHandle;
  /** This run's reads, from `identify`: the later steps continue them. */
  readonly reads?: RunReads;
  readonly identity?: IdentifyOutput;
  readonly keyPolicy?: Observation<KeyPolicyFacts>;
  readonly identityPolicies?: IdentityPoliciesOutput;
  readonly grants?: Observation<readonly GrantFacts[]>;
  readonly result?: EvaluateOutput;
  /** Each step's finding from the facts read so far (the engine's; screens render them, guards read them). */
  readonly findings?: StepFindings;
  /** Condition keys whose value the user chose not to give when asked (the verdict is shown without them). */
  readonly declinedContextKeys?: readonly string[];
  /** The key is unusable, so the wizard went straight to the verdict; the user asked to see the other steps anyway. */
  readonly checkingTheRest?: boolean;
  /** The step whose read failed (network, credentials), and what happened. */
  readonly failure?: {
    readonly step: FailedStep | 'apply';
    readonly message: string;
    /** The error's own classification when it has one (e.g. credentials, network). */
    readonly kind?: string;
  };
  // The wizard only:
  /** False when no AWS credentials were found on this machine: the training scenarios come first. */
  readonly credentialsFound: boolean;
  readonly answers: StartAnswers;
  /** The answers given as flags: a new start (the start menu) goes back to these, forgetting the previous run's. */
  readonly givenAnswers?: StartAnswers;
  /** The training scenarios whose fix was verified in this session, for the done marks. */
  readonly doneScenarios?: readonly string[];
  /** Why the last answer was not taken, or why preparing the run failed. */
  readonly startError?: string;
  /** Who the caller's credentials are (the default principal), once read. */
  readonly currentIdentity?: { readonly arn?: string; readonly error?: string };
  readonly environment?: WizardEnvironment;
  /** The refused KMS calls CloudTrail returned for the picker, newest first. */
  readonly cloudTrailEvents?: readonly CloudTrailKmsEvent[];
  readonly plan?: Plan;
  /** Why the typed confirmation was not accepted. */
  readonly confirmError?: string;
  /** Apply events so far, in order. */
  readonly progress: readonly ApplyEvent[];
  readonly remedy?: ApplyOutput;
  // The training course (`kms-doctor train`) only:
  /** True in the training course: a prediction is asked before each step's data. */
  readonly trainingCourse?: boolean;
  /** This run's predictions, judged against the step findings. */
  readonly predictions?: Readonly<Partial<Record<PredictionStep, PredictionRecord>>>;
  /** The best score of every finished scenario (the progress file's, then this session's). */
  readonly trainingScores?: Readonly<Record<string, TrainingScore>>;
  /** Why the progress could not be saved (the course goes on). */
  readonly progressError?: string;
}

/** A trainee's prediction, judged: what was chosen, what the data says, and why. */
export interface PredictionRecord {
  readonly question: string;
  readonly answer: string;
  readonly answerLabel: string;
  readonly expected: string;
  readonly expectedLabel: string;
  readonly right: boolean;
  /** The step's conclusion (or the verdict's first cause): why the expected answer is the right one. */
  readonly why: string;
}

/** The training course's question before `step`'s data, when the findings (or the verdict) can settle it. */
export function questionFor(context: DiagnosisContext, step: PredictionStep): PredictionQuestion | undefined {
  if (context.trainingCourse !== true || context.findings === undefined) return undefined;
  return predictionFor(step, context.findings, context.result?.diagnosis.causes[0]?.layer);
}

/** The trainee's answer to `step`'s question, judged, with the finding that explains it. */
export function judgedPrediction(context: DiagnosisContext, step: PredictionStep, answer: string): PredictionRecord | undefined {
  const question = questionFor(context, step);
  if (!question) return undefined;
  const { right, expectedLabel } = judgePrediction(question, answer);
  const why = step === 'verdict' ? context.result?.diagnosis.causes[0]?.summary : context.findings?.[step]?.conclusion;
  return {
    question: question.question,
    answer,
    answerLabel: question.choices.find((choice) => choice.value === answer)?.label ?? answer,
    expected: question.expected,
    expectedLabel,
    right,
    why: why ?? '',
  };
}

/** n of m predictions right in this run. */
export function predictionScore(context: Pick<DiagnosisContext, 'predictions'>): TrainingScore {
  const records = Object.values(context.predictions ?? {});
  return { right: records.filter((record) => record.right).length, asked: records.length };
}

export type DiagnosisEvent =
  | { type: 'SUBMIT_REQUEST'; request: DiagnosisRequest }
  | { type: 'CONTINUE' }
  | { type: 'BACK' }
  | { type: 'RETRY' }
  /** From the verdict reached straight from an unusable key: show the key policy, IAM and grants anyway. */
  | { type: 'CHECK_REST' }
  // The wizard's start questions
  | { type: 'CHOOSE_START'; mode: StartMode }
  | { type: 'ERROR_PASTED'; text: string }
  | { type: 'OPERATION_CHOSEN'; operation: string }
  | { type: 'KEY_ENTERED'; key: string }
  | { type: 'PRINCIPAL_ENTERED'; principal: string }
  | { type: 'SCENARIO_CHOSEN'; scenario: string }
  /** The value of the condition key the verdict hangs on (blank: not known, show the verdict without it). */
  | { type: 'CONTEXT_ANSWERED'; value: string }
  /** The CloudTrail picker: the chosen event, by its index in cloudTrailEvents. */
  | { type: 'CLOUDTRAIL_EVENT_CHOSEN'; index: number }
  // Remediation
  | { type: 'CONFIRM_TEXT'; text: string }
  | { type: 'APPLY_PROGRESS'; event: ApplyEvent }
  /** Runs the diagnosis again from the first read, with the same request. */
  | { type: 'RESTART' }
  /** The training course: the trainee's prediction before a step's data (a choice's value). */
  | { type: 'PREDICTED'; answer: string };

export interface DiagnosisMachineInput {
  readonly request?: DiagnosisRequest;
  /** The connection to read through (headless `check`); the wizard's `prepare` opens its own. */
  readonly session?: SessionHandle;
  /** True in the wizard: each step waits for CONTINUE. */
  readonly interactive?: boolean;
  /** Answers given as flags. */
  readonly answers?: StartAnswers;
  /** Whether any AWS credentials were found (default true). */
  readonly credentialsFound?: boolean;
  /** `kms-doctor train`: the scenario list first, and a prediction before each step's data. */
  readonly trainingCourse?: boolean;
  /** The training course's saved progress: each finished scenario's best score. */
  readonly trainingScores?: Readonly<Record<string, TrainingScore>>;
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Records a failed step; the error's `kind` (our adapters classify their errors) is kept for the exit code. */
export function failureOf(step: FailedStep | 'apply', error: unknown): NonNullable<DiagnosisContext['failure']> {
  const kind = (error as { kind?: unknown } | null)?.kind;
  return { step, message: messageOf(error), ...(typeof kind === 'string' ? { kind } : {}) };
}

/** Assembles the facts the verdict is computed from; a step skipped after a failure counts as unreadable. */
export function factsOf(context: DiagnosisContext): DiagnosisFacts {
  const missing = (call: string): Observation<never> => ({ status: 'unreadable', reason: 'error', call, message: 'not read: the step failed and was skipped' });
  return {
    request: context.request!,
    caller: context.identity?.caller ?? missing('sts:GetCallerIdentity'),
    principal: context.identity?.principal ?? missing('iam:GetRole'),
    key: context.identity?.key ?? missing('kms:DescribeKey'),
    keyPolicy: context.keyPolicy ?? missing('kms:GetKeyPolicy'),
    principalPolicies: context.identityPolicies?.principalPolicies ?? missing('iam:GetRolePolicy'),
    simulation: context.identityPolicies?.simulation ?? missing('iam:SimulatePrincipalPolicy'),
    grants: context.grants ?? missing('kms:ListGrants'),
  };
}

/** The facts read so far, for the step findings: a step not read yet is absent, not unreadable. */
export function factsSoFar(context: DiagnosisContext): FactsSoFar {
  return {
    request: context.request!,
    ...(context.identity ? { caller: context.identity.caller, principal: context.identity.principal, key: context.identity.key } : {}),
    ...(context.keyPolicy ? { keyPolicy: context.keyPolicy } : {}),
    ...(context.identityPolicies ? { principalPolicies: context.identityPolicies.principalPolicies, simulation: context.identityPolicies.simulation } : {}),
    ...(context.grants ? { grants: context.grants } : {}),
  };
}

/** The state name of a cause's leaf, e.g. key-disabled → keyDisabled. */
export const causeLeaf = (code: CauseCode): string => code.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

export const primaryCause = (context: DiagnosisContext): CauseCode | undefined => context.result?.diagnosis.causes[0]?.code;

/** What the planned fixes newly allow beyond the request (their blast radius, from the engine). */
export const planBlastRadius = (context: DiagnosisContext): NewlyAllowed[] =>
  planNewlyAllows(context.result?.fixes ?? [], (context.plan?.steps ?? []).map((step) => step.fixIndex));

/** The condition key the wizard asks the value of before showing an undetermined verdict (the engine decides). */
export const pendingContextQuestion = (context: DiagnosisContext): ContextQuestion | undefined =>
  context.result && context.request ? contextQuestionFor(context.result.diagnosis, context.request, context.declinedContextKeys) : undefined;

/** Tag carried by every verdict leaf: the diagnosis is complete there. */
export const verdictTag = 'verdict';

/** True once any write of the plan went through (even if later undone): quitting then asks first. */
export const somethingWritten = (context: Pick<DiagnosisContext, 'progress'>): boolean => context.progress.some((event) => event.type === 'written');
