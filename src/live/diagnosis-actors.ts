// The real actors of the decision machine, each a function of its input: identify starts the run's
// reads through the session it is given, every later step continues them (whose reads are already
// under way), and the verdict comes from the engine. The wizard and `check` share them; tests provide
// them against the sandbox.
import { fromPromise } from 'xstate';
import {
  diagnosisMachine,
  type EvaluateInput,
  type EvaluateOutput,
  type FindStepsInput,
  type IdentifyInput,
  type IdentifyResult,
  type IdentityPoliciesOutput,
  type StepInput,
} from '../../machines/diagnosis-machine.js';
import { withKeyAttributes, type FactSource } from '../aws/fact-source.js';
import { diagnose } from '../engine/diagnose.js';
import { EvaluationMemo } from '../engine/evaluation-memo.js';
import type { DiagnosisFacts, GrantFacts, KeyPolicyFacts, Observation } from '../engine/facts.js';
import { proposeProvenFixes } from '../engine/fix-proposal.js';
import { findSteps, type FactsSoFar, type StepFindings } from '../engine/step-findings.js';
import { LiveReads, liveReadsOf, liveSessionOf } from './live-session.js';

export async function evaluateFacts(given: DiagnosisFacts, source?: Pick<FactSource, 'accountPrincipals'>): Promise<EvaluateOutput> {
  // The verdict and each fix's proof ask many of the same evaluations: each distinct one is done once.
  const evaluations = new EvaluationMemo();
  const evaluate = (changed: DiagnosisFacts) => diagnose(changed, { evaluations });
  const diagnosis = await evaluate(given);
  // Fixes are proved by the same evaluation: minimal, and with what each newly allows. Their blast radius
  // reads the other roles and users the fixes can reach, only then (an allowed call costs no read).
  const { fixes, notes } = await proposeProvenFixes(given, diagnosis, evaluate, source ? (stake) => source.accountPrincipals(stake) : undefined);
  return { diagnosis: notes.length > 0 ? { ...diagnosis, notes: [...diagnosis.notes, ...notes] } : diagnosis, fixes };
}

/** Each step's findings from the facts read so far, with the key's aliases and tags as the verdict sees them. */
export async function findStepsWithKeyAttributes(facts: FactsSoFar, source: Pick<FactSource, 'aliases' | 'tags'>): Promise<StepFindings> {
  // Only a policy evaluation tests them: the identify step's findings do not wait for these reads.
  if (facts.keyPolicy === undefined && facts.principalPolicies === undefined) return findSteps(facts);
  const [aliases, tags] = await Promise.all([facts.aliases ?? source.aliases(), facts.tags ?? source.tags()]);
  return findSteps({ ...facts, aliases, tags });
}

/** The identify step: a fresh read of the world through the given session (after RESTART, the fix has changed it). */
export async function identify({ request, session }: IdentifyInput): Promise<IdentifyResult> {
  const reads = new LiveReads(request, liveSessionOf(session));
  const [caller, principal, key] = await reads.read((facts) => Promise.all([facts.caller(), facts.principal(), facts.key()]));
  return { caller, principal, key, reads };
}

export const readKeyPolicy = async ({ reads }: StepInput): Promise<Observation<KeyPolicyFacts>> => liveReadsOf(reads).read((facts) => facts.keyPolicy());

/** The IAM step's reads: the principal's policies, and IAM's simulator. */
export async function readIdentityPolicies({ reads }: StepInput): Promise<IdentityPoliciesOutput> {
  const [principalPolicies, simulation] = await liveReadsOf(reads).read((facts) => Promise.all([facts.principalPolicies(), facts.simulation()]));
  return { principalPolicies, simulation };
}

export const readGrants = async ({ reads }: StepInput): Promise<Observation<readonly GrantFacts[]>> => liveReadsOf(reads).read((facts) => facts.grants());

/** Every fact together: the verdict and the proven fixes. The machine's facts lack the key's aliases and tags (ABAC conditions): the run's reads add them. */
export const evaluate = async ({ facts, reads }: EvaluateInput): Promise<EvaluateOutput> =>
  liveReadsOf(reads).read(async (source) => evaluateFacts(await withKeyAttributes(facts, source), source));

/** Each step's finding; without the run's reads (nothing read yet), from the facts alone. */
export const findStepsOf = async ({ facts, reads }: FindStepsInput): Promise<StepFindings> =>
  reads === undefined ? findSteps(facts) : liveReadsOf(reads).read((source) => findStepsWithKeyAttributes(facts, source));

/** The reading and evaluating actors: each takes the session, the request and the run's reads from its input. */
export const diagnosisActors = {
  identify: fromPromise<IdentifyResult, IdentifyInput>(({ input }) => identify(input)),
  readKeyPolicy: fromPromise<Observation<KeyPolicyFacts>, StepInput>(({ input }) => readKeyPolicy(input)),
  readIdentityPolicies: fromPromise<IdentityPoliciesOutput, StepInput>(({ input }) => readIdentityPolicies(input)),
  readGrants: fromPromise<Observation<readonly GrantFacts[]>, StepInput>(({ input }) => readGrants(input)),
  evaluate: fromPromise<EvaluateOutput, EvaluateInput>(({ input }) => evaluate(input)),
  findSteps: fromPromise<StepFindings, FindStepsInput>(({ input }) => findStepsOf(input)),
};

/** The machine with the live actors: give it `{ request, session }` as its input. */
export const liveDiagnosisMachine = diagnosisMachine.provide({ actors: diagnosisActors });
