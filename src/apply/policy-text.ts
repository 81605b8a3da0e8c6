// Policy documents as the apply step compares them. AWS hands documents back reformatted (KMS may
// re-indent, IAM URL-encodes and may reorder keys), so "still the same document" has to mean the same
// policy, not the same bytes (SDK-AND-SAFETY §1.4, Terraform's PoliciesAreEquivalent). Equivalence here
// ignores whitespace, key order, "x" versus ["x"] and the order of list members; any other difference —
// one action, one condition value, one statement — counts as a change, and is named in words.
import { isObject } from '../engine/fixes/policy-documents.js';

/** The parsed document, or undefined when the text is not JSON. */
export function parseDocument(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Policy elements whose value is a set: a single string means a set of one, and order means nothing. */
const setElements = new Set(['Action', 'NotAction', 'Resource', 'NotResource']);

function sortedSet(value: unknown): unknown {
  const list = Array.isArray(value) ? value : [value];
  return list.map(canonicalValue).sort(compareCanonical);
}

function compareCanonical(a: unknown, b: unknown): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Objects with sorted keys, recursively. */
function canonicalValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonicalValue(value[key])]),
  );
}

/** A principal block: "*" stays, each principal type's value becomes a sorted set. */
function canonicalPrincipal(value: unknown): unknown {
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((type) => [type, sortedSet(value[type])]));
}

/** A Condition block: every condition key's values become a sorted set. */
function canonicalCondition(value: unknown): unknown {
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((operator) => {
        const clauses = value[operator];
        if (!isObject(clauses)) return [operator, canonicalValue(clauses)];
        return [operator, Object.fromEntries(Object.keys(clauses).sort().map((key) => [key, sortedSet(clauses[key])]))];
      }),
  );
}

export function canonicalStatement(statement: unknown): unknown {
  if (!isObject(statement)) return canonicalValue(statement);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(statement).sort()) {
    const value = statement[key];
    if (setElements.has(key)) out[key] = sortedSet(value);
    else if (key === 'Principal' || key === 'NotPrincipal') out[key] = canonicalPrincipal(value);
    else if (key === 'Condition') out[key] = canonicalCondition(value);
    else out[key] = canonicalValue(value);
  }
  return out;
}

/** The statements of a document as a list (a single statement object is a list of one). */
export function statementList(document: unknown): unknown[] {
  if (!isObject(document)) return [];
  const statement = document.Statement;
  if (statement === undefined) return [];
  return Array.isArray(statement) ? statement : [statement];
}

/** A canonical form of a policy document: equal canonical forms mean the same policy. */
export function canonicalPolicy(document: unknown): string {
  if (!isObject(document)) return JSON.stringify(canonicalValue(document));
  const rest = Object.fromEntries(Object.entries(document).filter(([key]) => key !== 'Statement'));
  const statements = statementList(document).map(canonicalStatement).sort(compareCanonical);
  return JSON.stringify({ ...(canonicalValue(rest) as object), Statement: statements });
}

/**
 * True when two document texts hold the same policy. '' stands for "no document" (an inline policy that
 * does not exist): it equals only ''. Text that is not JSON is compared as trimmed text.
 */
export function documentsEquivalent(a: string, b: string): boolean {
  if (a === '' || b === '') return a === b;
  const x = parseDocument(a);
  const y = parseDocument(b);
  if (x === undefined || y === undefined) return a.trim() === b.trim();
  return canonicalPolicy(x) === canonicalPolicy(y);
}

function sidOf(statement: unknown): string | undefined {
  return isObject(statement) && typeof statement.Sid === 'string' && statement.Sid !== '' ? statement.Sid : undefined;
}

function describeUnnamed(statement: unknown): string {
  if (!isObject(statement)) return 'a statement';
  const actions = [statement.Action ?? statement.NotAction].flat().filter((a) => typeof a === 'string');
  const effect = typeof statement.Effect === 'string' ? statement.Effect : '?';
  return `a statement without Sid (${effect} ${actions.slice(0, 3).join(', ')}${actions.length > 3 ? ', …' : ''})`;
}

/**
 * What changed between the document a plan expected and the one found, in words: "statement AllowX was
 * added; statement Old was removed". Statements are matched by Sid; those without one by their content.
 */
export function describeDocumentChange(expected: string, actual: string): string {
  if (expected === '' && actual !== '') return 'it exists now, but did not when the plan was made';
  if (expected !== '' && actual === '') return 'it no longer exists';
  const before = parseDocument(expected);
  const after = parseDocument(actual);
  if (after === undefined) return 'it is no longer valid JSON';
  if (before === undefined) return 'its text changed';
  const changes: string[] = [];
  const named = (list: unknown[]) => new Map(list.flatMap((s) => (sidOf(s) !== undefined ? [[sidOf(s)!, s] as const] : [])));
  const beforeNamed = named(statementList(before));
  const afterNamed = named(statementList(after));
  for (const [sid, statement] of afterNamed) {
    const old = beforeNamed.get(sid);
    if (old === undefined) changes.push(`statement ${sid} was added`);
    else if (JSON.stringify(canonicalStatement(old)) !== JSON.stringify(canonicalStatement(statement))) changes.push(`statement ${sid} was changed`);
  }
  for (const sid of beforeNamed.keys()) if (!afterNamed.has(sid)) changes.push(`statement ${sid} was removed`);
  const unnamed = (list: unknown[]) => list.filter((s) => sidOf(s) === undefined).map((s) => ({ raw: s, key: JSON.stringify(canonicalStatement(s)) }));
  const beforeUnnamed = unnamed(statementList(before));
  const afterUnnamed = unnamed(statementList(after));
  for (const s of afterUnnamed) if (!beforeUnnamed.some((b) => b.key === s.key)) changes.push(`${describeUnnamed(s.raw)} was added`);
  for (const s of beforeUnnamed) if (!afterUnnamed.some((a) => a.key === s.key)) changes.push(`${describeUnnamed(s.raw)} was removed`);
  if (isObject(before) && isObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (key !== 'Statement' && JSON.stringify(canonicalValue(before[key])) !== JSON.stringify(canonicalValue(after[key]))) changes.push(`its ${key} element changed`);
    }
  }
  return changes.length > 0 ? changes.join('; ') : 'the document changed';
}

/** IAM counts policy characters without whitespace (IAM quotas). */
export function iamPolicySize(text: string): number {
  return text.replace(/\s/g, '').length;
}
