// Which statements of a policy can apply to a request, decided before the simulator sees the policy
// (issue 12: a big key policy has dozens of statements for other accounts' principals, and the
// simulator matches every statement's resource, principal and condition on every evaluation). A
// statement is left out only when it provably cannot match, so that leaving it out changes nothing
// but the simulator's list of unmatched statements, which nothing here reads:
// - its Action list names no pattern that can match the action (patterns compared as the simulator
//   does: `*`, or the same service and the action part as a case-insensitive wildcard; a pattern with
//   any other character is taken as possibly matching). A NotAction statement is always kept.
// - in a resource policy, its Principal is only `{"AWS": …}` and every value is a wildcard-free ARN
//   (iam or sts) or account ID of another account than the caller's: AWS matches such a principal
//   only within its account (IAM User Guide, "AWS JSON policy elements: Principal"; the simulator's
//   principal.js compares whole ARNs, a role with its sessions in the same account, and account IDs).
//   NotPrincipal statements and any other principal element are always kept.
// The statements kept keep their order; `kept` maps each one's position back to its index in the
// document, so that what the evaluation reports names the statement of the document as written.
// Two documents with the same view (same statements kept, from the same indexes) evaluate alike: the
// evaluation memo keys on views, so a fix's change that no probe's action can see costs no evaluation.

import { accountOfArn, parseArn } from './identifiers.js';

export interface FilteredDocument {
  readonly document: unknown;
  /** For each statement of `document`, its zero-based index in the original document. */
  readonly kept: readonly number[];
}

const safePattern = /^[A-Za-z0-9*?_-]+$/;

/** False only when the action pattern cannot match the action in the simulator's comparison. */
export function actionPatternMayMatch(pattern: unknown, action: string): boolean {
  if (typeof pattern !== 'string') return true;
  if (pattern === '*') return true;
  const colon = pattern.indexOf(':');
  if (colon === -1) return true;
  const service = pattern.slice(0, colon);
  const name = pattern.slice(colon + 1);
  if (!safePattern.test(service) || !safePattern.test(name) || service.includes('*') || service.includes('?')) return true;
  const [actionService, actionName] = [action.slice(0, action.indexOf(':')), action.slice(action.indexOf(':') + 1)];
  if (service.toLowerCase() !== actionService.toLowerCase()) return false;
  return wildcardExpression(name).test(actionName);
}

const expressions = new Map<string, RegExp>();
function wildcardExpression(pattern: string): RegExp {
  let expression = expressions.get(pattern);
  if (expression === undefined) {
    expression = new RegExp(`^${pattern.replace(/\?/g, '.').replace(/\*/g, '.*')}$`, 'i');
    if (expressions.size >= 10_000) expressions.clear(); // policies come and go in a long-running sandbox: the cache stays bounded
    expressions.set(pattern, expression);
  }
  return expression;
}

/** The one account a Principal value names exactly (an account ID, or an IAM/STS ARN without wildcards); undefined when it is anything else (kept). */
function accountOfValue(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  const arn = parseArn(value);
  if (arn === undefined || (arn.service !== 'iam' && arn.service !== 'sts') || /[*?\s]/.test(arn.resource)) return undefined;
  return accountOfArn(value);
}

/** The account of a caller ARN (user, role, assumed-role or federated-user session); undefined when it has none. */
export function callerAccountOf(principalArn: string): string | undefined {
  const service = parseArn(principalArn)?.service;
  return service === 'iam' || service === 'sts' ? accountOfArn(principalArn) : undefined;
}

function mayApply(statement: unknown, action: string, callerAccount: string | undefined): boolean {
  if (typeof statement !== 'object' || statement === null) return true;
  const s = statement as Record<string, unknown>;
  if (s.NotAction !== undefined || s.Action === undefined) return true;
  const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
  if (!actions.some((pattern) => actionPatternMayMatch(pattern, action))) return false;
  if (callerAccount === undefined || s.NotPrincipal !== undefined) return true;
  const principal = s.Principal;
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) return true;
  const keys = Object.keys(principal);
  if (keys.length !== 1 || keys[0] !== 'AWS') return true;
  const aws = (principal as Record<string, unknown>).AWS;
  const values = Array.isArray(aws) ? aws : [aws];
  if (values.length === 0) return true;
  return values.some((value) => {
    if (typeof value !== 'string') return true;
    const account = accountOfValue(value);
    return account === undefined || account === callerAccount;
  });
}

/**
 * The document with only the statements that may apply to `action` (and, for a resource policy, to a
 * caller of `callerAccount`); undefined when every statement may apply.
 */
export function statementsThatMayApply(document: unknown, action: string, callerAccount?: string): FilteredDocument | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const statements = (document as Record<string, unknown>).Statement;
  const list = Array.isArray(statements) ? statements : statements === undefined ? [] : [statements];
  const kept: number[] = [];
  list.forEach((statement, index) => {
    if (mayApply(statement, action, callerAccount)) kept.push(index);
  });
  if (kept.length === list.length) return undefined;
  return { document: { ...(document as Record<string, unknown>), Statement: kept.map((index) => list[index]) }, kept };
}

/** What the simulator is given of a document for a request: the statements that may apply, and their indexes. */
export interface DocumentView {
  readonly document: unknown;
  /** For each statement of `document`, its zero-based index in the original document. */
  readonly kept: readonly number[];
}

const views = new WeakMap<object, Map<string, DocumentView>>();

/**
 * The view of a document for `action` (and a resource policy's `callerAccount`), once per document
 * object and request (documents are never changed once read).
 */
export function documentView(document: unknown, action: string, callerAccount?: string): DocumentView {
  if (typeof document !== 'object' || document === null) return { document, kept: [] };
  let byRequest = views.get(document);
  if (byRequest === undefined) {
    byRequest = new Map();
    views.set(document, byRequest);
  }
  const key = `${action.toLowerCase()}|${callerAccount ?? ''}`;
  let view = byRequest.get(key);
  if (view === undefined) {
    const filtered = statementsThatMayApply(document, action, callerAccount);
    const statements = (document as Record<string, unknown>).Statement;
    const count = Array.isArray(statements) ? statements.length : statements === undefined ? 0 : 1;
    view = filtered ?? { document, kept: Array.from({ length: count }, (_, index) => index) };
    byRequest.set(key, view);
  }
  return view;
}
