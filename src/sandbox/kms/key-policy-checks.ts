// The checks KMS applies to a new key policy (PutKeyPolicy, and CreateKey with a Policy): the size
// limit, JSON and policy grammar, a principal in every statement, principals that exist, and the
// lockout safety check — the new policy must still let the caller call PutKeyPolicy, unless the
// request sets BypassPolicyLockoutSafetyCheck (KMS API reference, PutKeyPolicy "Policy").
import { InvalidPolicyError, validatePolicyDocument } from '../../engine/policy-evaluation.js';
import { authorize } from '../authorize.js';
import { AwsError } from '../errors.js';
import { disallowedCharacterMessage, disallowedPolicyCharacter } from '../policy-characters.js';
import { findPrincipal } from '../principal-policies.js';
import type { SandboxState } from '../state.js';
import type { KmsCall } from './kms-call.js';

/** KMS developer guide, "Quotas": key policy documents are limited to 32 KB (32,768 bytes). */
export const maxKeyPolicyBytes = 32 * 1024;

/** The policy member's constraint as the KMS model states it (Latin-1 printable, tab, CR, LF). */
export const policyRules = {
  min: 1,
  max: 131072,
  pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/,
  patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
} as const;

const malformed = (message: string) => new AwsError('MalformedPolicyDocumentException', message);
const invalidPrincipals = () => malformed('Policy contains a statement with one or more invalid principals.');

/** The key the policy is for; CreateKey checks a policy for a key that does not exist yet. */
export interface PolicyTarget {
  readonly arn: string;
  readonly accountId: string;
  readonly keySpec: string;
  readonly keyUsage: string;
  readonly origin: string;
  readonly multiRegion: boolean;
}

/** True when KMS would accept the principal: it must exist when it names an IAM entity we model. */
function principalIsValid(state: SandboxState, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (value === '*' || /^\d{12}$/.test(value) || /^arn:aws:iam::\d{12}:root$/.test(value)) return true;
  const iam = /^arn:aws:iam::(\d{12}):(user|role|group)\/.+$/.exec(value);
  if (iam) {
    // Groups are never principals; entities of accounts outside the sandbox cannot be checked.
    if (iam[2] === 'group') return false;
    return state.accounts[iam[1]!] === undefined || findPrincipal(state, value) !== undefined;
  }
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(value);
  if (session) {
    const account = state.accounts[session[1]!];
    return account === undefined || account.roles[session[2]!] !== undefined;
  }
  if (/^arn:aws:sts::\d{12}:federated-user\/.+$/.test(value)) return true;
  // IAM replaces the ARN of a deleted principal with its unique ID, which KMS then refuses.
  return false;
}

function statementsOf(document: Record<string, unknown>): unknown[] {
  const statements = document.Statement;
  return Array.isArray(statements) ? statements : [statements];
}

function checkPrincipals(state: SandboxState, document: Record<string, unknown>): void {
  for (const statement of statementsOf(document)) {
    const fields = statement as Record<string, unknown>;
    const principal = fields.Principal ?? fields.NotPrincipal;
    if (principal === undefined) throw malformed('Policy contains a statement with no principal.');
    if (principal === '*') continue;
    if (typeof principal !== 'object' || principal === null || Array.isArray(principal) || Object.keys(principal).length === 0) {
      throw invalidPrincipals();
    }
    const aws = (principal as Record<string, unknown>).AWS;
    if (aws === undefined) continue;
    const values = Array.isArray(aws) ? aws : [aws];
    if (values.length === 0 || !values.every((value) => principalIsValid(state, value))) throw invalidPrincipals();
  }
}

function lockoutContext(call: KmsCall, target: PolicyTarget): Record<string, string> {
  return {
    'kms:CallerAccount': call.caller.accountId,
    'kms:KeySpec': target.keySpec,
    'kms:KeyUsage': target.keyUsage,
    'kms:KeyOrigin': target.origin,
    'kms:MultiRegion': String(target.multiRegion),
    ...(call.viaService !== undefined ? { 'kms:ViaService': call.viaService, 'aws:ViaAWSService': 'true' } : {}),
  };
}

/** Throws the error KMS returns for an unacceptable new key policy; returns when it is acceptable. */
export async function checkNewKeyPolicy(call: KmsCall, policy: string, target: PolicyTarget, bypassLockoutCheck: boolean): Promise<void> {
  if (Buffer.byteLength(policy, 'utf8') > maxKeyPolicyBytes) {
    throw new AwsError('LimitExceededException', `The key policy exceeds the maximum size of ${maxKeyPolicyBytes} bytes.`);
  }
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    throw malformed('The policy document is not valid JSON.');
  }
  const disallowed = disallowedPolicyCharacter(document);
  if (disallowed) throw malformed(disallowedCharacterMessage(disallowed));
  const problems = await validatePolicyDocument(document, 'resource');
  if (problems.length > 0) throw malformed(`The policy document is not valid: ${problems[0]}`);
  const state = call.world.state;
  checkPrincipals(state, document as Record<string, unknown>);
  if (bypassLockoutCheck) return;
  let allowed: boolean;
  try {
    const outcome = await authorize(state, call.caller, {
      action: 'kms:PutKeyPolicy',
      resourceArn: target.arn,
      resourceAccount: target.accountId,
      resourcePolicy: { name: 'default', document },
      context: lockoutContext(call, target),
    });
    allowed = outcome.decision === 'Allowed';
  } catch (error) {
    if (error instanceof InvalidPolicyError) throw malformed(`The policy document is not valid: ${error.problems[0] ?? error.message}`);
    throw error;
  }
  if (!allowed) throw malformed('The new key policy will not allow you to update the key policy in the future.');
}
