// Difference 1 of policy-evaluation.ts's list: in Strict mode the simulator drops concrete
// `kms:EncryptionContext:<key>` context keys, so a statement conditioned on the encryption context never
// matches. The keys are renamed — in the policies and in the request context alike — to a private
// `aws:PrincipalTag/…` key, which the simulator accepts for every action and compares with the same
// operators, and named back in what the evaluation returns. A document's renamed copy is made once
// (documents are never changed once read; the evaluation memo relies on it too).

const encryptionContextPrefix = 'kms:encryptioncontext:';
const encryptionContextStandIn = 'aws:PrincipalTag/kms-doctor-ec-';

/** True for `kms:EncryptionContext:<key>`, false for `kms:EncryptionContextKeys`. */
export function isEncryptionContextKey(key: string): boolean {
  return key.toLowerCase().startsWith(encryptionContextPrefix) && key.length > encryptionContextPrefix.length;
}

export function standInFor(key: string): string {
  // Encryption-context key names are case-insensitive in conditions; hex keeps any character safe.
  const contextKey = key.slice(encryptionContextPrefix.length).toLowerCase();
  return encryptionContextStandIn + Buffer.from(contextKey, 'utf8').toString('hex');
}

export function originalKeyFor(key: string): string {
  if (!key.startsWith(encryptionContextStandIn)) return key;
  return 'kms:EncryptionContext:' + Buffer.from(key.slice(encryptionContextStandIn.length), 'hex').toString('utf8');
}

/** Returns a copy of a policy document whose encryption-context condition keys use the stand-in name. */
function withStandInKeys(document: unknown): unknown {
  if (typeof document !== 'object' || document === null) return document;
  const policy = document as Record<string, unknown>;
  const statements = policy.Statement;
  if (statements === undefined) return document;
  const rewriteStatement = (statement: unknown): unknown => {
    if (typeof statement !== 'object' || statement === null) return statement;
    const condition = (statement as Record<string, unknown>).Condition;
    if (typeof condition !== 'object' || condition === null) return statement;
    const rewritten: Record<string, unknown> = {};
    for (const [operator, clauses] of Object.entries(condition as Record<string, unknown>)) {
      if (typeof clauses !== 'object' || clauses === null) {
        rewritten[operator] = clauses;
        continue;
      }
      const newClauses: Record<string, unknown> = {};
      for (const [key, values] of Object.entries(clauses as Record<string, unknown>)) {
        newClauses[isEncryptionContextKey(key) ? standInFor(key) : key] = values;
      }
      rewritten[operator] = newClauses;
    }
    return { ...(statement as Record<string, unknown>), Condition: rewritten };
  };
  return {
    ...policy,
    Statement: Array.isArray(statements) ? statements.map(rewriteStatement) : rewriteStatement(statements),
  };
}

const standIns = new WeakMap<object, unknown>();

/** The document with its encryption-context condition keys renamed, made once per document object. */
export function standInDocument(document: unknown): unknown {
  if (typeof document !== 'object' || document === null) return withStandInKeys(document);
  let copy = standIns.get(document);
  if (copy === undefined) {
    copy = withStandInKeys(document);
    standIns.set(document, copy);
  }
  return copy;
}
