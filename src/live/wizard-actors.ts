// The wizard's machine with its real actors. This module stays light (no AWS SDK, no simulator): the
// live implementation (wizard-live.ts) is imported on first use, or by preload() right after the first
// frame, so the start screen appears before the heavy modules are parsed.
import { fromPromise } from 'xstate';
import type { CloudTrailLookupInput } from '../../machines/wizard-types.js';
import type { CloudTrailKmsEvent } from '../engine/cloudtrail-event.js';
import {
  diagnosisMachine,
  type ApplyInput,
  type ApplyOutput,
  type EvaluateOutput,
  type IdentifyOutput,
  type IdentityPoliciesOutput,
  type PlanInput,
  type PrepareInput,
  type PrepareOutput,
  type StepInput,
} from '../../machines/diagnosis-machine.js';
import type { Plan } from '../apply/plan-types.js';
import type { DiagnosisFacts, GrantFacts, KeyPolicyFacts, Observation } from '../engine/facts.js';
import type { FactsSoFar, StepFindings } from '../engine/step-findings.js';
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
  const machine = diagnosisMachine.provide({
    actors: {
      prepare: fromPromise<PrepareOutput, PrepareInput>(async ({ input }) => (await load()).prepare(input)),
      whoAmI: fromPromise<string, Record<string, never>>(async () => (await load()).whoAmI()),
      lookupDenials: fromPromise<readonly CloudTrailKmsEvent[], CloudTrailLookupInput>(async ({ input }) => (await load()).lookupDenials(input)),
      identify: fromPromise<IdentifyOutput, StepInput>(async ({ input }) => (await load()).identify(input)),
      readKeyPolicy: fromPromise<Observation<KeyPolicyFacts>, StepInput>(async () => (await load()).readKeyPolicy()),
      readIdentityPolicies: fromPromise<IdentityPoliciesOutput, StepInput>(async () => (await load()).readIdentityPolicies()),
      readGrants: fromPromise<Observation<readonly GrantFacts[]>, StepInput>(async () => (await load()).readGrants()),
      evaluate: fromPromise<EvaluateOutput, DiagnosisFacts>(async ({ input }) => (await load()).evaluate(input)),
      findSteps: fromPromise<StepFindings, FactsSoFar>(async ({ input }) => (await load()).findSteps(input)),
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
    preload: () => void load().catch(() => undefined),
    dispose: async () => {
      await applying?.catch(() => undefined);
      if (live) await (await live).dispose();
    },
  };
}
