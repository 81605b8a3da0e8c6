// The machine's setup: its types, the actors the CLI provides (placeholders that throw until then), the
// shared actions and every guard, grouped by the job that uses them. The state configs (start-states.ts,
// remedy-states.ts, the tree in diagnosis-machine.ts) are typed against this with `createStateConfig`.
import { assign, fromPromise, setup } from 'xstate';
import type { Plan } from '../src/apply/plan-types.js';
import type { CauseCode, Diagnosis } from '../src/engine/cause.js';
import { confirmationWord } from '../src/engine/blast-radius.js';
import { parseKmsError } from '../src/engine/error-message-parser.js';
import type { DiagnosisFacts, GrantFacts, KeyPolicyFacts, Observation } from '../src/engine/facts.js';
import { isKeyIdentifier, isPrincipalArn } from '../src/engine/identifiers.js';
import { findOperation } from '../src/engine/operations.js';
import {
  planBlastRadius,
  primaryCause,
  type DiagnosisContext,
  type DiagnosisEvent,
  type DiagnosisMachineInput,
  type EvaluateOutput,
  type FailedStep,
  type IdentifyOutput,
  type IdentityPoliciesOutput,
  type StepInput,
} from './diagnosis-context.js';
import {
  remedyResultOf,
  type ApplyInput,
  type ApplyOutput,
  type PlanInput,
  type PrepareInput,
  type PrepareOutput,
  type RemedyResult,
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
    /** "yes", or "accept" when the plan newly allows more than the request: the user acknowledges its blast radius. */
    typedConfirmation: ({ context }, params: { text: string }) => params.text.trim() === confirmationWord(planBlastRadius(context)),
    remedyResultIs: ({ context }, params: { result: RemedyResult }) => remedyResultOf(context.remedy) === params.result,
  },
});
