// What must be true of a document before it is written, checked right before every write (plan steps
// and restores alike). Key policies get the strictest checks because a bad one cannot be undone: without
// the account-root statement IAM policies stop working for the key, and without the applier's own
// kms:PutKeyPolicy right nobody may be able to repair it (SDK-AND-SAFETY §1.2). KMS's own lockout check
// is kept too — kms-doctor never sets BypassPolicyLockoutSafetyCheck — but it only protects the caller,
// and only after the request is sent; these guards refuse before anything is sent.
import { policySizeLimits } from '../engine/fixes/policy-documents.js';
import { validatePolicyDocument } from '../engine/policy-evaluation.js';
import { statementList, iamPolicySize, parseDocument } from './policy-text.js';
import { applierKeepsPutKeyPolicy, rootDelegationProblem } from './lockout.js';
import type { PlanStep } from './plan-types.js';
import type { TargetStore } from './target-store.js';

export type GuardReason = 'invalid' | 'size' | 'no-principal' | 'root-delegation' | 'lockout';

/** A write kms-doctor refuses to make. The message says why and what to do instead. */
export class GuardRefusal extends Error {
  override readonly name = 'GuardRefusal';
  constructor(
    readonly reason: GuardReason,
    message: string,
  ) {
    super(message);
  }
}

async function parsedValid(text: string, kind: 'identity' | 'resource', what: string): Promise<unknown> {
  const document = parseDocument(text);
  if (document === undefined) throw new GuardRefusal('invalid', `${what} is not valid JSON; nothing was written.`);
  const problems = await validatePolicyDocument(document, kind);
  if (problems.length > 0) throw new GuardRefusal('invalid', `${what} is not a valid policy: ${problems.slice(0, 3).join('; ')}. Nothing was written.`);
  return document;
}

export interface KeyPolicyWrite {
  readonly keyArn: string;
  /** The document about to be sent, exactly. */
  readonly text: string;
  /** The key policy in place now (read right before the write). */
  readonly current: string;
  readonly store: Pick<TargetStore, 'applierArn' | 'applierPolicies'>;
}

/** Throws GuardRefusal unless the new key policy is valid, small enough, and keeps the key manageable. */
export async function checkKeyPolicyWrite(write: KeyPolicyWrite): Promise<void> {
  const what = `The new policy of key ${write.keyArn}`;
  const bytes = Buffer.byteLength(write.text, 'utf8');
  if (bytes > policySizeLimits.keyPolicyBytes) {
    throw new GuardRefusal('size', `${what} is ${bytes} bytes, over KMS's limit of ${policySizeLimits.keyPolicyBytes} bytes. Nothing was written; shorten the policy first.`);
  }
  const document = await parsedValid(write.text, 'resource', what);
  const statements = statementList(document);
  const missing = statements.findIndex((s) => typeof s !== 'object' || s === null || (s as Record<string, unknown>).Principal === undefined);
  if (missing >= 0) {
    throw new GuardRefusal('no-principal', `${what}: statement ${missing + 1} has no Principal, which every key policy statement needs. Nothing was written.`);
  }
  const current = parseDocument(write.current);
  const rootProblem = await rootDelegationProblem(write.keyArn, current, document);
  if (rootProblem !== undefined) throw new GuardRefusal('root-delegation', `${what} ${rootProblem}. kms-doctor refuses to write it: without that statement IAM policies can no longer allow anything on the key. Nothing was written.`);
  const lockout = await applierKeepsPutKeyPolicy(write.keyArn, current, document, write.store);
  if (lockout !== undefined) throw new GuardRefusal('lockout', `${what} ${lockout}. kms-doctor refuses to write it, because the key could become unmanageable. Nothing was written.`);
}

export type IdentityPolicyOwner = { readonly kind: 'role' | 'user'; readonly name: string } | { readonly kind: 'managed-policy'; readonly arn: string };

export interface IdentityPolicyWrite {
  readonly owner: IdentityPolicyOwner;
  readonly policyName: string;
  readonly text: string;
  /**
   * The principal's other inline policies, when known: IAM's inline quota covers all of them together.
   * When unknown, this document alone is checked against the quota and IAM refuses the rest (LimitExceeded).
   */
  readonly otherInlineDocuments?: readonly string[];
}

/** Throws GuardRefusal unless the identity policy is valid JSON, a valid policy, and within IAM's size quota. */
export async function checkIdentityPolicyWrite(write: IdentityPolicyWrite): Promise<void> {
  const { owner } = write;
  const what = owner.kind === 'managed-policy' ? `The new version of policy ${owner.arn}` : `The inline policy ${write.policyName} of ${owner.kind} ${owner.name}`;
  await parsedValid(write.text, 'identity', what);
  const size = iamPolicySize(write.text);
  if (owner.kind === 'managed-policy') {
    if (size > policySizeLimits.managedPolicyCharacters) {
      throw new GuardRefusal('size', `${what} is ${size} characters without whitespace, over IAM's limit of ${policySizeLimits.managedPolicyCharacters}. Nothing was written.`);
    }
    return;
  }
  const quota = owner.kind === 'role' ? policySizeLimits.roleInlineCharacters : policySizeLimits.userInlineCharacters;
  const others = (write.otherInlineDocuments ?? []).reduce((sum, text) => sum + iamPolicySize(text), 0);
  if (size + others > quota) {
    const together = others > 0 ? ` (with the ${owner.kind}'s other inline policies, ${others} characters)` : '';
    throw new GuardRefusal('size', `${what} would bring the ${owner.kind}'s inline policies to ${size + others} characters without whitespace${together}, over IAM's limit of ${quota} for a ${owner.kind}. Nothing was written; use a customer managed policy instead.`);
  }
}

/**
 * The guards of one plan step's write. `current` is the document the step expects to replace (the stale
 * check, run right after, proves the target still holds it).
 */
export async function checkStepWrite(step: PlanStep, store: Pick<TargetStore, 'applierArn' | 'applierPolicies'>): Promise<void> {
  const { write, expected } = step;
  switch (write.kind) {
    case 'put-key-policy':
      return checkKeyPolicyWrite({ keyArn: write.keyArn, text: write.document, current: 'document' in expected ? expected.document : '', store });
    case 'put-role-policy':
    case 'put-user-policy':
      return checkIdentityPolicyWrite({ owner: { kind: write.principalKind, name: write.principalName }, policyName: write.policyName, text: write.document });
    case 'create-policy-version':
      return checkIdentityPolicyWrite({ owner: { kind: 'managed-policy', arn: write.policyArn }, policyName: step.target.policyName ?? write.policyArn, text: write.document });
    default:
      return undefined;
  }
}
