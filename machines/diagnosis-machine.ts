// The diagnostic decision tree, as a senior engineer walks it: what failed → who is calling and which
// key → same account or cross account → the key's state → the key policy → the caller's IAM policies
// (evaluated locally and by IAM's simulator) → grants → the verdict, ending on the cause found. In the
// wizard it goes on: the fix is planned, reviewed, confirmed with a typed `yes`, applied, and verified.
//
// Pure: no AWS SDK, no Ink. Every read and write is a named actor placeholder that the CLI provides with
// `.provide({ actors })` (tests provide fixtures or the real adapters against the sandbox). Each actor
// gets what it needs in its input, from the context: the request, the session (machine input or
// `prepare`) and the run's reads (`identify`); no actor keeps state of its own. In the
// wizard each step waits on its review screen for CONTINUE/BACK; headless (`check`), it runs through
// and stops at the first state tagged 'verdict'.
//
// Where things are: diagnosis-context.ts (context, events, input, shared helpers), diagnosis-setup.ts
// (actors, actions, guards), start-states.ts (the start questions), remedy-states.ts (remediation),
// live-handles.ts (the session and the run's reads the machine carries for the actors).
// The diagnosis tree itself is below.
import { and, assign, not, or } from 'xstate';
import { causeCodes } from '../src/engine/cause.js';
import { causeLeaf, factsOf, factsSoFar, failureOf, verdictTag, type DiagnosisContext, type StepInput } from './diagnosis-context.js';
import { diagnosisSetup } from './diagnosis-setup.js';
import { remedyState } from './remedy-states.js';
import { initialAnswers, whatFailedState } from './start-states.js';
import type { PredictionStep } from '../src/engine/training-predictions.js';

export * from './wizard-types.js';
export {
  causeLeaf,
  factsOf,
  readingSteps,
  somethingWritten,
  verdictTag,
  type DiagnosisContext,
  type DiagnosisEvent,
  type DiagnosisMachineInput,
  type EvaluateInput,
  type EvaluateOutput,
  type FailedStep,
  type FindStepsInput,
  type IdentifyInput,
  type IdentifyOutput,
  type IdentifyResult,
  type IdentityPoliciesOutput,
  type ReadingStep,
  type RunReads,
  type SessionHandle,
  type StepInput,
} from './diagnosis-context.js';

const causeLeaves = Object.fromEntries(causeCodes.map((code) => [causeLeaf(code), { tags: [verdictTag] }]));

/**
 * After a read, the engine's findings for the steps read so far: the screens render them and the
 * tree's guards read them. Headless runs skip it (`check` reports the verdict only). A failure to
 * conclude is not a failed read: the step is shown with its facts and without a finding.
 */
const concluding = diagnosisSetup.createStateConfig({
  always: { guard: 'headless', target: 'deciding' },
  invoke: {
    id: 'findSteps',
    src: 'findSteps',
    input: ({ context }) => ({ facts: factsSoFar(context), ...(context.reads ? { reads: context.reads } : {}) }),
    onDone: { target: 'deciding', actions: assign({ findings: ({ event }) => event.output }) },
    onError: { target: 'deciding' },
  },
});

/** An unusable key goes straight to its verdict: the other steps are read (the verdict needs them) but not shown. */
const straightToVerdict = and(['keyUnusable', not('checkingTheRest')]);
/** The IAM policies cannot decide: the key policy denies, or neither delegates to IAM nor names the principal. */
const iamDoesNotCount = and([not('keyPolicyUnread'), or(['keyPolicyDeniesRequest', not(or(['keyPolicyDelegatesToIam', 'keyPolicyNamesPrincipal']))])]);
/** The grants step is shown when a grant could decide the request, or the operation makes a service create one. */
const grantsMatter = or(['operationUsesGrants', 'grantsCanDecide']);

/** Back from the verdict: to the last step that was shown. */
const backFromVerdict = [
  { guard: straightToVerdict, target: '#diagnosis.keyState' },
  { guard: grantsMatter, target: '#diagnosis.grants.review' },
  { guard: iamDoesNotCount, target: '#diagnosis.identityPolicies.notCounting' },
  { target: '#diagnosis.identityPolicies.review' },
];

/**
 * The training course: the trainee predicts the step's outcome before its data is shown (the data is
 * read already: the expected answer comes from its findings). The answer is judged and kept; then
 * `deciding` runs again and shows the step.
 */
const predicting = (step: PredictionStep, back: string) =>
  diagnosisSetup.createStateConfig({
    on: {
      PREDICTED: { target: 'deciding', actions: { type: 'recordPrediction', params: { step } } },
      BACK: back,
      // The data comes after the prediction: Enter on the question chooses, it does not skip it.
      CONTINUE: {},
    },
  });
const predictionDue = (step: PredictionStep) => ({ type: 'predictionDue' as const, params: { step } });

const stepInput = ({ context }: { context: DiagnosisContext }): StepInput => ({
  request: context.request!,
  ...(context.reads ? { reads: context.reads } : {}),
  ...(context.identity ? { identity: context.identity } : {}),
});

export const diagnosisMachine = diagnosisSetup.createMachine({
  id: 'diagnosis',
  context: ({ input }) => ({
    interactive: input.interactive ?? false,
    credentialsFound: input.credentialsFound ?? true,
    answers: initialAnswers(input),
    givenAnswers: input.answers ?? {},
    doneScenarios: Object.keys(input.trainingScores ?? {}),
    ...(input.trainingCourse ? { trainingCourse: true, trainingScores: input.trainingScores ?? {} } : {}),
    progress: [],
    ...(input.request ? { request: input.request } : {}),
    ...(input.session ? { session: input.session } : {}),
  }),
  initial: 'whatFailed',
  states: {
    /** Which operation failed, on which key, for whom (or the pasted error, or a training scenario). */
    whatFailed: whatFailedState,
    /** Who is calling (STS) and which key this is (DescribeKey): ARN, account, Region, state. */
    identify: {
      initial: 'loading',
      states: {
        loading: {
          invoke: {
            id: 'identify',
            src: 'identify',
            input: ({ context }) => ({ request: context.request!, ...(context.session ? { session: context.session } : {}) }),
            // The run's reads are kept beside the identity: every later step continues them.
            onDone: { target: 'concluding', actions: assign(({ event: { output } }) => ({ identity: { caller: output.caller, principal: output.principal, key: output.key }, reads: output.reads })) },
            onError: { target: '#diagnosis.failed', actions: assign({ failure: ({ event }) => failureOf('identify', event.error) }) },
          },
        },
        concluding,
        deciding: { always: [{ guard: 'headless', target: '#diagnosis.keyPolicy' }, { target: 'review' }] },
        review: { on: { CONTINUE: '#diagnosis.accountBoundary', BACK: '#diagnosis.whatFailed.review' } },
      },
    },
    /** Same account or across accounts? Across, both sides must allow: the key policy and the principal's IAM. */
    accountBoundary: {
      initial: 'deciding',
      states: {
        deciding: {
          always: [
            { guard: 'isCrossAccount', target: 'crossAccount' },
            { guard: 'isSameAccount', target: 'sameAccount' },
            { target: 'unknown' },
          ],
        },
        sameAccount: {},
        crossAccount: {},
        /** One of the two accounts is unknown: both rules are kept in mind. */
        unknown: {},
      },
      on: { CONTINUE: 'keyState', BACK: 'identify.review' },
    },
    /** Is the key usable? Disabled, pending deletion, pending import…: a key in the wrong state refuses everyone. */
    keyState: {
      initial: 'deciding',
      states: {
        deciding: { always: [{ guard: predictionDue('keyState'), target: 'predict' }, { guard: 'keyUnusable', target: 'unusable' }, { target: 'usable' }] },
        predict: predicting('keyState', '#diagnosis.accountBoundary'),
        usable: {},
        /** CONTINUE reads the rest without showing it and goes straight to the verdict. */
        unusable: {},
      },
      on: { CONTINUE: { target: 'keyPolicy', actions: assign({ checkingTheRest: undefined }) }, BACK: 'accountBoundary' },
    },
    /** Does the key policy deny, name the principal, or delegate to IAM (its account statement)? */
    keyPolicy: {
      initial: 'loading',
      states: {
        loading: {
          invoke: {
            id: 'readKeyPolicy',
            src: 'readKeyPolicy',
            input: stepInput,
            onDone: { target: 'concluding', actions: assign({ keyPolicy: ({ event }) => event.output }) },
            onError: { target: '#diagnosis.failed', actions: assign({ failure: ({ event }) => failureOf('keyPolicy', event.error) }) },
          },
        },
        concluding,
        deciding: {
          always: [
            { guard: 'headless', target: '#diagnosis.identityPolicies' },
            { guard: straightToVerdict, target: '#diagnosis.identityPolicies' },
            { guard: predictionDue('keyPolicy'), target: 'predict' },
            { target: 'review' },
          ],
        },
        predict: predicting('keyPolicy', '#diagnosis.keyState'),
        review: { on: { CONTINUE: '#diagnosis.identityPolicies', BACK: '#diagnosis.keyState' } },
      },
    },
    /** Do the principal's IAM policies (and boundary) allow the key? Shown as not counting when the key policy leaves them out. */
    identityPolicies: {
      initial: 'loading',
      states: {
        loading: {
          invoke: {
            id: 'readIdentityPolicies',
            src: 'readIdentityPolicies',
            input: stepInput,
            onDone: { target: 'concluding', actions: assign({ identityPolicies: ({ event }) => event.output }) },
            onError: {
              target: '#diagnosis.failed',
              actions: assign({ failure: ({ event }) => failureOf('identityPolicies', event.error) }),
            },
          },
        },
        concluding,
        deciding: {
          always: [
            { guard: 'headless', target: '#diagnosis.grants' },
            { guard: straightToVerdict, target: '#diagnosis.grants' },
            { guard: predictionDue('identityPolicies'), target: 'predict' },
            { guard: iamDoesNotCount, target: 'notCounting' },
            { target: 'review' },
          ],
        },
        predict: predicting('identityPolicies', '#diagnosis.keyPolicy.review'),
        /** The key policy delegates, names the principal, or could not be read: the IAM policies are weighed. */
        review: {},
        /** The key policy denies, or neither delegates nor names the principal: no IAM policy can allow this. */
        notCounting: {},
      },
      on: { CONTINUE: '#diagnosis.grants', BACK: '#diagnosis.keyPolicy.review' },
    },
    /** Grants on the key: read always (the verdict weighs them), shown when a grant could decide the request. */
    grants: {
      initial: 'loading',
      states: {
        loading: {
          invoke: {
            id: 'readGrants',
            src: 'readGrants',
            input: stepInput,
            onDone: { target: 'concluding', actions: assign({ grants: ({ event }) => event.output }) },
            onError: { target: '#diagnosis.failed', actions: assign({ failure: ({ event }) => failureOf('grants', event.error) }) },
          },
        },
        concluding,
        deciding: {
          always: [
            { guard: 'headless', target: '#diagnosis.evaluating' },
            { guard: straightToVerdict, target: '#diagnosis.evaluating' },
            { guard: grantsMatter, target: 'review' },
            { target: '#diagnosis.evaluating' },
          ],
        },
        review: {
          on: {
            CONTINUE: '#diagnosis.evaluating',
            BACK: [{ guard: iamDoesNotCount, target: '#diagnosis.identityPolicies.notCounting' }, { target: '#diagnosis.identityPolicies.review' }],
          },
        },
      },
    },
    /** Every layer together: the verdict, its causes and the fixes. */
    evaluating: {
      invoke: {
        id: 'evaluate',
        src: 'evaluate',
        input: ({ context }) => ({ facts: factsOf(context), ...(context.reads ? { reads: context.reads } : {}) }),
        onDone: { target: 'verdict', actions: assign({ result: ({ event }) => event.output }) },
        onError: { target: 'failed', actions: assign({ failure: ({ event }) => failureOf('evaluate', event.error) }) },
      },
    },
    verdict: {
      always: [
        { guard: predictionDue('verdict'), target: 'predictVerdict' },
        { guard: 'contextQuestionPending', target: 'askContext' },
        ...causeCodes.map((code) => ({ guard: { type: 'primaryCauseIs' as const, params: { code } }, target: `denied.${causeLeaf(code)}` })),
        { guard: { type: 'verdictIs' as const, params: { verdict: 'allowed' as const } }, target: 'allowed' },
        { target: 'undetermined' },
      ],
    },
    /** The training course: "which layer says no?" before the verdict is shown. */
    predictVerdict: {
      on: {
        PREDICTED: { target: 'verdict', actions: { type: 'recordPrediction', params: { step: 'verdict' } } },
        BACK: backFromVerdict,
        CONTINUE: {},
      },
    },
    /**
     * The wizard only: the verdict hangs on a condition key nobody can read from here (aws:SourceIp…).
     * The user gives the value the real request carries, and the diagnosis is evaluated again with it;
     * a blank answer or Esc shows the verdict without it.
     */
    askContext: {
      on: {
        CONTEXT_ANSWERED: [
          { guard: 'answeredContext', target: 'evaluating', actions: 'takeContextAnswer' },
          { target: 'verdict', actions: 'declineContextQuestion' },
        ],
        BACK: { target: 'verdict', actions: 'declineContextQuestion' },
      },
    },
    /** Every required action is allowed (by policies or grants) and the key is usable. */
    allowed: { tags: [verdictTag], on: { BACK: backFromVerdict, RESTART: { target: 'identify', actions: 'forgetRun' } } },
    /** Denied: one leaf per cause code, named after the first (most decisive) cause. In the wizard, CONTINUE plans the fix. */
    denied: {
      initial: causeLeaf(causeCodes[0]),
      states: causeLeaves,
      on: { CONTINUE: 'remedy', BACK: backFromVerdict, CHECK_REST: { guard: straightToVerdict, target: 'keyPolicy.review', actions: assign({ checkingTheRest: true }) } },
    },
    /** What could be read does not decide it; `result.diagnosis.unverified` says what to check. */
    undetermined: {
      tags: [verdictTag],
      on: { BACK: backFromVerdict, RESTART: { target: 'identify', actions: 'forgetRun' }, CHECK_REST: { guard: straightToVerdict, target: 'keyPolicy.review', actions: assign({ checkingTheRest: true }) } },
    },
    /** A read failed outright (network, credentials), or planning did: retry it, or continue with what is known. */
    failed: {
      on: {
        // Always a way back: to the plan's verdict, or to the answers (e.g. to choose a training scenario).
        BACK: [{ guard: { type: 'failedAt', params: { step: 'plan' } }, target: 'verdict' }, { target: 'whatFailed.review' }],
        RETRY: [
          { guard: { type: 'failedAt', params: { step: 'identify' } }, target: 'identify.loading' },
          { guard: { type: 'failedAt', params: { step: 'keyPolicy' } }, target: 'keyPolicy.loading' },
          { guard: { type: 'failedAt', params: { step: 'identityPolicies' } }, target: 'identityPolicies.loading' },
          { guard: { type: 'failedAt', params: { step: 'grants' } }, target: 'grants.loading' },
          { guard: { type: 'failedAt', params: { step: 'plan' } }, target: 'remedy.planning' },
          { target: 'evaluating' },
        ],
        CONTINUE: [
          { guard: { type: 'failedAt', params: { step: 'identify' } }, target: 'keyPolicy.loading' },
          { guard: { type: 'failedAt', params: { step: 'keyPolicy' } }, target: 'identityPolicies.loading' },
          { guard: { type: 'failedAt', params: { step: 'identityPolicies' } }, target: 'grants.loading' },
          { guard: { type: 'failedAt', params: { step: 'grants' } }, target: 'evaluating' },
          { guard: { type: 'failedAt', params: { step: 'plan' } }, target: 'verdict' },
        ],
      },
    },
    /** The wizard only: from a denied verdict to the applied and verified fix. */
    remedy: remedyState,
  },
});
