// Each step's finding, from the facts read so far: the account boundary, the key's state, the key
// policy, the IAM policies and the grants, each with its conclusion in plain words, the statements or
// grants that decide it (from the same evaluation as the verdict: diagnose.ts's evaluateAction, the key
// checks and the grant rule), and what it means for the next step. The wizard's machine assigns these
// after each read and its guards read them; the screens only render them. Pure: no I/O.
import { evaluateAction, grantLetsSubject, policyVerdict } from './diagnose.js';
import { list, sameAccount, scopeOf, who, type ActionEvaluation, type DiagnoseOptions, type Scope } from './diagnosis-scope.js';
import type { DiagnosisFacts, Observation } from './facts.js';
import { grantOperationFor } from './grant-match.js';
import { keyStateCause } from './key-checks.js';
import { InvalidPolicyError } from './policy-evaluation.js';
import { identityPoliciesFinding, keyPolicyFinding } from './statement-findings.js';
import type { AccountBoundaryFinding, GrantFinding, GrantsFinding, KeyPolicyFinding, KeyStateFinding, StepConclusion, StepFindings } from './step-finding-types.js';

export type * from './step-finding-types.js';

/** The facts read so far: the request always; the rest as each step reads it. */
export type FactsSoFar = Pick<DiagnosisFacts, 'request'> & Partial<Omit<DiagnosisFacts, 'request'>>;

const notYetRead: Observation<never> = { status: 'skipped', why: 'not read yet' };

function identifyFinding(scope: Scope): StepConclusion {
  const { facts, subject, key } = scope;
  const request = facts.request;
  const principal = facts.principal.status === 'known' ? facts.principal.value : undefined;
  if (key && principal) {
    return { tone: 'ok', conclusion: `${principal.name} (${principal.kind} in ${principal.accountId}) calls ${request.operation.actions.join(' + ')} on key ${key.keyId} in ${key.accountId}.` };
  }
  const observation = facts.key;
  if (observation.status === 'unreadable' && observation.reason === 'not-found') {
    const account = facts.caller.status === 'known' ? facts.caller.value.accountId : subject?.accountId;
    return { tone: 'bad', conclusion: `No key ${request.key.text} in ${request.region} (as seen from account ${account ?? '?'}).` };
  }
  if (observation.status === 'unreadable' && observation.reason === 'access-denied') {
    return { tone: 'warn', conclusion: 'KMS would not describe the key to these credentials: a first hint that its key policy does not trust them. The next steps go on with what is known.' };
  }
  return { tone: 'warn', conclusion: 'Part of this could not be read; the next steps go on with what is known.' };
}

function accountBoundaryFinding(scope: Scope): AccountBoundaryFinding {
  const name = who(scope);
  const principalAccount = scope.subject?.accountId;
  const keyAccount = scope.keyAccount;
  const crossAccount = sameAccount(scope) === undefined ? undefined : !sameAccount(scope);
  const accounts = { ...(principalAccount !== undefined ? { principalAccount } : {}), ...(keyAccount !== undefined ? { keyAccount } : {}) };
  if (crossAccount === undefined) return { ...accounts, tone: 'warn', conclusion: 'One of the two accounts is unknown, so both rules are kept in mind.' };
  if (!crossAccount) {
    return {
      ...accounts,
      crossAccount,
      tone: 'ok',
      conclusion: `Same account (${keyAccount}): the key policy decides. If it names ${name}, that is enough; if it delegates to IAM (a statement for the account), ${name}'s IAM policies must allow the key too.`,
      next: 'The key policy says whether the IAM policies count.',
    };
  }
  return {
    ...accounts,
    crossAccount,
    tone: 'warn',
    conclusion: `Cross account: the key policy in ${keyAccount} must allow ${name} or account ${principalAccount}, AND ${name}'s IAM policies in ${principalAccount} must allow the key: two yeses.`,
    next: 'Both sides are read: the key policy in the key’s account, the IAM policies in the principal’s.',
  };
}

/** KMS answers a key in the wrong state with these exceptions, not AccessDeniedException (KMS developer guide, "Key states"). */
const stateExceptions: Record<string, string> = {
  Disabled: 'DisabledException',
  PendingDeletion: 'KMSInvalidStateException (or DisabledException)',
  PendingReplicaDeletion: 'KMSInvalidStateException (or DisabledException)',
  PendingImport: 'KMSInvalidStateException',
  Unavailable: 'KMSInvalidStateException',
  Creating: 'KMSInvalidStateException',
  Updating: 'KMSInvalidStateException',
};

function keyStateFinding(scope: Scope): KeyStateFinding {
  const key = scope.key;
  if (!key) return { tone: 'warn', conclusion: 'The key could not be described, so its state is unknown.' };
  const cause = keyStateCause(scope);
  if (!cause) {
    return key.state === 'Enabled'
      ? { state: key.state, usable: true, tone: 'ok', conclusion: 'The key is enabled: its state is not what refuses the call.' }
      : { state: key.state, usable: true, tone: 'ok', conclusion: `The key is ${key.state}, but ${list(scope.actions)} work${scope.actions.length === 1 ? 's' : ''} in that state.` };
  }
  const exception = stateExceptions[key.state] ?? 'KMSInvalidStateException';
  const answer = ` KMS answers with ${exception}, not AccessDeniedException.`;
  const next = 'An unusable key refuses everyone: no policy or grant changes that, so the verdict comes next (the policies can still be checked).';
  switch (key.state) {
    case 'Disabled':
      return {
        state: key.state,
        usable: false,
        tone: 'bad',
        conclusion: `The key is disabled: KMS refuses every cryptographic operation with it until it is enabled again.${answer} Before enabling it, find in CloudTrail who disabled it and why (LookupEvents, EventName=DisableKey).`,
        next,
      };
    case 'PendingDeletion':
    case 'PendingReplicaDeletion':
      return {
        state: key.state,
        usable: false,
        tone: 'bad',
        conclusion: `The key is scheduled for deletion${key.deletionDate ? ` on ${key.deletionDate.slice(0, 10)}` : ''}: it refuses every use until the deletion is cancelled and the key enabled.${answer} Find in CloudTrail who scheduled it (EventName=ScheduleKeyDeletion) before cancelling.`,
        next,
      };
    default:
      return { state: key.state, usable: false, tone: 'bad', conclusion: `The key is ${key.state}: it cannot be used in this state.${answer}`, next };
  }
}

function grantWords(scope: Scope, finding: Omit<GrantFinding, 'why'>): string {
  const name = who(scope);
  if (finding.allows.length > 0) return `allows ${name} ${list(finding.allows)}`;
  if (!finding.forPrincipal) return 'for another principal';
  const missing = scope.actions.filter((a) => grantOperationFor(a) !== undefined && !finding.grant.operations.includes(grantOperationFor(a)!));
  if (missing.length > 0) return `for ${name}, but not for ${list(missing)}`;
  if (finding.grant.constraints) return `for ${name}, but its encryption-context constraint does not match this request`;
  return `for ${name}, but not for what this request needs`;
}

function grantsFinding(scope: Scope, evaluations: readonly ActionEvaluation[] | undefined, keyState: KeyStateFinding): GrantsFinding {
  const name = who(scope);
  const operation = scope.facts.request.operation;
  const serviceNote = operation.usesGrants
    ? ` ${operation.name} makes the service create a grant for ${name}: ${name} needs kms:CreateGrant (with kms:GrantIsForAWSResource) to let it.`
    : '';
  const observation = scope.facts.grants;
  if (observation.status !== 'known') {
    return { read: false, grants: [], canDecide: false, tone: 'warn', conclusion: `The grants could not be listed.${serviceNote}` };
  }
  const subject = scope.subject;
  const arns = subject ? [subject.entityArn, subject.arn] : [];
  const grants = observation.value.map((grant): GrantFinding => {
    const partial = {
      grant,
      forPrincipal: arns.includes(grant.granteePrincipal),
      allows: subject ? scope.actions.filter((a) => grantLetsSubject(scope, subject, a, grant)) : [],
    };
    return { ...partial, why: grantWords(scope, partial) };
  });
  // Grants can decide an action the policies leave refused without an explicit deny, on a usable key.
  const open = (evaluations ?? [])
    .filter((e) => grantOperationFor(e.action) !== undefined)
    .filter((e) => {
      const verdict = policyVerdict(scope, e);
      return verdict.decision !== 'allowed' && verdict.grantMayAllow;
    })
    .map((e) => e.action);
  // An AWS managed key of another account is refused before any grant counts (as the sandbox refuses it).
  const managedElsewhere = scope.key?.manager === 'AWS' && subject !== undefined && scope.key.accountId !== subject.accountId;
  // Without an evaluation (who or which key unknown, or a policy not valid) a grant may decide: unknown counts as yes.
  const canDecide = !managedElsewhere && keyState.usable !== false && (evaluations === undefined || open.length > 0);
  const result = (tone: GrantsFinding['tone'], conclusion: string): GrantsFinding => ({ read: true, grants, canDecide, tone, conclusion: conclusion + serviceNote });
  if (managedElsewhere) return result('bad', `This AWS managed key serves only its own account (${scope.key!.accountId}): no grant lets ${name} use it from account ${subject.accountId}.`);
  if (evaluations === undefined) {
    const mine = grants.filter((g) => g.forPrincipal);
    return result('warn', `The policies could not be evaluated, so whether a grant decides is open: ${mine.length === 0 ? `no grant concerns ${name}` : `${mine.length} grant${mine.length === 1 ? ' concerns' : 's concern'} ${name}`}.`);
  }
  if (canDecide) {
    const allowing = grants.filter((g) => g.allows.some((a) => open.includes(a)));
    const covered = open.filter((a) => allowing.some((g) => g.allows.includes(a)));
    const uncovered = open.filter((a) => !covered.includes(a));
    if (uncovered.length === 0) return result('ok', `Grant ${allowing.map((g) => g.grant.grantId).join(', ')} allows ${name} ${list(covered)}, which the policies do not.`);
    if (!grants.some((g) => g.forPrincipal)) return result('warn', `No grant concerns ${name}, so none makes up for what the policies refuse (${list(uncovered)}).`);
    return result('bad', `No grant allows ${name} ${list(uncovered)} for this request, and the policies do not either.`);
  }
  const mine = grants.filter((g) => g.forPrincipal);
  if (mine.length > 0) return result('ok', `${mine.length} grant${mine.length === 1 ? ' gives' : 's give'} ${name} operations on this key; ${keyState.usable === false ? 'the key’s state refuses them anyway' : 'the policies decide this request without them'}.`);
  return result('ok', `No grant concerns ${name}: grants neither help nor hinder here.`);
}

/** Every required action evaluated, as diagnose() evaluates them; undefined when the verdict could not evaluate either. */
async function evaluationsOf(scope: Scope): Promise<ActionEvaluation[] | undefined> {
  const { subject, keyArn, keyAccount } = scope;
  if (subject === undefined || keyArn === undefined || keyAccount === undefined) return undefined;
  if (scope.keyPolicy === undefined && scope.identityPolicies === undefined) return undefined;
  try {
    const evaluations: ActionEvaluation[] = [];
    for (const action of scope.actions) evaluations.push(await evaluateAction(scope, subject, keyArn, keyAccount, action));
    return evaluations;
  } catch (error) {
    if (error instanceof InvalidPolicyError) return undefined;
    throw error;
  }
}

/**
 * Each step's finding from the facts read so far. Identify gives the account boundary and the key's
 * state; the key policy, the IAM policies and the grants each give their own once read.
 */
export async function findSteps(facts: FactsSoFar, options: DiagnoseOptions = {}): Promise<StepFindings> {
  const identified = facts.caller !== undefined || facts.principal !== undefined || facts.key !== undefined;
  const complete: DiagnosisFacts = {
    caller: notYetRead,
    principal: notYetRead,
    key: notYetRead,
    keyPolicy: notYetRead,
    principalPolicies: notYetRead,
    simulation: notYetRead,
    grants: notYetRead,
    ...facts,
  };
  const scope = scopeOf(complete, options);
  if (!identified) return {};
  const accountBoundary = accountBoundaryFinding(scope);
  const keyState = keyStateFinding(scope);
  const evaluations = facts.keyPolicy !== undefined || facts.principalPolicies !== undefined ? await evaluationsOf(scope) : undefined;
  // The IAM step needs the key policy's finding even when it could not be read (it then says so).
  const keyPolicy: KeyPolicyFinding = keyPolicyFinding(scope, evaluations, accountBoundary.crossAccount);
  return {
    identify: identifyFinding(scope),
    accountBoundary,
    keyState,
    ...(facts.keyPolicy !== undefined ? { keyPolicy } : {}),
    ...(facts.principalPolicies !== undefined ? { identityPolicies: identityPoliciesFinding(scope, evaluations, keyPolicy, accountBoundary.crossAccount) } : {}),
    ...(facts.grants !== undefined ? { grants: grantsFinding(scope, evaluations, keyState) } : {}),
  };
}
