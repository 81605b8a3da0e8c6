// What every fix builder reads: the facts and the diagnosis, the key and principal they name, and each
// document as the fixes proposed so far leave it. Fixes that touch the same document read it from here,
// so each one starts from the previous one's result.
import type { Cause, Diagnosis } from '../cause.js';
import type { DiagnosisFacts, PolicyDocumentFacts, PrincipalIdentity } from '../facts.js';
import type { FixTarget } from '../fix.js';
import { isCrossAccount, keyArnOf } from '../identifiers.js';

/** The key a fix names: its ARN and parts, from DescribeKey or from the key ARN the user gave. */
export interface FixKey {
  readonly arn: string;
  readonly keyId: string;
  /** The key ID's first 8 characters (mrk-… keys keep the prefix and add 8 more), for names. */
  readonly shortId: string;
  readonly region: string;
  readonly accountId: string;
  readonly manager?: 'AWS' | 'CUSTOMER';
}

export interface WorkingDocument {
  /** Inline policy name, managed policy ARN, or "default" for the key policy. */
  readonly name: string;
  readonly document: unknown;
  /** The text as IAM or KMS holds it (or will, once the earlier fix is applied). */
  readonly text: string;
}

/** Everything the fixes read, plus the documents as the fixes proposed so far leave them. */
export interface Workspace {
  readonly facts: DiagnosisFacts;
  readonly diagnosis: Diagnosis;
  readonly key?: FixKey;
  readonly principal?: PrincipalIdentity;
  readonly documents: Map<string, WorkingDocument>;
  readonly fileNames: Set<string>;
}

export function createWorkspace(facts: DiagnosisFacts, diagnosis: Diagnosis): Workspace {
  const key = keyReference(facts);
  return {
    facts,
    diagnosis,
    ...(key ? { key } : {}),
    ...(facts.principal.status === 'known' ? { principal: facts.principal.value } : {}),
    documents: new Map(),
    fileNames: new Set(),
  };
}

function keyReference(facts: DiagnosisFacts): FixKey | undefined {
  if (facts.key.status === 'known') {
    const key = facts.key.value;
    return { arn: key.arn, keyId: key.keyId, shortId: shortKeyId(key.keyId), region: key.region, accountId: key.accountId, manager: key.manager };
  }
  // A key ARN names the key exactly even when DescribeKey was refused; an alias does not.
  const named = keyArnOf(facts.request.key);
  return named ? { arn: named.text, keyId: named.keyId, shortId: shortKeyId(named.keyId), region: named.region, accountId: named.account } : undefined;
}

function shortKeyId(keyId: string): string {
  // Every multi-Region key ID starts with "mrk-", which would make the first 8 characters say little.
  return keyId.startsWith('mrk-') ? keyId.slice(0, 12) : keyId.slice(0, 8);
}

// A fix's target names the key ARN when it is known, else the key as the user named it.
export function keyPolicyTarget(workspace: Workspace): FixTarget {
  return { type: 'key-policy', arn: workspace.key?.arn ?? workspace.facts.request.key.text, policyName: 'default' };
}

export function keyStateTarget(workspace: Workspace): FixTarget {
  return { type: 'key-state', arn: workspace.key?.arn ?? workspace.facts.request.key.text };
}

/** True when the caller is known to be in another account than the one whose credentials the fix needs. */
export function callerIsOutside(workspace: Workspace, accountId: string): boolean {
  return workspace.facts.caller.status === 'known' && isCrossAccount(workspace.facts.caller.value.accountId, accountId);
}

export function permissionsBoundaryOf(workspace: Workspace): PolicyDocumentFacts | undefined {
  const policies = workspace.facts.principalPolicies;
  return policies.status === 'known' ? policies.value.permissionsBoundary : undefined;
}

export function currentKeyPolicy(workspace: Workspace): WorkingDocument | undefined {
  const working = workspace.documents.get('key-policy');
  if (working) return working;
  if (workspace.facts.keyPolicy.status !== 'known') return undefined;
  return { name: 'default', document: workspace.facts.keyPolicy.value.document, text: workspace.facts.keyPolicy.value.text };
}

/** The principal's own inline policies (not its groups'), as the fixes so far leave them; undefined when unreadable. */
export function inlinePoliciesOf(workspace: Workspace, principal: PrincipalIdentity): WorkingDocument[] | undefined {
  if (workspace.facts.principalPolicies.status !== 'known') return undefined;
  const read = workspace.facts.principalPolicies.value.policies.filter((p) => p.kind === 'inline' && p.groupName === undefined);
  const result = read.map((p) => workspace.documents.get(inlineKey(principal, p.name)) ?? documentOf(p));
  for (const [key, document] of workspace.documents) {
    if (key.startsWith(inlineKey(principal, '')) && !result.some((p) => inlineKey(principal, p.name) === key)) result.push(document);
  }
  return result;
}

/** A managed policy as the fixes so far leave it, else as read; undefined when neither. */
export function currentManagedPolicy(workspace: Workspace, policyArn: string, read: PolicyDocumentFacts | undefined): WorkingDocument | undefined {
  return workspace.documents.get(managedKey(policyArn)) ?? (read ? documentOf(read) : undefined);
}

export function documentOf(policy: PolicyDocumentFacts): WorkingDocument {
  return { name: policy.name, document: policy.document, text: policy.text };
}

/** Keys of `Workspace.documents`. */
export const inlineKey = (principal: PrincipalIdentity, name: string) => `inline:${principal.entityArn}:${name.toLowerCase()}`;
export const managedKey = (arn: string) => `managed:${arn}`;

const kmsAction = /^kms:[A-Za-z]+$/;

/** The cause's missing KMS actions, deduplicated and sorted; never a wildcard. */
export function actionsToAllow(cause: Cause, diagnosis: Diagnosis): string[] {
  const named = cause.actions.filter((a) => kmsAction.test(a));
  // A cause that names no action stands for every required action the diagnosis found denied.
  const chosen = named.length > 0 ? named : diagnosis.actionResults.filter((r) => r.decision === 'denied').map((r) => r.action).filter((a) => kmsAction.test(a));
  const unique = new Map<string, string>();
  for (const action of chosen) if (!unique.has(action.toLowerCase())) unique.set(action.toLowerCase(), action);
  return [...unique.values()].sort();
}
