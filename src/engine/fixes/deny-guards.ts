// What a conditional Deny guards, read from its Condition: the request it lets through. A Deny written
// as "deny unless the encryption context says Finance" or "deny unless through S3" or "deny unless
// from our organization / endpoint / network" is a guard, and the first fix to offer is a request that
// passes it (no policy changes, nothing weakened). Values kms-doctor can send are returned as a
// RequestChange (proved by evaluation); the rest (organization, network, MFA) as sentences.
import type { RequestChange } from '../fix.js';
import { isObject } from './policy-documents.js';

export interface DenyGuard {
  /** What the call can carry to pass the guard: an encryption context, a service to call through. */
  readonly requestChange?: RequestChange;
  /** The other things the guard requires, in words ("as a principal of organization o-abc"). */
  readonly requirements: readonly string[];
}

const negatedOperators = new Set(['stringnotequals', 'stringnotequalsignorecase', 'stringnotlike', 'arnnotequals', 'arnnotlike']);
const literal = (values: readonly string[]) => values.find((v) => !/[*?$]/.test(v));

/** The guard of a Deny statement, or undefined when it has no condition that names a passing request. */
export function guardOf(statement: unknown): DenyGuard | undefined {
  if (!isObject(statement) || !isObject(statement.Condition)) return undefined;
  const encryptionContext: Record<string, string> = {};
  let viaService: string | undefined;
  const requirements: string[] = [];
  for (const [rawOperator, clauses] of Object.entries(statement.Condition)) {
    if (!isObject(clauses)) continue;
    const operator = rawOperator.replace(/^For(Any|All)Values:/i, '').replace(/IfExists$/i, '').toLowerCase();
    for (const [rawKey, rawValues] of Object.entries(clauses)) {
      const key = rawKey.toLowerCase();
      const values = (Array.isArray(rawValues) ? rawValues : [rawValues]).map(String);
      const negated = negatedOperators.has(operator);
      const value = literal(values);
      if (key.startsWith('kms:encryptioncontext:') && negated && value !== undefined) {
        encryptionContext[rawKey.slice('kms:encryptioncontext:'.length)] = value;
      } else if (key === 'kms:viaservice' && negated && value !== undefined) {
        viaService = value;
      } else if (key === 'aws:principalorgid' && negated) {
        requirements.push(`as a principal of organization ${values.join(' or ')}`);
      } else if (key === 'aws:principalorgpaths' && negated) {
        requirements.push(`as a principal under the organization path ${values.join(' or ')}`);
      } else if (key === 'aws:sourcevpce' && negated) {
        requirements.push(`through the VPC endpoint ${values.join(' or ')}`);
      } else if (key === 'aws:sourcevpc' && negated) {
        requirements.push(`from the VPC ${values.join(' or ')}`);
      } else if (key === 'aws:sourceip' && operator === 'notipaddress') {
        requirements.push(`from an address in ${values.join(' or ')}`);
      } else if ((key === 'aws:viaawsservice' || key === 'aws:calledvia') && (operator === 'bool' ? values.includes('false') : negated)) {
        requirements.push('through an AWS service that calls KMS for you');
      } else if (key === 'aws:multifactorauthpresent' && operator === 'bool' && values.includes('false')) {
        requirements.push('with credentials signed in with MFA');
      } else if (key === 'aws:securetransport' && operator === 'bool' && values.includes('false')) {
        requirements.push('over HTTPS');
      }
    }
  }
  const requestChange: RequestChange = {
    ...(Object.keys(encryptionContext).length > 0 ? { encryptionContext } : {}),
    ...(viaService !== undefined ? { viaService } : {}),
  };
  const hasChange = Object.keys(requestChange).length > 0;
  if (!hasChange && requirements.length === 0) return undefined;
  return { ...(hasChange ? { requestChange } : {}), requirements };
}

/** "--encryption-context Department=Finance" for the aws CLI, or how to call through the service. */
export function requestChangeWords(change: RequestChange): string[] {
  const words: string[] = [];
  if (change.encryptionContext) {
    words.push(`send the encryption context ${Object.entries(change.encryptionContext).map(([k, v]) => `${k}=${v}`).join(',')} (aws CLI: --encryption-context ${Object.entries(change.encryptionContext).map(([k, v]) => `${k}=${v}`).join(',')})`);
  }
  if (change.viaService) words.push(`call through ${change.viaService} (let the service call KMS for you) instead of calling KMS directly`);
  for (const grantId of change.grantTokensFor ?? []) words.push(`pass the grant token CreateGrant returned for grant ${grantId} (aws CLI: --grant-tokens TOKEN)`);
  return words;
}
