// The wizard's machine with its real actors. This module stays light (no AWS SDK, no simulator): the
// live implementations (wizard-live.ts, diagnosis-actors.ts) are imported on first use, or by preload()
// right after the first frame, so the start screen appears before the heavy modules are parsed. Each
// actor passes its input through: the session and the run's reads are in the machine's context.
import { fromPromise } from 'xstate';
import type { CloudTrailLookupInput } from '../../machines/wizard-types.js';
import type { CloudTrailKmsEvent } from '../engine/cloudtrail-event.js';
import {
  diagnosisMachine,
  type ApplyInput,
  type ApplyOutput,
  type EvaluateInput,
  type EvaluateOutput,
  type FindStepsInput,
  type IdentifyInput,
  type IdentifyResult,
  type IdentityPoliciesOutput,
  type PlanInput,
  type PrepareInput,
  type PrepareOutput,
  type StepInput,
} from '../../machines/diagnosis-machine.js';
import type { Plan } from '../apply/plan-types.js';
import type { GrantFacts, KeyPolicyFacts, Observation } from '../engine/facts.js';
import type { StepFindings } from '../engine/step-findings.js';
import type { LiveWizard, WizardRuntimeOptions } from './wizard-live.js';

export type { WizardRuntimeOptions } from './wizard-live.js';

export interface WizardRuntime {
  /** The decision machine with the live actors provided. */
  readonly machine: ReturnType<typeof diagnosisMachine.provide>;
  /** Starts loading the AWS SDK and the simulator in the background. */
  preload(): void;
  /** Closes the AWS clients and stops a training sandbox. */
  dispose(): Promise<void>;
}

export function createWizardRuntime(options: WizardRuntimeOptions): WizardRuntime {
  let live: Promise<LiveWizard> | undefined;
  /** An apply in progress: stopping the wizard aborts it between steps (undoing what it wrote), and dispose waits for that. */
  let applying: Promise<unknown> | undefined;
  const load = () => (live ??= import('./wizard-live.js').then((module) => module.createLiveWizard(options)));
  // The reading steps hold no state of the wizard's: they are loaded on first use, like the rest.
  const steps = () => import('./diagnosis-actors.js');
  const machine = diagnosisMachine.provide({
    actors: {
      prepare: fromPromise<PrepareOutput, PrepareInput>(async ({ input }) => (await load()).prepare(input)),
      whoAmI: fromPromise<string, Record<string, never>>(async () => (await load()).whoAmI()),
      lookupDenials: fromPromise<readonly CloudTrailKmsEvent[], CloudTrailLookupInput>(async ({ input }) => (await load()).lookupDenials(input)),
      identify: fromPromise<IdentifyResult, IdentifyInput>(async ({ input }) => (await steps()).identify(input)),
      readKeyPolicy: fromPromise<Observation<KeyPolicyFacts>, StepInput>(async ({ input }) => (await steps()).readKeyPolicy(input)),
      readIdentityPolicies: fromPromise<IdentityPoliciesOutput, StepInput>(async ({ input }) => (await steps()).readIdentityPolicies(input)),
      readGrants: fromPromise<Observation<readonly GrantFacts[]>, StepInput>(async ({ input }) => (await steps()).readGrants(input)),
      evaluate: fromPromise<EvaluateOutput, EvaluateInput>(async ({ input }) => (await steps()).evaluate(input)),
      findSteps: fromPromise<StepFindings, FindStepsInput>(async ({ input }) => (await steps()).findStepsOf(input)),
      planFix: fromPromise<Plan, PlanInput>(async ({ input }) => (await load()).planFix(input)),
      applyFix: fromPromise<ApplyOutput, ApplyInput>(async ({ input, signal }) => {
        const run = (await load()).applyFix(input, signal);
        applying = run;
        return run;
      }),
    },
  });
  return {
    machine,
    preload: () => void Promise.all([load(), steps()]).catch(() => undefined),
    dispose: async () => {
      await applying?.catch(() => undefined);
      if (live) await (await live).dispose();
    },
  };
}
