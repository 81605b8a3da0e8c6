// The real actors of the decision machine: each step reads from the live fact source (whose reads are
// already under way in parallel), and the verdict comes from the engine. The wizard and `check` share
// them; tests provide them against the sandbox.
import { fromPromise } from 'xstate';
import { diagnosisMachine, type EvaluateOutput, type IdentifyOutput, type IdentityPoliciesOutput, type StepInput } from '../../machines/diagnosis-machine.js';
import { withKeyAttributes, type FactSource } from '../aws/fact-source.js';
import { diagnose } from '../engine/diagnose.js';
import { EvaluationMemo } from '../engine/evaluation-memo.js';
import type { DiagnosisFacts, GrantFacts, KeyPolicyFacts, Observation } from '../engine/facts.js';
import { proposeProvenFixes } from '../engine/fix-proposal.js';
import { findSteps, type FactsSoFar, type StepFindings } from '../engine/step-findings.js';

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

/** The identify step's reads: the caller, the principal and the key. */
export async function readIdentity(facts: FactSource): Promise<IdentifyOutput> {
  const [caller, principal, key] = await Promise.all([facts.caller(), facts.principal(), facts.key()]);
  return { caller, principal, key };
}

/** The IAM step's reads: the principal's policies, and IAM's simulator. */
export async function readIdentityPolicies(facts: FactSource): Promise<IdentityPoliciesOutput> {
  const [principalPolicies, simulation] = await Promise.all([facts.principalPolicies(), facts.simulation()]);
  return { principalPolicies, simulation };
}

/** Each step's findings from the facts read so far, with the key's aliases and tags as the verdict sees them. */
export async function findStepsWithKeyAttributes(facts: FactsSoFar, source: Pick<FactSource, 'aliases' | 'tags'>): Promise<StepFindings> {
  // Only a policy evaluation tests them: the identify step's findings do not wait for these reads.
  if (facts.keyPolicy === undefined && facts.principalPolicies === undefined) return findSteps(facts);
  const [aliases, tags] = await Promise.all([facts.aliases ?? source.aliases(), facts.tags ?? source.tags()]);
  return findSteps({ ...facts, aliases, tags });
}

/** The reading and evaluating actors, each asking `factsOf()` for the fact source of the run in progress. */
export function diagnosisActors(factsOf: () => FactSource) {
  return {
    identify: fromPromise<IdentifyOutput, StepInput>(() => readIdentity(factsOf())),
    readKeyPolicy: fromPromise<Observation<KeyPolicyFacts>, StepInput>(() => factsOf().keyPolicy()),
    readIdentityPolicies: fromPromise<IdentityPoliciesOutput, StepInput>(() => readIdentityPolicies(factsOf())),
    readGrants: fromPromise<Observation<readonly GrantFacts[]>, StepInput>(() => factsOf().grants()),
    // The machine's facts lack the key's aliases and tags (ABAC conditions): they come from the fact source.
    evaluate: fromPromise<EvaluateOutput, DiagnosisFacts>(async ({ input }) => evaluateFacts(await withKeyAttributes(input, factsOf()), factsOf())),
    findSteps: fromPromise<StepFindings, FactsSoFar>(({ input }) => findStepsWithKeyAttributes(input, factsOf())),
  };
}

/** The machine with its actors reading from `facts`. */
export function liveDiagnosisMachine(facts: FactSource) {
  return diagnosisMachine.provide({ actors: diagnosisActors(() => facts) });
}
