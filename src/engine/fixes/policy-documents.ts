// Policy documents as the fixes change them: their statements and Sids, the statements the fixes add,
// and AWS's size limits on what may be written back.
import { parseArn } from '../identifiers.js';
import type { PrincipalIdentity } from '../facts.js';
import { describePrincipal } from './principals.js';
import type { WorkingDocument } from './workspace.js';

export type Statement = Record<string, unknown>;
export type PolicyObject = Record<string, unknown>;

/** AWS's limits on the documents a fix writes (KMS resource-limits; IAM quotas). */
export const policySizeLimits = {
  /** A key policy, in UTF-8 bytes, whitespace included. */
  keyPolicyBytes: 32_768,
  /** All inline policies of a role together, in characters without whitespace. */
  roleInlineCharacters: 10_240,
  /** All inline policies of a user together, in characters without whitespace. */
  userInlineCharacters: 2_048,
  /** One managed policy version, in characters without whitespace. */
  managedPolicyCharacters: 6_144,
} as const;

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The document's statements; a single statement object counts as a list of one. Undefined when it has none. */
export function statementsOf(document: unknown): unknown[] | undefined {
  if (!isObject(document)) return undefined;
  const statement = document.Statement;
  if (Array.isArray(statement)) return statement;
  return isObject(statement) ? [statement] : undefined;
}

/** The document with statements appended; everything else, in its order, is kept as it was. */
export function withAddedStatements(document: unknown, added: readonly Statement[]): PolicyObject {
  const policy = document as PolicyObject;
  return { ...policy, Statement: [...(statementsOf(document) ?? []), ...added] };
}

export function sidOf(statement: unknown): string[] {
  return isObject(statement) && typeof statement.Sid === 'string' ? [statement.Sid] : [];
}

/** The Sids a document uses already, for `uniqueSid`; none when there is no document. */
export function sidsIn(document: WorkingDocument | undefined): Set<string> {
  return new Set(document ? (statementsOf(document.document) ?? []).flatMap(sidOf) : []);
}

/** The base Sid, or base2, base3… when the policy has it already (Sids compare case-insensitively here). */
export function uniqueSid(base: string, taken: Set<string>): string {
  const lower = new Set([...taken].map((s) => s.toLowerCase()));
  let sid = base;
  for (let n = 2; lower.has(sid.toLowerCase()); n += 1) sid = `${base}${n}`;
  taken.add(sid);
  return sid;
}

export const sidSafe = (value: string) => value.replace(/[^A-Za-z0-9]/g, '');

/**
 * An Allow for exactly these actions. Key policies name the principal; identity policies and boundaries
 * do not (the policy's owner is the principal). The key order is part of the output (files, diffs).
 */
export function allowStatement(sid: string, actions: readonly string[], resource: string, principalArn?: string): Statement {
  return {
    Sid: sid,
    Effect: 'Allow',
    ...(principalArn !== undefined ? { Principal: { AWS: principalArn } } : {}),
    Action: [...actions],
    Resource: resource,
  };
}

export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export const isAwsManagedPolicy = (arn: string): boolean => {
  const parts = parseArn(arn);
  return parts?.service === 'iam' && parts.account === 'aws' && parts.resource.startsWith('policy/');
};

/** A managed policy's name: the last part of its ARN (after any path). */
export const managedPolicyName = (arn: string) => arn.split('/').pop() ?? arn;

export function keyPolicySizeProblem(text: string): string | undefined {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes <= policySizeLimits.keyPolicyBytes) return undefined;
  return `The key policy would be ${bytes} bytes, over KMS's limit of ${policySizeLimits.keyPolicyBytes} bytes (not adjustable). Shorten it first, e.g. merge statements for the same principal, or grant through IAM policies via the account's "Enable IAM policies" statement.`;
}

export function managedSizeProblem(policyArn: string) {
  return (text: string): string | undefined => {
    const size = iamPolicySize(text);
    if (size <= policySizeLimits.managedPolicyCharacters) return undefined;
    return `The policy ${policyArn} would be ${size} characters without whitespace, over IAM's limit of ${policySizeLimits.managedPolicyCharacters} for a managed policy. Shorten it first.`;
  };
}

/** IAM's quota covers all of a principal's inline policies together, so the others count too. */
export function inlineSizeProblem(principal: PrincipalIdentity, others: readonly WorkingDocument[], text: string): string | undefined {
  const quota = principal.kind === 'role' ? policySizeLimits.roleInlineCharacters : policySizeLimits.userInlineCharacters;
  const othersSize = others.reduce((sum, p) => sum + iamPolicySize(p.text), 0);
  const total = othersSize + iamPolicySize(text);
  if (total <= quota) return undefined;
  return `The inline policies of ${describePrincipal(principal)} would total ${total} characters without whitespace (this policy ${iamPolicySize(text)}, the others ${othersSize}), over IAM's limit of ${quota} for a ${principal.kind}. Use a customer managed policy instead, or merge existing inline policies.`;
}

/** IAM counts policy characters without whitespace. */
function iamPolicySize(text: string): number {
  return text.replace(/\s/g, '').length;
}
