// Reading policy documents for explanations: which statements a policy has, whom they name, which
// actions they cover. The decisions themselves come from the evaluation module (policy-evaluation.ts);
// this only lets a diagnosis show the statements behind them in words a newcomer can follow.
import { parsePrincipalRef } from './identifiers.js';

export interface PolicyStatement {
  /** Zero-based position in the policy's Statement list. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** AWS principals the statement names ("*" for everyone); empty when it has no Principal (IAM policies). */
  readonly principals: readonly string[];
  /** Service principals the statement names (logs.us-east-1.amazonaws.com…). */
  readonly servicePrincipals: readonly string[];
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: unknown;
  /** The statement exactly as the document holds it. */
  readonly raw: unknown;
}

const asList = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** The statements of a policy document; a single statement object counts as a list of one. */
export function statementsOf(document: unknown): PolicyStatement[] {
  if (typeof document !== 'object' || document === null) return [];
  // A diagnosis reads the same documents many times (each action, each fix proved): read once per
  // document object (documents are never changed once read); each caller gets its own list.
  let statements = readStatements.get(document);
  if (statements === undefined) {
    statements = readStatementsOf(document);
    readStatements.set(document, statements);
  }
  return [...statements];
}

const readStatements = new WeakMap<object, readonly PolicyStatement[]>();

function readStatementsOf(document: object): PolicyStatement[] {
  const raw = (document as Record<string, unknown>).Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.flatMap((statement, index): PolicyStatement[] => {
    if (typeof statement !== 'object' || statement === null) return [];
    const s = statement as Record<string, unknown>;
    const principal = s.Principal;
    const principals =
      principal === '*'
        ? ['*']
        : typeof principal === 'object' && principal !== null
          ? asList((principal as Record<string, unknown>).AWS)
          : [];
    const servicePrincipals =
      typeof principal === 'object' && principal !== null ? asList((principal as Record<string, unknown>).Service) : [];
    return [
      {
        index,
        ...(typeof s.Sid === 'string' && s.Sid !== '' ? { sid: s.Sid } : {}),
        effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
        principals,
        servicePrincipals,
        actions: asList(s.Action),
        notActions: asList(s.NotAction),
        resources: asList(s.Resource),
        ...(s.Condition !== undefined ? { condition: s.Condition } : {}),
        raw: statement,
      },
    ];
  });
}

/** True when an action pattern (kms:*, kms:Generate*, *) covers the action; IAM compares case-insensitively. */
export function actionPatternMatches(pattern: string, action: string): boolean {
  return patternExpression(pattern).test(action.toLowerCase());
}

// A diagnosis tests every statement's patterns against several actions, many times: each pattern is compiled once.
const patternExpressions = new Map<string, RegExp>();
function patternExpression(pattern: string): RegExp {
  let compiled = patternExpressions.get(pattern);
  if (compiled === undefined) {
    const expression = pattern
      .toLowerCase()
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    compiled = new RegExp(`^${expression}$`);
    if (patternExpressions.size >= 10_000) patternExpressions.clear(); // policies come and go in a long-running sandbox: the cache stays bounded
    patternExpressions.set(pattern, compiled);
  }
  return compiled;
}

/** True when the statement's Action (or NotAction) covers the action. */
/**
 * A unique IAM ID (AIDA… user, AROA… role) standing where a principal ARN should be: IAM shows a policy
 * principal that way once the principal was deleted, and one created again under the same name gets a new ID.
 */
export const uniqueIdPattern = /^A(IDA|ROA)[A-Z0-9]{12,}$/;

export function statementCoversAction(statement: PolicyStatement, action: string): boolean {
  if (statement.notActions.length > 0) return !statement.notActions.some((p) => actionPatternMatches(p, action));
  return statement.actions.some((p) => actionPatternMatches(p, action));
}

/** True when the statement names the account as a whole: arn:aws:iam::ACCOUNT:root or the bare account ID. */
export function namesAccount(statement: PolicyStatement, accountId: string): boolean {
  return statement.principals.some((p) => {
    if (p === accountId) return true;
    const principal = parsePrincipalRef(p);
    return principal?.kind === 'root' && principal.account === accountId;
  });
}

/** True when the statement names one of the given principal ARNs (the entity or the session), or everyone. */
export function namesPrincipal(statement: PolicyStatement, arns: readonly string[]): boolean {
  return statement.principals.some((p) => p === '*' || arns.includes(p));
}

/** "Sid \"X\"" or "statement 2" (counting from 1, as people do), for sentences. */
export function statementLabel(statement: { readonly sid?: string; readonly index?: number; readonly statementId?: string; readonly statementIndex?: number }): string {
  const sid = statement.sid ?? statement.statementId;
  if (sid !== undefined) return `statement "${sid}"`;
  const index = statement.index ?? statement.statementIndex;
  return index !== undefined ? `statement ${index + 1}` : 'a statement';
}

/** A compact view of a statement for evidence: what it allows or denies, to whom, when. */
export function statementSummary(statement: PolicyStatement): Record<string, unknown> {
  const principal =
    statement.principals.length + statement.servicePrincipals.length === 0
      ? undefined
      : [...statement.principals, ...statement.servicePrincipals];
  return {
    ...(statement.sid !== undefined ? { Sid: statement.sid } : { index: statement.index }),
    Effect: statement.effect,
    ...(principal !== undefined ? { Principal: principal.length === 1 ? principal[0] : principal } : {}),
    ...(statement.notActions.length > 0 ? { NotAction: statement.notActions } : { Action: statement.actions.length === 1 ? statement.actions[0] : statement.actions }),
    ...(statement.resources.length > 0 ? { Resource: statement.resources.length === 1 ? statement.resources[0] : statement.resources } : {}),
    ...(statement.condition !== undefined ? { Condition: statement.condition } : {}),
  };
}
