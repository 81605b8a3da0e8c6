// Whether a grant lets a principal perform one KMS operation: the one rule the diagnosis (diagnose.ts)
// and the sandbox's authorizer (src/sandbox/kms/key-authorization.ts) both apply, so a grant that
// decides a real call decides the diagnosis the same way. Sources: KMS developer guide "Grants in AWS
// KMS", "Grant operations" and "Grant constraints" (EncryptionContextEquals, EncryptionContextSubset).

/** Grant operations are KMS API names; these are the ones a grant can allow (KMS developer guide "Grant operations"). */
export const grantOperations: readonly string[] = [
  'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'Sign', 'Verify', 'GetPublicKey',
  'GenerateMac', 'VerifyMac', 'DeriveSharedSecret', 'CreateGrant', 'DescribeKey',
];

/** The grant operation that covers an IAM action (kms:Decrypt → Decrypt), or undefined when no grant can. */
export function grantOperationFor(action: string): string | undefined {
  const name = action.replace(/^kms:/i, '').toLowerCase();
  return grantOperations.find((op) => op.toLowerCase() === name);
}

/** A grant as both sides hold it: the facts (GrantFacts) and the sandbox's state map onto this. */
export interface GrantToMatch {
  readonly operations: readonly string[];
  readonly granteePrincipal: string;
  readonly encryptionContextEquals?: Readonly<Record<string, string>>;
  readonly encryptionContextSubset?: Readonly<Record<string, string>>;
}

export interface GrantUse {
  /** The grant operation asked for (a KMS API name, e.g. Decrypt). */
  readonly operation: string;
  /** Every ARN the caller is known by: the user or role ARN, and the role session ARN. */
  readonly principalArns: readonly string[];
  /** The request's encryption context ({} when it has none). */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** For CreateGrant: the grant being created, which a grant bounds instead of the request's context. */
  readonly childGrant?: ChildGrant;
}

/** A grant someone asks to create (CreateGrant's Operations and Constraints). */
export interface ChildGrant {
  readonly operations: readonly string[];
  readonly encryptionContextEquals?: Readonly<Record<string, string>>;
  readonly encryptionContextSubset?: Readonly<Record<string, string>>;
}

/** Operations a grant's constraints do not apply to (KMS API reference, GrantConstraints). */
const unconstrainedOperations: readonly string[] = ['DescribeKey', 'RetireGrant'];

function sameContext(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const left = Object.entries(a).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  const right = Object.entries(b).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return left.length === right.length && left.every(([k, v], i) => right[i]?.[0] === k && right[i]?.[1] === v);
}

/**
 * True when the grant names the caller as grantee, includes the operation, and its constraints hold
 * for the request's encryption context (Equals: exactly that context; Subset: at least those pairs).
 */
export function grantAllows(grant: GrantToMatch, use: GrantUse): boolean {
  if (!grant.operations.includes(use.operation)) return false;
  if (!use.principalArns.includes(grant.granteePrincipal)) return false;
  if (unconstrainedOperations.includes(use.operation)) return true;
  // CreateGrant has no encryption context: the parent's constraints bound the child grant instead.
  // Unknown child (a diagnosis of a past call): a child as strict as the parent would be allowed.
  if (use.operation === 'CreateGrant') return use.childGrant === undefined || childGrantWithinParent(grant, use.childGrant);
  const context = use.encryptionContext ?? {};
  const equals = grant.encryptionContextEquals;
  if (equals && !sameContext(equals, context)) return false;
  const subset = grant.encryptionContextSubset;
  if (subset && Object.entries(subset).some(([k, v]) => context[k] !== v)) return false;
  return true;
}

const includesPairs = (context: Readonly<Record<string, string>>, pairs: Readonly<Record<string, string>>) =>
  Object.entries(pairs).every(([k, v]) => Object.hasOwn(context, k) && context[k] === v);

/**
 * Whether a grant's CreateGrant permission covers creating `child` (KMS developer guide, "Granting
 * CreateGrant permission"): the child may allow only operations of the parent, and its constraints must
 * be at least as strict: an EncryptionContextEquals parent needs the same Equals; a Subset parent needs
 * a Subset or Equals that keeps all of its pairs (pairs may be added, Subset may become Equals).
 */
export function childGrantWithinParent(parent: GrantToMatch, child: ChildGrant): boolean {
  if (!child.operations.every((op) => parent.operations.includes(op))) return false;
  const parentEquals = parent.encryptionContextEquals;
  if (parentEquals && !(child.encryptionContextEquals && sameContext(parentEquals, child.encryptionContextEquals))) return false;
  const parentSubset = parent.encryptionContextSubset;
  if (parentSubset) {
    const childPairs = child.encryptionContextEquals ?? child.encryptionContextSubset;
    if (!childPairs || !includesPairs(childPairs, parentSubset)) return false;
  }
  return true;
}
