// The fixes as they are shown and applied: proposed per cause, reduced to the minimal set the request
// needs (minimal-fixes.ts), each with its blast radius (blast-radius.ts), and the sentences that state
// the proof. `check`, `fix` and the wizard all get their fixes from here.
import type { Diagnosis } from './cause.js';
import { blastRadiusStake, probedPrincipalsNotes, withBlastRadius } from './blast-radius.js';
import { list } from './diagnosis-scope.js';
import type { AccountPrincipalsFacts, DiagnosisFacts, Observation } from './facts.js';
import type { Fix } from './fix.js';
import { proposeMinimalFixes, type Evaluate } from './minimal-fixes.js';
import type { PrincipalsAtStake } from './principals-at-stake.js';

export interface FixProposal {
  readonly fixes: Fix[];
  /** For the report: the causes that need no fix of their own, and what the fixes together achieve. */
  readonly notes: string[];
}

/** Reads the roles and users at stake, by account (the fact source's accountPrincipals). */
export type ReadPrincipalsAtStake = (stake: PrincipalsAtStake) => Promise<Readonly<Record<string, Observation<AccountPrincipalsFacts>>>>;

/**
 * `readPrincipals`, when given and the facts hold no principals yet, reads the principals the proposed
 * fixes can reach (principals-at-stake.ts) before their blast radius is evaluated: what is read follows
 * the change, not the size of the account.
 */
export async function proposeProvenFixes(given: DiagnosisFacts, diagnosis: Diagnosis, evaluate: Evaluate, readPrincipals?: ReadPrincipalsAtStake): Promise<FixProposal> {
  if (diagnosis.verdict === 'allowed') return { fixes: [], notes: [] };
  const proven = await proposeMinimalFixes(given, diagnosis, evaluate);
  const stake = blastRadiusStake(given, proven.fixes);
  const facts = readPrincipals && given.accountPrincipals === undefined && stake.accounts.length > 0 ? { ...given, accountPrincipals: await readPrincipals(stake) } : given;
  const fixes = await withBlastRadius(facts, proven.fixes, evaluate, stake);
  const notes = proven.unneeded.map((u) => u.why);
  const changing = fixes.filter((f) => f.blockedBy === undefined && (f.steps.length > 0 || f.requestChange !== undefined));
  // Only a fix that changes a policy or the key has a blast radius to tell about.
  const changesSomething = (f: Fix) => f.blockedBy === undefined && f.steps.length > 0;
  if (fixes.some((f) => changesSomething(f) || (f.alternatives ?? []).some(changesSomething))) notes.push(...probedPrincipalsNotes(facts, stake));
  if (changing.length > 0) {
    const refused = proven.after.actionResults.filter((r) => r.decision !== 'allowed').map((r) => r.action);
    notes.push(
      refused.length === 0
        ? `With the proposed change${changing.length === 1 ? '' : 's'} made, the evaluation allows ${list([...diagnosis.requiredActions])}${changing.length > 1 ? ', and leaving out any one of them leaves the call refused' : ''}.`
        : `Even with the proposed changes made, the evaluation still does not allow ${list(refused)}: the rest needs what kms-doctor cannot change (see the fixes marked "Not proposed").`,
    );
  }
  return { fixes, notes };
}
