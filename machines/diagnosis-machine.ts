// The diagnostic decision tree, as a senior engineer walks it: what failed → who is calling and which
// key → same account or cross account → the key's state → the key policy → the caller's IAM policies
// (evaluated locally and by IAM's simulator) → grants → the verdict, ending on the cause found. In the
// wizard it goes on: the fix is planned, reviewed, confirmed with a typed `yes`, applied, and verified.
//
// Pure: no AWS SDK, no Ink. Every read and write is a named actor placeholder that the CLI provides with
// `.provide({ actors })` (tests provide fixtures or the real adapters against the sandbox). In the
// wizard each step waits on its review screen for CONTINUE/BACK; headless (`check`), it runs through
// and stops at the first state tagged 'verdict'.
import { assign, fromPromise, setup } from 'xstate';
import type { ApplyEvent } from '../src/apply/apply-report.js';
import type { Plan } from '../src/apply/plan-types.js';
import { causeCodes, type CauseCode, type Diagnosis } from '../src/engine/cause.js';
import { answersFromError } from '../src/engine/error-prefill.js';
import { firstStepFor, parseKmsError } from '../src/engine/error-message-parser.js';
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
import type { Fix } from '../src/engine/fix.js';
import { isKeyIdentifier, isPrincipalArn } from '../src/engine/identifiers.js';
import { findOperation } from '../src/engine/operations.js';
import {
  remedyResultOf,
  type ApplyInput,
  type ApplyOutput,
  type PlanInput,
  type PrepareInput,
  type PrepareOutput,
  type RemedyResult,
  type StartAnswers,
  type StartMode,
  type WizardEnvironment,
} from './wizard-types.js';

export * from './wizard-types.js';

export interface IdentifyOutput {
  readonly caller: Observation<CallerFacts>;
  readonly principal: Observation<PrincipalIdentity>;
  readonly key: Observation<KeyFacts>;
}

export interface IdentityPoliciesOutput {
  readonly principalPolicies: Observation<PrincipalPolicyFacts>;
  readonly simulation: Observation<readonly SimulatorResult[]>;
}

export interface EvaluateOutput {
  readonly diagnosis: Diagnosis;
  readonly fixes: readonly Fix[];
}

/** What every reading actor receives: the request and everything learnt so far. */
export interface StepInput {
  readonly request: DiagnosisRequest;
  readonly identity?: IdentifyOutput;
}

/** The steps that read live data, in order. */
export const readingSteps = ['identify', 'keyPolicy', 'identityPolicies', 'grants'] as const;
export type ReadingStep = (typeof readingSteps)[number];

/** Where a failure happened: a read, the evaluation, or planning the fix. */
export type FailedStep = ReadingStep | 'evaluate' | 'plan';

export interface DiagnosisContext {
  readonly interactive: boolean;
  readonly request?: DiagnosisRequest;
  readonly identity?: IdentifyOutput;
  readonly keyPolicy?: Observation<KeyPolicyFacts>;
  readonly identityPolicies?: IdentityPoliciesOutput;
  readonly grants?: Observation<readonly GrantFacts[]>;
  readonly result?: EvaluateOutput;
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
  /** Why the last answer was not taken, or why preparing the run failed. */
  readonly startError?: string;
  /** Who the caller's credentials are (the default principal), once read. */
  readonly currentIdentity?: { readonly arn?: string; readonly error?: string };
  readonly environment?: WizardEnvironment;
  readonly plan?: Plan;
  /** Why the typed confirmation was not accepted. */
  readonly confirmError?: string;
  /** Apply events so far, in order. */
  readonly progress: readonly ApplyEvent[];
  readonly remedy?: ApplyOutput;
}

export type DiagnosisEvent =
  | { type: 'SUBMIT_REQUEST'; request: DiagnosisRequest }
  | { type: 'CONTINUE' }
  | { type: 'BACK' }
  | { type: 'RETRY' }
  // The wizard's start questions
  | { type: 'CHOOSE_START'; mode: StartMode }
  | { type: 'ERROR_PASTED'; text: string }
  | { type: 'OPERATION_CHOSEN'; operation: string }
  | { type: 'KEY_ENTERED'; key: string }
  | { type: 'PRINCIPAL_ENTERED'; principal: string }
  | { type: 'SCENARIO_CHOSEN'; scenario: string }
  // Remediation
  | { type: 'CONFIRM_TEXT'; text: string }
  | { type: 'APPLY_PROGRESS'; event: ApplyEvent }
  /** Runs the diagnosis again from the first read, with the same request. */
  | { type: 'RESTART' };

export interface DiagnosisMachineInput {
  readonly request?: DiagnosisRequest;
  /** True in the wizard: each step waits for CONTINUE. */
  readonly interactive?: boolean;
  /** Answers given as flags. */
  readonly answers?: StartAnswers;
  /** Whether any AWS credentials were found (default true). */
  readonly credentialsFound?: boolean;
}

const notProvided = <Output, Input>(name: string) =>
  fromPromise<Output, Input>(async () => {
    throw new Error(`the ${name} actor was not provided`);
  });

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Records a failed step; the error's `kind` (our adapters classify their errors) is kept for the exit code. */
function failureOf(step: FailedStep | 'apply', error: unknown): NonNullable<DiagnosisContext['failure']> {
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

/** The state name of a cause's leaf, e.g. key-disabled → keyDisabled. */
export const causeLeaf = (code: CauseCode): string => code.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

const primaryCause = (context: DiagnosisContext): CauseCode | undefined => context.result?.diagnosis.causes[0]?.code;

/** Tag carried by every verdict leaf: the diagnosis is complete there. */
export const verdictTag = 'verdict';

/** True once any write of the plan went through (even if later undone): quitting then asks first. */
export const somethingWritten = (context: Pick<DiagnosisContext, 'progress'>): boolean => context.progress.some((event) => event.type === 'written');

const causeLeaves = Object.fromEntries(causeCodes.map((code) => [causeLeaf(code), { tags: [verdictTag] }]));

/** A pasted error read into answers: what it names fills what the user has not answered yet. */
function answersWithError(answers: StartAnswers, text: string): StartAnswers {
  const parsedError = parseKmsError(text);
  if (!parsedError) return answers;
  const fromError = answersFromError(parsedError);
  const focusStep = firstStepFor(parsedError);
  return {
    ...fromError,
    ...answers,
    mode: 'error',
    errorText: text,
    parsedError,
    ...(focusStep !== undefined ? { focusStep } : {}),
  };
}

function initialAnswers(input: DiagnosisMachineInput): StartAnswers {
  const given = input.answers ?? {};
  return given.errorText !== undefined ? answersWithError(given, given.errorText) : given;
}

const stepInput = ({ context }: { context: DiagnosisContext }): StepInput => ({
  request: context.request!,
  ...(context.identity ? { identity: context.identity } : {}),
});

export const diagnosisMachine = setup({
  types: {
    context: {} as DiagnosisContext,
    events: {} as DiagnosisEvent,
    input: {} as DiagnosisMachineInput,
  },
  actors: {
    identify: notProvided<IdentifyOutput, StepInput>('identify'),
    readKeyPolicy: notProvided<Observation<KeyPolicyFacts>, StepInput>('readKeyPolicy'),
    readIdentityPolicies: notProvided<IdentityPoliciesOutput, StepInput>('readIdentityPolicies'),
    readGrants: notProvided<Observation<readonly GrantFacts[]>, StepInput>('readGrants'),
    evaluate: notProvided<EvaluateOutput, DiagnosisFacts>('evaluate'),
    // The wizard only:
    /** Opens the AWS session (or the training sandbox) and turns the answers into a request. */
    prepare: notProvided<PrepareOutput, PrepareInput>('prepare'),
    /** Who the caller's credentials are: the principal by default. */
    whoAmI: notProvided<string, Record<string, never>>('whoAmI'),
    planFix: notProvided<Plan, PlanInput>('planFix'),
    applyFix: notProvided<ApplyOutput, ApplyInput>('applyFix'),
  },
  actions: {
    /** Everything a run learnt, forgotten: RESTART reads it all again. */
    forgetRun: assign({
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
    }),
  },
  guards: {
    hasRequest: ({ context }) => context.request !== undefined,
    headless: ({ context }) => !context.interactive,
    failedAt: ({ context }, params: { step: FailedStep }) => context.failure?.step === params.step,
    primaryCauseIs: ({ context }, params: { code: CauseCode }) => primaryCause(context) === params.code,
    verdictIs: ({ context }, params: { verdict: Diagnosis['verdict'] }) => context.result?.diagnosis.verdict === params.verdict,
    // The wizard's start
    noCredentials: ({ context }) => !context.credentialsFound,
    answered: ({ context }, params: { fields: readonly ('operation' | 'key')[] }) => params.fields.every((field) => context.answers[field] !== undefined),
    startsWith: ({ context }, params: { mode: StartMode }) => context.answers.mode === params.mode,
    chose: (_, params: { mode: StartMode; chosen: StartMode }) => params.mode === params.chosen,
    readableError: (_, params: { text: string }) => parseKmsError(params.text) !== undefined,
    knownOperation: (_, params: { operation: string }) => findOperation(params.operation) !== undefined,
    validKey: (_, params: { key: string }) => isKeyIdentifier(params.key.trim()),
    validPrincipal: (_, params: { principal: string }) => params.principal.trim() === '' || isPrincipalArn(params.principal.trim()),
    // Remediation
    planHasSteps: ({ context }) => (context.plan?.steps.length ?? 0) > 0,
    typedYes: (_, params: { text: string }) => params.text.trim() === 'yes',
    remedyResultIs: ({ context }, params: { result: RemedyResult }) => remedyResultOf(context.remedy) === params.result,
  },
}).createMachine({
  id: 'diagnosis',
  context: ({ input }) => ({
    interactive: input.interactive ?? false,
    credentialsFound: input.credentialsFound ?? true,
    answers: initialAnswers(input),
    progress: [],
    ...(input.request ? { request: input.request } : {}),
  }),
  initial: 'whatFailed',
  states: {
    /** Which operation failed, on which key, for whom (or the pasted error, or a training scenario). */
    whatFailed: {
      initial: 'routing',
      on: { SUBMIT_REQUEST: { target: 'identify', actions: assign({ request: ({ event }) => event.request }) } },
      states: {
        routing: {
          always: [
            { guard: 'hasRequest', target: '#diagnosis.identify' },
            { guard: { type: 'answered', params: { fields: ['operation', 'key'] } }, target: 'review' },
            { guard: { type: 'answered', params: { fields: ['operation'] } }, target: 'key' },
            { guard: 'noCredentials', target: 'scenario' },
            { target: 'choose' },
          ],
        },
        /** Paste the error, choose the operation, or open a training scenario. */
        choose: {
          on: {
            CHOOSE_START: [
              { guard: { type: 'chose', params: ({ event }) => ({ mode: 'error', chosen: event.mode }) }, target: 'pasteError' },
              { guard: { type: 'chose', params: ({ event }) => ({ mode: 'operation', chosen: event.mode }) }, target: 'operation' },
              { target: 'scenario' },
            ],
          },
          exit: assign({ startError: undefined }),
        },
        pasteError: {
          on: {
            ERROR_PASTED: [
              {
                guard: { type: 'readableError', params: ({ event }) => ({ text: event.text }) },
                target: 'afterError',
                actions: assign({ answers: ({ context, event }) => answersWithError({ ...context.answers, mode: 'error' }, event.text) }),
              },
              { actions: assign({ startError: 'That does not read as an AWS KMS or access-denied error message. Paste it again, or press Esc and choose the operation instead.' }) },
            ],
            BACK: 'choose',
          },
          exit: assign({ startError: undefined }),
        },
        /** What the message did not say is asked next. */
        afterError: {
          always: [{ guard: { type: 'answered', params: { fields: ['operation'] } }, target: 'key' }, { target: 'operation' }],
        },
        operation: {
          on: {
            OPERATION_CHOSEN: {
              guard: { type: 'knownOperation', params: ({ event }) => ({ operation: event.operation }) },
              target: 'key',
              actions: assign({ answers: ({ context, event }) => ({ ...context.answers, mode: context.answers.mode ?? 'operation', operation: event.operation }) }),
            },
            BACK: [{ guard: { type: 'startsWith', params: { mode: 'error' } }, target: 'pasteError' }, { target: 'choose' }],
          },
        },
        key: {
          on: {
            KEY_ENTERED: [
              {
                guard: { type: 'validKey', params: ({ event }) => ({ key: event.key }) },
                target: 'principal',
                actions: assign({ answers: ({ context, event }) => ({ ...context.answers, key: event.key.trim() }) }),
              },
              { actions: assign({ startError: ({ event }) => `'${event.key.trim()}' is not a key ID, alias name (alias/…), key ARN or alias ARN.` }) },
            ],
            BACK: 'operation',
          },
          exit: assign({ startError: undefined }),
        },
        principal: {
          invoke: {
            id: 'whoAmI',
            src: 'whoAmI',
            input: {},
            onDone: { actions: assign({ currentIdentity: ({ event }) => ({ arn: event.output }) }) },
            onError: { actions: assign({ currentIdentity: ({ event }) => ({ error: messageOf(event.error) }) }) },
          },
          on: {
            PRINCIPAL_ENTERED: [
              {
                guard: { type: 'validPrincipal', params: ({ event }) => ({ principal: event.principal }) },
                target: 'review',
                actions: assign({ answers: ({ context, event }) => ({ ...context.answers, principal: event.principal.trim() }) }),
              },
              { actions: assign({ startError: ({ event }) => `'${event.principal.trim()}' is not an IAM user, role or role session ARN (leave it empty for yourself).` }) },
            ],
            BACK: 'key',
          },
          exit: assign({ startError: undefined }),
        },
        /** The built-in training scenarios, on the embedded sandbox. */
        scenario: {
          on: {
            SCENARIO_CHOSEN: {
              target: 'preparing',
              actions: assign({ answers: ({ event }) => ({ mode: 'training' as const, scenario: event.scenario }), startError: undefined }),
            },
            BACK: 'choose',
          },
        },
        /** The answers, before anything is read. */
        review: {
          on: {
            CONTINUE: 'preparing',
            BACK: [{ guard: { type: 'startsWith', params: { mode: 'training' } }, target: 'scenario' }, { target: 'principal' }],
          },
        },
        preparing: {
          entry: assign({ startError: undefined }),
          invoke: {
            id: 'prepare',
            src: 'prepare',
            input: ({ context }) => ({ answers: context.answers }),
            onDone: {
              target: '#diagnosis.identify',
              actions: [
                'forgetRun',
                assign({ request: ({ event }) => event.output.request, environment: ({ event }) => event.output.environment, answers: ({ event }) => event.output.answers }),
              ],
            },
            onError: [
              { guard: { type: 'startsWith', params: { mode: 'training' } }, target: 'scenario', actions: assign({ startError: ({ event }) => messageOf(event.error) }) },
              { target: 'review', actions: assign({ startError: ({ event }) => messageOf(event.error) }) },
            ],
          },
        },
      },
    },
    /** Who is calling (STS) and which key this is (DescribeKey): ARN, account, Region, state. */
    identify: {
      initial: 'loading',
      states: {
        loading: {
          invoke: {
            id: 'identify',
            src: 'identify',
            input: ({ context }) => ({ request: context.request! }),
            onDone: { target: 'review', actions: assign({ identity: ({ event }) => event.output }) },
            onError: { target: '#diagnosis.failed', actions: assign({ failure: ({ event }) => failureOf('identify', event.error) }) },
          },
        },
        review: {
          always: { guard: 'headless', target: '#diagnosis.accountBoundary' },
          on: { CONTINUE: '#diagnosis.accountBoundary', BACK: '#diagnosis.whatFailed.review' },
        },
      },
    },
    /** Same account or cross account: which policies must agree, and which identifiers work. */
    accountBoundary: {
      always: { guard: 'headless', target: 'keyState' },
      on: { CONTINUE: 'keyState', BACK: 'identify.review' },
    },
    /** Disabled, pending deletion, pending import…: a key in the wrong state refuses everyone. */
    keyState: {
      always: { guard: 'headless', target: 'keyPolicy' },
      on: { CONTINUE: 'keyPolicy', BACK: 'accountBoundary' },
    },
    /** Does the key policy delegate to IAM (root statement), name the principal, or deny? */
    keyPolicy: {
      initial: 'loading',
      states: {
        loading: {
          invoke: {
            id: 'readKeyPolicy',
            src: 'readKeyPolicy',
            input: stepInput,
            onDone: { target: 'review', actions: assign({ keyPolicy: ({ event }) => event.output }) },
            onError: { target: '#diagnosis.failed', actions: assign({ failure: ({ event }) => failureOf('keyPolicy', event.error) }) },
          },
        },
        review: {
          always: { guard: 'headless', target: '#diagnosis.identityPolicies' },
          on: { CONTINUE: '#diagnosis.identityPolicies', BACK: '#diagnosis.keyState' },
        },
      },
    },
    /** What the principal's IAM policies (and boundary) allow, locally and in IAM's simulator. */
    identityPolicies: {
      initial: 'loading',
      states: {
        loading: {
          invoke: {
            id: 'readIdentityPolicies',
            src: 'readIdentityPolicies',
            input: stepInput,
            onDone: { target: 'review', actions: assign({ identityPolicies: ({ event }) => event.output }) },
            onError: {
              target: '#diagnosis.failed',
              actions: assign({ failure: ({ event }) => failureOf('identityPolicies', event.error) }),
            },
          },
        },
        review: {
          always: { guard: 'headless', target: '#diagnosis.grants' },
          on: { CONTINUE: '#diagnosis.grants', BACK: '#diagnosis.keyPolicy.review' },
        },
      },
    },
    /** Grants on the key: how AWS services (EBS, RDS…) get to use it, and what they allow. */
    grants: {
      initial: 'loading',
      states: {
        loading: {
          invoke: {
            id: 'readGrants',
            src: 'readGrants',
            input: stepInput,
            onDone: { target: 'review', actions: assign({ grants: ({ event }) => event.output }) },
            onError: { target: '#diagnosis.failed', actions: assign({ failure: ({ event }) => failureOf('grants', event.error) }) },
          },
        },
        review: {
          always: { guard: 'headless', target: '#diagnosis.evaluating' },
          on: { CONTINUE: '#diagnosis.evaluating', BACK: '#diagnosis.identityPolicies.review' },
        },
      },
    },
    /** Every layer together: the verdict, its causes and the fixes. */
    evaluating: {
      invoke: {
        id: 'evaluate',
        src: 'evaluate',
        input: ({ context }) => factsOf(context),
        onDone: { target: 'verdict', actions: assign({ result: ({ event }) => event.output }) },
        onError: { target: 'failed', actions: assign({ failure: ({ event }) => failureOf('evaluate', event.error) }) },
      },
    },
    verdict: {
      always: [
        ...causeCodes.map((code) => ({ guard: { type: 'primaryCauseIs' as const, params: { code } }, target: `denied.${causeLeaf(code)}` })),
        { guard: { type: 'verdictIs' as const, params: { verdict: 'allowed' as const } }, target: 'allowed' },
        { target: 'undetermined' },
      ],
    },
    /** Every required action is allowed (by policies or grants) and the key is usable. */
    allowed: { tags: [verdictTag], on: { BACK: 'grants.review', RESTART: { target: 'identify', actions: 'forgetRun' } } },
    /** Denied: one leaf per cause code, named after the first (most decisive) cause. In the wizard, CONTINUE plans the fix. */
    denied: {
      initial: causeLeaf(causeCodes[0]),
      states: causeLeaves,
      on: { CONTINUE: 'remedy', BACK: 'grants.review' },
    },
    /** What could be read does not decide it; `result.diagnosis.unverified` says what to check. */
    undetermined: { tags: [verdictTag], on: { BACK: 'grants.review', RESTART: { target: 'identify', actions: 'forgetRun' } } },
    /** A read failed outright (network, credentials), or planning did: retry it, or continue with what is known. */
    failed: {
      on: {
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
    remedy: {
      initial: 'planning',
      on: { APPLY_PROGRESS: { actions: assign({ progress: ({ context, event }) => [...context.progress, event.event] }) } },
      states: {
        /** Re-reads every target and turns the fixes into ordered, undoable steps. */
        planning: {
          invoke: {
            id: 'planFix',
            src: 'planFix',
            input: ({ context }) => ({ request: context.request!, facts: factsOf(context), result: context.result! }),
            onDone: { target: 'review', actions: assign({ plan: ({ event }) => event.output }) },
            onError: { target: '#diagnosis.failed', actions: assign({ failure: ({ event }) => failureOf('plan', event.error) }) },
          },
        },
        /** The plan: diffs, aws CLI commands, the backups applying will create and how to roll back. */
        review: {
          on: { CONTINUE: { guard: 'planHasSteps', target: 'confirm' }, BACK: '#diagnosis.verdict' },
        },
        /** Names the exact targets and accounts; only a typed `yes` applies. */
        confirm: {
          on: {
            CONFIRM_TEXT: [
              { guard: { type: 'typedYes', params: ({ event }) => ({ text: event.text }) }, target: 'applying' },
              { actions: assign({ confirmError: "Only 'yes' applies the change; Esc goes back to the plan." }) },
            ],
            BACK: 'review',
          },
          exit: assign({ confirmError: undefined }),
        },
        /** Backup, write, wait until visible, for each step; a failing step undoes the earlier ones. Then verification. */
        applying: {
          entry: assign({ progress: [] }),
          invoke: {
            id: 'applyFix',
            src: 'applyFix',
            input: ({ context, self }) => ({
              plan: context.plan!,
              request: context.request!,
              onProgress: (event: ApplyEvent) => self.send({ type: 'APPLY_PROGRESS', event }),
            }),
            onDone: { target: 'finished', actions: assign({ remedy: ({ event }) => event.output }) },
            onError: { target: 'applyFailed', actions: assign({ failure: ({ event }) => failureOf('apply', event.error) }) },
          },
        },
        /** Applying or verifying stopped with an error: the progress says what was written. */
        applyFailed: {
          on: { RESTART: { target: '#diagnosis.identify', actions: 'forgetRun' } },
        },
        finished: {
          initial: 'routing',
          on: { RESTART: { target: '#diagnosis.identify', actions: 'forgetRun' } },
          states: {
            routing: {
              always: [
                { guard: { type: 'remedyResultIs', params: { result: 'verified' } }, target: 'verified' },
                { guard: { type: 'remedyResultIs', params: { result: 'pendingPropagation' } }, target: 'pendingPropagation' },
                { guard: { type: 'remedyResultIs', params: { result: 'stillDenied' } }, target: 'stillDenied' },
                { target: 'rolledBack' },
              ],
            },
            /** The failing call is allowed now (a dry run as the principal proves it where possible). */
            verified: {},
            /** Written, but AWS does not show it everywhere yet. */
            pendingPropagation: {},
            /** Applied, and still denied: another cause remains; RESTART continues the diagnosis. */
            stillDenied: {},
            /** Nothing stayed changed: a step failed, was refused or was stale, and the earlier ones were undone. */
            rolledBack: {},
          },
        },
      },
    },
  },
});
