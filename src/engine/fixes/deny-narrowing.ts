// Narrowing an explicit Deny: the one change kms-doctor makes to an existing statement. It removes only
// the denied actions from the Deny's Action list, and only when that is exact; anything else is refused,
// with the reason, so a human reviews the Deny instead.
import type { StatementLocation } from '../cause.js';
import { actionPatternMatches } from '../policy-statements.js';
import { isObject, sidOf, statementsOf, type PolicyObject } from './policy-documents.js';

export type Narrowing =
  | { readonly ok: true; readonly after: unknown; readonly removed: string[]; readonly remaining: string[] }
  | { readonly ok: false; readonly reason: string };

/** The document with only the denied actions removed from one Deny statement, when that is exact. */
export function narrowDeny(document: unknown, location: StatementLocation, actions: readonly string[]): Narrowing {
  const statements = statementsOf(document);
  if (statements === undefined) return { ok: false, reason: 'The policy has no Statement list.' };
  let index = location.statementIndex;
  if (location.statementId !== undefined && (index === undefined || sidOf(statements[index])[0] !== location.statementId)) {
    const matches = statements.flatMap((s, i) => (sidOf(s)[0] === location.statementId ? [i] : []));
    if (matches.length !== 1) return { ok: false, reason: `The statement ${location.statementId} is not in the policy as read.` };
    index = matches[0];
  }
  const statement = index === undefined ? undefined : statements[index];
  if (!isObject(statement) || statement.Effect !== 'Deny') return { ok: false, reason: 'The statement found there is not a Deny.' };
  if (statement.NotAction !== undefined) {
    return { ok: false, reason: 'The Deny uses NotAction (it denies everything except a list), so removing actions is not a narrowing.' };
  }
  const listed = typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
  if (!Array.isArray(listed) || !listed.every((a): a is string => typeof a === 'string')) {
    return { ok: false, reason: 'The Deny has no Action list kms-doctor can read.' };
  }
  const removed: string[] = [];
  for (const action of actions) {
    const wildcard = listed.find((pattern) => /[*?]/.test(pattern) && actionPatternMatches(pattern, action));
    if (wildcard !== undefined) {
      return { ok: false, reason: `The Deny covers ${action} through "${wildcard}": narrowing it would mean replacing the wildcard with every other action it covers.` };
    }
    const literal = listed.find((a) => a.toLowerCase() === action.toLowerCase());
    if (literal !== undefined) removed.push(literal);
  }
  if (removed.length === 0) return { ok: false, reason: `The Deny does not name ${actions.join(', ')} in its Action list.` };
  const remaining = listed.filter((a) => !removed.includes(a));
  if (remaining.length === 0) {
    return { ok: false, reason: `The Deny denies only ${removed.join(', ')}: narrowing it would delete it.` };
  }
  const narrowedStatement = { ...statement, Action: remaining };
  const policy = document as PolicyObject;
  const after = Array.isArray(policy.Statement)
    ? { ...policy, Statement: statements.map((s, i) => (i === index ? narrowedStatement : s)) }
    : { ...policy, Statement: narrowedStatement };
  return { ok: true, after, removed, remaining };
}

export type Exception = { readonly ok: true; readonly after: unknown } | { readonly ok: false; readonly reason: string };

/**
 * The document with one Deny statement excepting exactly this principal: `ArnNotEquals aws:PrincipalArn`
 * added to its Condition (conditions are ANDed, so the Deny then applies to everyone else as before).
 * An existing ArnNotEquals list on aws:PrincipalArn gets the ARN appended instead.
 */
export function exceptPrincipal(document: unknown, location: StatementLocation, principalArn: string): Exception {
  const found = locateDeny(document, location);
  if (!found.ok) return found;
  const { statement, index, statements } = found;
  const condition = isObject(statement.Condition) ? statement.Condition : {};
  const operator = Object.keys(condition).find((o) => o === 'ArnNotEquals') ?? 'ArnNotEquals';
  const clauses = isObject(condition[operator]) ? (condition[operator] as Record<string, unknown>) : {};
  const key = Object.keys(clauses).find((k) => k.toLowerCase() === 'aws:principalarn') ?? 'aws:PrincipalArn';
  const existing = clauses[key];
  const values = typeof existing === 'string' ? [existing] : Array.isArray(existing) ? existing : [];
  if (values.includes(principalArn)) return { ok: false, reason: `The Deny already excepts ${principalArn}.` };
  const newValue = values.length === 0 ? principalArn : [...values, principalArn];
  const excepted = { ...statement, Condition: { ...condition, [operator]: { ...clauses, [key]: newValue } } };
  const policy = document as PolicyObject;
  const after = Array.isArray(policy.Statement)
    ? { ...policy, Statement: statements.map((s, i) => (i === index ? excepted : s)) }
    : { ...policy, Statement: excepted };
  return { ok: true, after };
}

function locateDeny(
  document: unknown,
  location: StatementLocation,
): { ok: true; statement: Record<string, unknown>; index: number; statements: unknown[] } | { ok: false; reason: string } {
  const statements = statementsOf(document);
  if (statements === undefined) return { ok: false, reason: 'The policy has no Statement list.' };
  let index = location.statementIndex;
  if (location.statementId !== undefined && (index === undefined || sidOf(statements[index])[0] !== location.statementId)) {
    const matches = statements.flatMap((s, i) => (sidOf(s)[0] === location.statementId ? [i] : []));
    if (matches.length !== 1) return { ok: false, reason: `The statement ${location.statementId} is not in the policy as read.` };
    index = matches[0];
  }
  const statement = index === undefined ? undefined : statements[index];
  if (index === undefined || !isObject(statement) || statement.Effect !== 'Deny') return { ok: false, reason: 'The statement found there is not a Deny.' };
  return { ok: true, statement, index, statements };
}
