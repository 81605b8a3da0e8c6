// The machine's setup: its types, the actors the CLI provides (placeholders that throw until then), the
// shared actions and every guard, grouped by the job that uses them. The state configs (start-states.ts,
// remedy-states.ts, the tree in diagnosis-machine.ts) are typed against this with `createStateConfig`.
import { assign, fromPromise, setup } from 'xstate';
import type { Plan } from '../src/apply/plan-types.js';
import type { CauseCode, Diagnosis } from '../src/engine/cause.js';
import { confirmationWord } from '../src/engine/blast-radius.js';
import { readPastedError, type CloudTrailKmsEvent } from '../src/engine/cloudtrail-event.js';
import { explainPastedError } from '../src/engine/error-explanation.js';
import type { GrantFacts, KeyPolicyFacts, Observation } from '../src/engine/facts.js';
import { withContextAnswer } from '../src/engine/context-question.js';
import { isKeyIdentifier, isPrincipalArn } from '../src/engine/identifiers.js';
import type { StepFindings } from '../src/engine/step-findings.js';
import { findOperation } from '../src/engine/operations.js';
import type { PredictionStep } from '../src/engine/training-predictions.js';
import {
  judgedPrediction,
  pendingContextQuestion,
  planBlastRadius,
  primaryCause,
  questionFor,
  type DiagnosisContext,
  type DiagnosisEvent,
  type DiagnosisMachineInput,
  type EvaluateInput,
  type EvaluateOutput,
  type FailedStep,
  type FindStepsInput,
  type IdentifyInput,
  type IdentifyResult,
  type IdentityPoliciesOutput,
  type StepInput,
} from './diagnosis-context.js';
import {
  remedyResultOf,
  type ApplyInput,
  type CloudTrailLookupInput,
  type ApplyOutput,
  type PlanInput,
  type PrepareInput,
  type PrepareOutput,
  type RecordTrainingInput,
  type RemedyResult,
  type TrainingScore,
  type StartMode,
} from './wizard-types.js';

const notProvided = <Output, Input>(name: string) =>
  fromPromise<Output, Input>(async () => {
    throw new Error(`the ${name} actor was not provided`);
  });

export const diagnosisSetup = setup({
  types: {
    context: {} as DiagnosisContext,
    events: {} as DiagnosisEvent,
    input: {} as DiagnosisMachineInput,
  },
  actors: {
    identify: notProvided<IdentifyResult, IdentifyInput>('identify'),
    readKeyPolicy: notProvided<Observation<KeyPolicyFacts>, StepInput>('readKeyPolicy'),
    readIdentityPolicies: notProvided<IdentityPoliciesOutput, StepInput>('readIdentityPolicies'),
    readGrants: notProvided<Observation<readonly GrantFacts[]>, StepInput>('readGrants'),
    evaluate: notProvided<EvaluateOutput, EvaluateInput>('evaluate'),
    /**
     * Each step's finding from the facts read so far. The engine is pure, so this one works unprovided
     * (loaded on first use: it brings the policy simulator); the CLI provides it with the key's aliases and tags.
     */
    findSteps: fromPromise<StepFindings, FindStepsInput>(async ({ input }) => (await import('../src/engine/step-findings.js')).findSteps(input.facts)),
    // The wizard only:
    /** Opens the AWS session (or the training sandbox) and turns the answers into a request. */
    prepare: notProvided<PrepareOutput, PrepareInput>('prepare'),
    /** Who the caller's credentials are: the principal by default. */
    whoAmI: notProvided<string, Record<string, never>>('whoAmI'),
    /** The refused KMS calls in CloudTrail, newest first (the picker). */
    lookupDenials: notProvided<readonly CloudTrailKmsEvent[], CloudTrailLookupInput>('lookupDenials'),
    planFix: notProvided<Plan, PlanInput>('planFix'),
    applyFix: notProvided<ApplyOutput, ApplyInput>('applyFix'),
    /**
     * The training course: a verified scenario's score kept (`kms-doctor train` provides the progress
     * file); returns every finished scenario's best score. Unprovided, nothing is kept.
     */
    recordTraining: fromPromise<Readonly<Record<string, TrainingScore>> | undefined, RecordTrainingInput>(async () => undefined),
  },
  actions: {
    /** Everything a run learnt, forgotten: RESTART reads it all again. */
    /** The answer to the condition-key question becomes a given context value, as --context KEY=VALUE would. */
    takeContextAnswer: assign({
      request: ({ context, event }) => {
        const question = pendingContextQuestion(context);
        return event.type === 'CONTEXT_ANSWERED' && question && context.request ? withContextAnswer(context.request, question.key, event.value) : context.request;
      },
    }),
    /** Not known: the verdict is shown without the value, and the same key is not asked again in this run. */
    declineContextQuestion: assign({
      declinedContextKeys: ({ context }) => {
        const key = pendingContextQuestion(context)?.key;
        return key === undefined ? context.declinedContextKeys : [...(context.declinedContextKeys ?? []), key];
      },
    }),
    forgetRun: assign({
      // The error AWS reported (pasted, or the training call's) described the world before a fix was
      // applied: a run after one reads the world afresh without it, or every fix that worked would read
      // as "reported denied, evaluates allowed".
      request: ({ context }) => {
        if (context.remedy === undefined || context.request?.reportedError === undefined) return context.request;
        const { reportedError: _before, ...request } = context.request;
        return request;
      },
      declinedContextKeys: undefined,
      reads: undefined,
      identity: undefined,
      keyPolicy: undefined,
      identityPolicies: undefined,
      grants: undefined,
      result: undefined,
      findings: undefined,
      checkingTheRest: undefined,
      failure: undefined,
      plan: undefined,
      remedy: undefined,
      confirmError: undefined,
      progress: [],
      predictions: undefined,
    }),
    /**
     * A new start forgets the previous run entirely: its answers (back to the flags), its request and
     * its environment (the training sandbox's marker and profiles), so nothing of a scenario leaks into
     * the diagnosis of a real error.
     */
    startAfresh: assign({
      answers: ({ context }) => context.givenAnswers ?? {},
      request: undefined,
      environment: undefined,
      reads: undefined,
      identity: undefined,
      keyPolicy: undefined,
      identityPolicies: undefined,
      grants: undefined,
      result: undefined,
      failure: undefined,
      plan: undefined,
      remedy: undefined,
      confirmError: undefined,
      progress: [],
      predictions: undefined,
      progressError: undefined,
    }),
    /** The trainee's prediction before `step`'s data, judged against the findings. */
    recordPrediction: assign(({ context, event }, params: { step: PredictionStep }) => {
      if (event.type !== 'PREDICTED') return {};
      const record = judgedPrediction(context, params.step, event.answer);
      return record ? { predictions: { ...context.predictions, [params.step]: record } } : {};
    }),
    /** The training scenario just fixed and verified gets its done mark (only when verified). */
    markScenarioDone: assign({
      doneScenarios: ({ context }) => {
        const scenario = context.environment?.sandbox?.scenario;
        const done = context.doneScenarios ?? [];
        return scenario === undefined || remedyResultOf(context.remedy) !== 'verified' || done.includes(scenario) ? done : [...done, scenario];
      },
    }),
  },
  guards: {
    inTraining: ({ context }) => context.environment?.sandbox !== undefined,
    /** `kms-doctor train`: the scenario list is the start. */
    trainingCourse: ({ context }) => context.trainingCourse === true,
    /** The training course asks `step`'s question before its data (once per run, when the findings settle it). */
    predictionDue: ({ context }, params: { step: PredictionStep }) => context.predictions?.[params.step] === undefined && questionFor(context, params.step) !== undefined,
    preparedTraining: (_, params: { training: boolean }) => params.training,
    pickedEvent: ({ context }, params: { index: number }) => context.cloudTrailEvents?.[params.index] !== undefined,
    explainedScenario: ({ context }) => explainPastedError(context.answers.parsedError)?.scenario !== undefined,
    hasRequest: ({ context }) => context.request !== undefined,
    headless: ({ context }) => !context.interactive,
    /** The wizard asks for a condition key's value when the verdict hangs on it (the engine decides). */
    contextQuestionPending: ({ context }) => context.interactive && pendingContextQuestion(context) !== undefined,
    answeredContext: ({ event }) => event.type === 'CONTEXT_ANSWERED' && event.value.trim() !== '',
    failedAt: ({ context }, params: { step: FailedStep }) => context.failure?.step === params.step,
    primaryCauseIs: ({ context }, params: { code: CauseCode }) => primaryCause(context) === params.code,
    verdictIs: ({ context }, params: { verdict: Diagnosis['verdict'] }) => context.result?.diagnosis.verdict === params.verdict,
    // The diagnosis tree: the questions an engineer asks, answered by the engine's step findings.
    /** Is the key in another account than the principal? */
    isCrossAccount: ({ context }) => context.findings?.accountBoundary?.crossAccount === true,
    /** Are the key and the principal known to be in the same account? */
    isSameAccount: ({ context }) => context.findings?.accountBoundary?.crossAccount === false,
    /** Does the key's state refuse the call, whatever the policies say? */
    keyUnusable: ({ context }) => context.findings?.keyState?.usable === false,
    /** Did the user ask to see the remaining steps although the key is unusable? */
    checkingTheRest: ({ context }) => context.checkingTheRest === true,
    /** Could the key policy not be read (or not be evaluated)? Then IAM is shown as if it counted. */
    keyPolicyUnread: ({ context }) => context.findings?.keyPolicy === undefined || !context.findings.keyPolicy.read || Object.keys(context.findings.keyPolicy.perAction).length === 0,
    /** Does a key policy statement that holds for this request deny it? */
    keyPolicyDeniesRequest: ({ context }) => context.findings?.keyPolicy?.denies === true,
    /** Does the key policy hand the request to the IAM policies of the principal's account (its account statement)? */
    keyPolicyDelegatesToIam: ({ context }) => context.findings?.keyPolicy?.delegatesToIam === true,
    /** Does the key policy allow the principal itself (or everyone)? */
    keyPolicyNamesPrincipal: ({ context }) => context.findings?.keyPolicy?.namesPrincipal === true,
    /** Does the operation make an AWS service create a grant (EBS, RDS…)? */
    operationUsesGrants: ({ context }) => context.request?.operation.usesGrants === true,
    /** Could a grant still decide the request: the policies refuse it without an explicit deny? */
    grantsCanDecide: ({ context }) => context.findings?.grants?.canDecide === true,
    // The wizard's start
    noCredentials: ({ context }) => !context.credentialsFound,
    /** A real diagnosis (not training) with no credentials on the machine cannot read anything. */
    needsCredentials: ({ context }) => !context.credentialsFound && context.answers.mode !== 'training',
    answered: ({ context }, params: { fields: readonly ('operation' | 'key')[] }) => params.fields.every((field) => context.answers[field] !== undefined),
    startsWith: ({ context }, params: { mode: StartMode }) => context.answers.mode === params.mode,
    chose: (_, params: { mode: StartMode; chosen: StartMode }) => params.mode === params.chosen,
    readableError: (_, params: { text: string }) => readPastedError(params.text) !== undefined,
    knownOperation: (_, params: { operation: string }) => findOperation(params.operation) !== undefined,
    validKey: (_, params: { key: string }) => isKeyIdentifier(params.key.trim()),
    validPrincipal: (_, params: { principal: string }) => params.principal.trim() === '' || isPrincipalArn(params.principal.trim()),
    // Remediation
    planHasSteps: ({ context }) => (context.plan?.steps.length ?? 0) > 0,
    typedYes: (_, params: { text: string }) => params.text.trim() === 'yes',
    /** "yes", or "accept" when the plan newly allows more than the request: the user acknowledges its blast radius. */
    typedConfirmation: ({ context }, params: { text: string }) => params.text.trim() === confirmationWord(planBlastRadius(context)),
    remedyResultIs: ({ context }, params: { result: RemedyResult }) => remedyResultOf(context.remedy) === params.result,
  },
});
