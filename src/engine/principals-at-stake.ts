// Whose access the fixes can change, per account: the principals the blast radius must read, so that
// its cost follows the change and not the size of the account (issue 12).
//
// A principal's KMS decision is a function of the key policy statements whose Principal matches it, its
// own identity policies (and boundary), the grants naming it and the key's state (KMS key access:
// https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html). So a fix can newly
// allow principal Q only if it changes one of those for Q:
// - a key policy: only through the statements it adds or modifies (an Allow) or removes or modifies (a
//   Deny). Such a statement reaches the principals its Principal element names: a role or user ARN (a
//   role session by its role) names that one principal; an account (`111122223333` or its `:root`
//   ARN) delegates to that account's IAM, so every role and user there whose identity policies allow
//   it; `*` and NotPrincipal reach everyone. A Deny whose only change is more ARNs in its
//   `ArnNotEquals aws:PrincipalArn` exception stops applying to exactly those ARNs.
// - an inline identity policy: only the role or user holding it.
// - a managed policy version: every principal it is attached to (directly or through a group), which
//   only a listing of the account finds here.
// - a grant: its grantee.
// - the key's state: nothing the policies do not already allow (the probes take it as settled).
// Service and federated principals are not roles or users, and nothing here probes them.
import type { DiagnosisFacts } from './facts.js';
import type { Fix, FixStep } from './fix.js';
import { accountOfArn, entityOf, parseDiagnosablePrincipal, parsePrincipalRef } from './identifiers.js';

export interface AccountAtStake {
  readonly accountId: string;
  /** Every role and user of the account whose identity policies allow it (a change naming the account or everyone). */
  readonly everyone: boolean;
  /** The roles and users the changes name (entity ARNs; a role session is named by its role), the diagnosed principal left out. */
  readonly named: readonly string[];
}

export interface PrincipalsAtStake {
  /** Only the accounts with a principal at stake; an account absent here has none. */
  readonly accounts: readonly AccountAtStake[];
}

type Statement = Record<string, unknown>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function statementsOf(document: unknown): Statement[] {
  if (!isObject(document)) return [];
  const statement = document.Statement;
  return (Array.isArray(statement) ? statement : [statement]).filter(isObject);
}

/** JSON with object keys sorted: the same statement compares equal however its keys are ordered. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** What one Principal value reaches: an account's everyone, one entity, or everyone everywhere. */
type Reach = { readonly everyone: string } | { readonly named: string; readonly accountId: string } | 'anyone';

function reachOf(value: string): Reach | undefined {
  if (value === '*') return 'anyone';
  if (/^\d{12}$/.test(value)) return { everyone: value };
  const principal = parsePrincipalRef(value);
  switch (principal?.kind) {
    case 'root':
      return { everyone: principal.account };
    case 'user':
    case 'role':
      return { named: value, accountId: principal.account };
    case 'assumed-role':
      // A session names its role (whose path the session ARN lacks): the role of that name.
      return { named: entityOf(principal).arn, accountId: principal.account };
    default:
      // Unique IDs (a deleted principal's AROA…/AIDA…), services, federated and canonical users: no live role or user.
      return undefined;
  }
}

function reachOfStatement(statement: Statement): Reach[] {
  if (statement.NotPrincipal !== undefined) return ['anyone'];
  const principal = statement.Principal;
  if (principal === '*') return ['anyone'];
  if (!isObject(principal)) return [];
  return asList(principal.AWS).flatMap((v) => (typeof v === 'string' ? [reachOf(v)].filter((r): r is Reach => r !== undefined) : []));
}

/** The statement without its `ArnNotEquals aws:PrincipalArn` exception, and the ARNs that exception lists. */
function splitException(statement: Statement): { rest: string; excepted: string[] } {
  const condition = isObject(statement.Condition) ? statement.Condition : {};
  const clauses = isObject(condition.ArnNotEquals) ? condition.ArnNotEquals : {};
  const key = Object.keys(clauses).find((k) => k.toLowerCase() === 'aws:principalarn');
  if (key === undefined) return { rest: canonical(statement), excepted: [] };
  const { [key]: values, ...otherClauses } = clauses;
  const { ArnNotEquals: _exception, ...otherOperators } = condition;
  const conditionLeft = Object.keys(otherClauses).length > 0 ? { ...otherOperators, ArnNotEquals: otherClauses } : otherOperators;
  const { Condition: _condition, ...withoutCondition } = statement;
  const rest = Object.keys(conditionLeft).length > 0 ? { ...withoutCondition, Condition: conditionLeft } : withoutCondition;
  return { rest: canonical(rest), excepted: asList(values).filter((v): v is string => typeof v === 'string') };
}

/** What a key-policy change reaches: the principals of its changed Allows and Denies. */
function keyPolicyReach(before: unknown, after: unknown): Reach[] {
  const beforeStatements = statementsOf(before);
  const afterStatements = statementsOf(after);
  const beforeTexts = new Set(beforeStatements.map(canonical));
  const afterTexts = new Set(afterStatements.map(canonical));
  const reach: Reach[] = [];
  for (const statement of afterStatements) if (statement.Effect === 'Allow' && !beforeTexts.has(canonical(statement))) reach.push(...reachOfStatement(statement));
  const afterExceptions = afterStatements.filter((s) => s.Effect === 'Deny').map(splitException);
  for (const statement of beforeStatements) {
    if (statement.Effect !== 'Deny' || afterTexts.has(canonical(statement))) continue;
    // The same Deny with more ARNs excepted: it stops applying to those ARNs only.
    const { rest, excepted } = splitException(statement);
    const widened = afterExceptions.find((a) => a.rest === rest && excepted.every((arn) => a.excepted.includes(arn)));
    if (widened) reach.push(...widened.excepted.filter((arn) => !excepted.includes(arn)).flatMap((arn) => [reachOf(arn)].filter((r): r is Reach => r !== undefined)));
    else reach.push(...reachOfStatement(statement));
  }
  return reach;
}

function stepReach(facts: DiagnosisFacts, step: FixStep): Reach[] {
  const principal = facts.principal.status === 'known' ? facts.principal.value : undefined;
  const principalAccount = principal?.accountId;
  switch (step.kind) {
    case 'put-key-policy': {
      let after: unknown;
      try {
        after = JSON.parse(step.policy);
      } catch {
        return ['anyone'];
      }
      // Without the policy as it is, every statement of the new one counts as a change.
      return keyPolicyReach(facts.keyPolicy.status === 'known' ? facts.keyPolicy.value.document : undefined, after);
    }
    case 'put-role-policy':
    case 'put-user-policy': {
      const kind = step.kind === 'put-role-policy' ? 'role' : 'user';
      const name = step.kind === 'put-role-policy' ? step.roleName : step.userName;
      if (principal && principal.kind === kind && principal.name === name) return [{ named: principal.entityArn, accountId: principal.accountId }];
      return principalAccount ? [{ named: `arn:aws:iam::${principalAccount}:${kind}/${name}`, accountId: principalAccount }] : ['anyone'];
    }
    case 'create-policy-version': {
      const account = accountOfArn(step.policyArn);
      return account ? [{ everyone: account }] : ['anyone'];
    }
    case 'create-grant':
      return [reachOf(step.granteePrincipal) ?? 'anyone'];
    case 'enable-key':
    case 'cancel-key-deletion':
      return [];
  }
}

/** account:kind:name — a role a session ARN names has no path, its entity ARN has one. */
export function entityKey(arn: string | undefined): string | undefined {
  const principal = arn === undefined ? undefined : parseDiagnosablePrincipal(arn);
  if (!principal) return undefined;
  const entity = entityOf(principal);
  return `${principal.account}:${entity.kind}:${entity.name}`;
}

/**
 * The roles and users whose access the fixes and their alternatives can change, by account; `accounts`
 * (the key's and the principal's) are those a `*` reaches here (the blast radius's "another account"
 * probe stands for the rest). The diagnosed principal is left out: its other requests are probes of
 * their own.
 */
export function principalsAtStake(facts: DiagnosisFacts, fixes: readonly Fix[], accounts: readonly string[]): PrincipalsAtStake {
  const diagnosed = entityKey(facts.principal.status === 'known' ? facts.principal.value.entityArn : (facts.request.principal ? entityOf(facts.request.principal).arn : undefined));
  const everyone = new Set<string>();
  const named = new Map<string, Set<string>>();
  const changing = fixes.flatMap((fix) => [fix, ...(fix.alternatives ?? [])]).filter((fix) => fix.blockedBy === undefined);
  for (const step of changing.flatMap((fix) => fix.steps)) {
    for (const reach of stepReach(facts, step)) {
      if (reach === 'anyone') accounts.forEach((a) => everyone.add(a));
      else if ('everyone' in reach) everyone.add(reach.everyone);
      else if (entityKey(reach.named) !== diagnosed) named.set(reach.accountId, (named.get(reach.accountId) ?? new Set()).add(reach.named));
    }
  }
  const atStake = [...new Set([...everyone, ...named.keys()])];
  return {
    accounts: atStake.map((accountId) => ({ accountId, everyone: everyone.has(accountId), named: everyone.has(accountId) ? [] : [...(named.get(accountId) ?? [])] })),
  };
}
