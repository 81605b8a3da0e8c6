// The key policy a backup restores when the exact previous text cannot be written back. A key policy
// that names a deleted principal shows its unique ID (AROA…, AIDA…) where the ARN stood, and PutKeyPolicy
// refuses such a document (MalformedPolicyDocumentException, "Policy contains a statement with one or
// more invalid principals"; AWS Knowledge Center, kms-policy-error-invalid-principals). An orphaned ID
// matches no principal (a role or user created again gets a new ID: IAM User Guide, "Principal" element),
// so the previous policy without it (the statement without that principal, a statement left with no
// principal removed) allows and denies exactly what the previous one did, and KMS accepts it.
import { uniqueIdPattern } from '../engine/policy-statements.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The AWS principals of a statement's Principal, as a list. */
function awsPrincipalsOf(principal: unknown): string[] {
  if (!isObject(principal)) return [];
  const aws = principal.AWS;
  if (typeof aws === 'string') return [aws];
  return Array.isArray(aws) ? aws.filter((p): p is string => typeof p === 'string') : [];
}

/** The unique IDs a document's statements name as AWS principals. */
function uniqueIdsIn(document: unknown): Set<string> {
  const ids = new Set<string>();
  const statements = isObject(document) ? document.Statement : undefined;
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    if (isObject(statement)) for (const p of awsPrincipalsOf(statement.Principal)) if (uniqueIdPattern.test(p)) ids.add(p);
  }
  return ids;
}

export interface RestorableKeyPolicy {
  /** The document to restore: the previous one without the orphaned IDs. */
  readonly document: string;
  /** The orphaned unique IDs left out. */
  readonly removed: readonly string[];
}

/**
 * The previous key policy without the orphaned unique IDs that the change removed (those in `previous`
 * and not in `replacement`), or undefined when it has none: then the previous text is restored as is.
 */
export function restorableKeyPolicy(previous: string, replacement: string): RestorableKeyPolicy | undefined {
  const before = parsed(previous);
  if (!isObject(before)) return undefined;
  const kept = uniqueIdsIn(parsed(replacement));
  const orphaned = [...uniqueIdsIn(before)].filter((id) => !kept.has(id));
  if (orphaned.length === 0) return undefined;
  const stale = new Set(orphaned);
  const single = !Array.isArray(before.Statement);
  const statements: unknown[] = single ? [before.Statement] : (before.Statement as unknown[]);
  const after: unknown[] = [];
  for (const statement of statements) {
    const principal = isObject(statement) ? statement.Principal : undefined;
    const named = awsPrincipalsOf(principal);
    if (!isObject(statement) || !isObject(principal) || !named.some((p) => stale.has(p))) {
      after.push(statement);
      continue;
    }
    const left = named.filter((p) => !stale.has(p));
    const { AWS: _aws, ...others } = principal;
    // A statement that named only orphaned IDs applies to nobody: without it nothing changes.
    if (left.length === 0 && Object.keys(others).length === 0) continue;
    after.push({ ...statement, Principal: left.length === 0 ? others : { ...others, AWS: left.length === 1 ? left[0] : left } });
  }
  const document = { ...before, Statement: single && after.length === 1 ? after[0] : after };
  return { document: JSON.stringify(document, null, 2), removed: orphaned };
}
