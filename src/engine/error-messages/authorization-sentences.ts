// IAM's "is not authorized to perform" sentences: who was refused, which action on which resource,
// and which policy type AWS blamed (shared/domain/KMS-DENIALS.md §2).
import type { BlamedPolicyType, DenialKind, ResourceDescription } from './parsed-error.js';
import { optional, trimArn } from './arn-helpers.js';

export const ACTION = String.raw`[A-Za-z0-9-]+:[A-Za-z0-9*]+`;
export const POLICY_TYPES = String.raw`identity-based policy|resource-based policy|sessions? policy|permissions boundary|VPC endpoint policy|service control policy|resource control policy|role trust policy`;

/** "User: ARN is not authorized to perform: ACTION"; the user clause is absent from some quotes. */
export const DENIAL_SENTENCE = new RegExp(
  String.raw`(?:\bUser:?\s+("?)(\S{1,400}(?:\s\S{1,400}){0,2}?)\1\s+)?is not authorized to perform:?\s+(${ACTION})`,
  'gi',
);
export const RESOURCE_CLAUSE =
  /^\s*on\s+(?:resource:?\s*(?:"([^"]*)"|(\S+))|(this resource|the resource associated with this ciphertext))/i;
export const IMPLICIT_REASON = new RegExp(String.raw`because (?:no|the) (${POLICY_TYPES}) allows? the ${ACTION} action`, 'i');
export const EXPLICIT_REASON = new RegExp(
  String.raw`explicit deny in (?:a|an|the) (VPC endpoint policy transitively through a service control policy|${POLICY_TYPES})(?:\s*:\s*(arn:[^\s"'<>]+))?`,
  'i',
);
export const BARE_EXPLICIT_REASON = /with an explicit deny\b/i;
export const OBSCURED_REASON = /because the resource does not exist in this Region/i;

export interface DenialSentence {
  readonly principalText?: string;
  readonly action: string;
  readonly resourceText?: string;
  readonly resourceDescription?: ResourceDescription;
  readonly policyType?: BlamedPolicyType;
  readonly denial?: DenialKind;
  readonly denyingPolicyArn?: string;
}

export function readDenialSentence(text: string): { readonly index: number; readonly sentence: DenialSentence } | undefined {
  const matches = [...text.matchAll(DENIAL_SENTENCE)];
  const first = matches[0];
  if (first?.[3] === undefined) return undefined;
  const tailStart = first.index + first[0].length;
  const tailEnd = Math.min(matches[1]?.index ?? text.length, tailStart + 1_000);
  const tail = text.slice(tailStart, tailEnd);

  const resource = RESOURCE_CLAUSE.exec(tail);
  const resourceText = resource?.[1] ?? resource?.[2];
  const described = resource?.[3]?.toLowerCase();
  const reasons = tail.slice(resource === null ? 0 : resource[0].length);
  const sentence: DenialSentence = {
    action: first[3],
    ...optional('principalText', first[2]),
    ...optional('resourceText', resourceText),
    ...optional(
      'resourceDescription',
      described === undefined ? undefined : described === 'this resource' ? ('this-resource' as const) : ('ciphertext' as const),
    ),
    ...readReason(reasons),
  };
  return { index: first.index, sentence };
}

export function readReason(
  text: string,
): Pick<DenialSentence, 'policyType' | 'denial' | 'denyingPolicyArn'> {
  if (OBSCURED_REASON.test(text)) return { denial: 'obscured' };
  const implicit = IMPLICIT_REASON.exec(text);
  if (implicit?.[1] !== undefined) return { denial: 'implicit', ...optional('policyType', policyTypeOf(implicit[1])) };
  const explicit = EXPLICIT_REASON.exec(text);
  if (explicit?.[1] !== undefined) {
    return {
      denial: 'explicit',
      ...optional('policyType', policyTypeOf(explicit[1])),
      ...optional('denyingPolicyArn', explicit[2] === undefined ? undefined : trimArn(explicit[2])),
    };
  }
  if (BARE_EXPLICIT_REASON.test(text)) return { denial: 'explicit' };
  return {};
}

export function policyTypeOf(phrase: string): BlamedPolicyType | undefined {
  const words = phrase.toLowerCase();
  // IAM-UG troubleshoot_access-denied: for this wording "check for an explicit Deny statement … in your SCPs".
  if (words.includes('transitively through a service control policy')) return 'service-control';
  if (words.startsWith('identity-based')) return 'identity-based';
  if (words.startsWith('resource-based')) return 'resource-based';
  if (words.startsWith('session')) return 'session';
  if (words.startsWith('permissions boundary')) return 'permissions-boundary';
  if (words.startsWith('vpc endpoint')) return 'vpc-endpoint';
  if (words.startsWith('service control')) return 'service-control';
  if (words.startsWith('resource control')) return 'resource-control';
  if (words.startsWith('role trust')) return 'role-trust';
  return undefined;
}
