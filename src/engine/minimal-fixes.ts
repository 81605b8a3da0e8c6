// Least privilege, proven: of the fixes proposed (one per cause), keep only those the request needs.
// Each fix is dropped in turn (last cause first, so identity-side fixes go before the key-policy ones
// that make them unnecessary) and the facts with the others applied are diagnosed again, by the same
// evaluation that found the causes: a fix whose absence changes nothing is not proposed. What remains
// is minimal: dropping any one of the kept fixes leaves the request denied (or worse off).
// Pure apart from the evaluation it is given.
import type { Cause, Diagnosis } from './cause.js';
import { list } from './diagnosis-scope.js';
import { factsAfterFixes } from './fix-effects.js';
import type { DiagnosisFacts } from './facts.js';
import type { Fix } from './fix.js';
import { proposeFixes } from './propose-fixes.js';

/** The diagnosis of facts: `diagnose` with the caller's options (organization and session policies…). */
export type Evaluate = (facts: DiagnosisFacts) => Promise<Diagnosis>;

export interface ProvenFixes {
  /** The fixes of the causes that need one, in the diagnosis's order. */
  readonly fixes: Fix[];
  /** The causes the other fixes already repair, with the sentence that says so. */
  readonly unneeded: readonly { readonly cause: Cause; readonly why: string }[];
  /** The diagnosis of the facts with every kept fix applied. */
  readonly after: Diagnosis;
}

/** What is still wrong: each cause with each action it refuses, and each action not allowed. */
function problemsOf(diagnosis: Diagnosis): Set<string> {
  const problems = new Set<string>();
  for (const cause of diagnosis.causes) for (const action of cause.actions.length > 0 ? cause.actions : ['*']) problems.add(`${cause.code}|${cause.layer}|${action}`);
  for (const result of diagnosis.actionResults) if (result.decision !== 'allowed') problems.add(`${result.decision}|${result.action}`);
  return problems;
}

const sameCause = (a: Cause, b: Cause) => a.code === b.code && a.layer === b.layer;
const isSubset = (small: Set<string>, large: Set<string>) => [...small].every((item) => large.has(item));
/** A fix that writes or changes the request; anything else is guidance for a human. */
const acts = (fix: Fix) => fix.blockedBy === undefined && (fix.steps.length > 0 || fix.requestChange !== undefined);

export async function proposeMinimalFixes(facts: DiagnosisFacts, diagnosis: Diagnosis, evaluate: Evaluate): Promise<ProvenFixes> {
  const fixesFor = (causes: readonly Cause[]) => proposeFixes(facts, { ...diagnosis, causes });
  const outcome = (causes: readonly Cause[]) => evaluate(factsAfterFixes(facts, fixesFor(causes)));
  let kept = [...diagnosis.causes];
  let fixes = fixesFor(kept);
  if (!fixes.some(acts)) return { fixes, unneeded: [], after: diagnosis };
  let after = await outcome(kept);
  const unneeded: { cause: Cause; why: string }[] = [];
  for (let index = kept.length - 1; index >= 0 && kept.length > 1; index -= 1) {
    const cause = kept[index]!;
    const fix = fixes[index]!;
    const without = kept.filter((_, i) => i !== index);
    const others = without.length > 0 ? await outcome(without) : undefined;
    if (others === undefined) continue;
    const stillFound = (d: Diagnosis) => d.causes.some((c) => sameCause(c, cause) && c.actions.some((a) => cause.actions.includes(a)));
    const needed = acts(fix)
      ? stillFound(others) || stillFound(after) || !isSubset(problemsOf(others), problemsOf(after))
      : stillFound(after);
    if (needed) continue;
    unneeded.push({
      cause,
      why: `No separate fix for ${cause.code} (${list([...cause.actions])}): once the fix${without.length === 1 ? '' : 'es'} for ${list(without.map((c) => c.code))} ${without.length === 1 ? 'is' : 'are'} applied, the evaluation no longer finds it, so its change would add permissions the call does not need.`,
    });
    kept = without;
    fixes = fixesFor(kept);
    after = others;
  }
  return { fixes, unneeded: unneeded.reverse(), after };
}
