// The diagnostic decision tree, as a senior engineer walks it: what failed → who is calling and which
// key → same account or cross account → the key's state → the key policy → the caller's IAM policies
// (evaluated locally and by IAM's simulator) → grants → the verdict, ending on the cause found.
//
// Pure: no AWS SDK, no Ink. Every read is a named actor placeholder that the CLI provides with
// `.provide({ actors })` (tests provide fixtures or the real adapters against the sandbox). In the
// wizard each step waits on its review screen for CONTINUE/BACK; headless (`check`), it runs through.
import { assign, fromPromise, setup } from 'xstate';
import { causeCodes, type CauseCode, type Diagnosis } from '../src/engine/cause.js';
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
    readonly step: ReadingStep | 'evaluate';
    readonly message: string;
    /** The error's own classification when it has one (e.g. credentials, network). */
    readonly kind?: string;
  };
}

export type DiagnosisEvent =
  | { type: 'SUBMIT_REQUEST'; request: DiagnosisRequest }
  | { type: 'CONTINUE' }
  | { type: 'BACK' }
  | { type: 'RETRY' };

export interface DiagnosisMachineInput {
  readonly request?: DiagnosisRequest;
  /** True in the wizard: each step waits for CONTINUE. */
  readonly interactive?: boolean;
}

const notProvided = (name: string) =>
  fromPromise<never, StepInput>(async () => {
    throw new Error(`the ${name} actor was not provided`);
  });

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Records a failed step; the error's `kind` (our adapters classify their errors) is kept for the exit code. */
function failureOf(step: ReadingStep | 'evaluate', error: unknown): NonNullable<DiagnosisContext['failure']> {
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

const causeLeaves = Object.fromEntries(causeCodes.map((code) => [causeLeaf(code), { tags: [verdictTag] }]));

export const diagnosisMachine = setup({
  types: {
    context: {} as DiagnosisContext,
    events: {} as DiagnosisEvent,
    input: {} as DiagnosisMachineInput,
  },
  actors: {
    identify: notProvided('identify') as unknown as ReturnType<typeof fromPromise<IdentifyOutput, StepInput>>,
    readKeyPolicy: notProvided('readKeyPolicy') as unknown as ReturnType<typeof fromPromise<Observation<KeyPolicyFacts>, StepInput>>,
    readIdentityPolicies: notProvided('readIdentityPolicies') as unknown as ReturnType<typeof fromPromise<IdentityPoliciesOutput, StepInput>>,
    readGrants: notProvided('readGrants') as unknown as ReturnType<typeof fromPromise<Observation<readonly GrantFacts[]>, StepInput>>,
    evaluate: notProvided('evaluate') as unknown as ReturnType<typeof fromPromise<EvaluateOutput, DiagnosisFacts>>,
  },
  guards: {
    hasRequest: ({ context }) => context.request !== undefined,
    headless: ({ context }) => !context.interactive,
    failedAt: ({ context }, params: { step: ReadingStep | 'evaluate' }) => context.failure?.step === params.step,
    primaryCauseIs: ({ context }, params: { code: CauseCode }) => primaryCause(context) === params.code,
    verdictIs: ({ context }, params: { verdict: Diagnosis['verdict'] }) => context.result?.diagnosis.verdict === params.verdict,
  },
}).createMachine({
  id: 'diagnosis',
  context: ({ input }) => ({ interactive: input.interactive ?? false, ...(input.request ? { request: input.request } : {}) }),
  initial: 'whatFailed',
  states: {
    /** Which operation failed, on which key, for whom (or the pasted error). */
    whatFailed: {
      always: { guard: 'hasRequest', target: 'identify' },
      on: { SUBMIT_REQUEST: { target: 'identify', actions: assign({ request: ({ event }) => event.request }) } },
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
          on: { CONTINUE: '#diagnosis.accountBoundary', BACK: '#diagnosis.whatFailed' },
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
            input: ({ context }) => ({ request: context.request!, ...(context.identity ? { identity: context.identity } : {}) }),
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
            input: ({ context }) => ({ request: context.request!, ...(context.identity ? { identity: context.identity } : {}) }),
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
            input: ({ context }) => ({ request: context.request!, ...(context.identity ? { identity: context.identity } : {}) }),
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
    allowed: { tags: [verdictTag] },
    /** Denied: one leaf per cause code, named after the first (most decisive) cause. */
    denied: { initial: causeLeaf(causeCodes[0]), states: causeLeaves },
    /** What could be read does not decide it; `result.diagnosis.unverified` says what to check. */
    undetermined: { tags: [verdictTag] },
    /** A read failed outright (network, credentials): retry it, or continue with what is known. */
    failed: {
      on: {
        RETRY: [
          { guard: { type: 'failedAt', params: { step: 'identify' } }, target: 'identify.loading' },
          { guard: { type: 'failedAt', params: { step: 'keyPolicy' } }, target: 'keyPolicy.loading' },
          { guard: { type: 'failedAt', params: { step: 'identityPolicies' } }, target: 'identityPolicies.loading' },
          { guard: { type: 'failedAt', params: { step: 'grants' } }, target: 'grants.loading' },
          { target: 'evaluating' },
        ],
        CONTINUE: [
          { guard: { type: 'failedAt', params: { step: 'identify' } }, target: 'keyPolicy.loading' },
          { guard: { type: 'failedAt', params: { step: 'keyPolicy' } }, target: 'identityPolicies.loading' },
          { guard: { type: 'failedAt', params: { step: 'identityPolicies' } }, target: 'grants.loading' },
          { guard: { type: 'failedAt', params: { step: 'grants' } }, target: 'evaluating' },
        ],
      },
    },
  },
});
