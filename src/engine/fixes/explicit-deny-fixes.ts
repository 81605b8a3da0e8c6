// Explicit deny: narrow the Deny in the document that holds it (key policy, inline policy, customer
// managed policy or boundary), or hand it to a human when kms-doctor cannot change that document or
// cannot narrow the statement exactly. A Deny kms-doctor cannot point at is never touched.
import type { Cause } from '../cause.js';
import type { PolicyDocumentFacts } from '../facts.js';
import type { Fix, FixTarget } from '../fix.js';
import { awsManagedKeyGuidance, blockedFix, keyPolicyUnreadable, keyUnknown } from './blocked-fixes.js';
import { shellWord } from './cli-commands.js';
import { inlinePolicyDestination, keyPolicyDestination, managedPolicyDestination, policyVersionsNote } from './document-destinations.js';
import { documentFix, type DocumentDestination } from './document-fix.js';
import { narrowDeny } from './deny-narrowing.js';
import { isAwsManagedPolicy, managedPolicyName } from './policy-documents.js';
import {
  actionsToAllow,
  currentKeyPolicy,
  currentManagedPolicy,
  documentOf,
  inlineKey,
  inlinePoliciesOf,
  keyPolicyTarget,
  permissionsBoundaryOf,
  type WorkingDocument,
  type Workspace,
} from './workspace.js';

type DenyLocation = NonNullable<Cause['deniedBy']>;

/** What every step of an explicit-deny fix carries: the cause, where its Deny is, what to lift, the title. */
interface DenyReview {
  readonly cause: Cause;
  readonly location: DenyLocation;
  readonly actions: readonly string[];
  readonly title: string;
}

const reviewNote = 'A Deny is usually deliberate: narrowing it lifts it for every principal and request it covers, not only this one. Check with whoever owns it.';

export function explicitDenyFix(workspace: Workspace, cause: Cause): Fix {
  const location = cause.deniedBy;
  const actions = actionsToAllow(cause, workspace.diagnosis);
  const keyTarget = keyPolicyTarget(workspace);
  if (!location) {
    return blockedFix(cause, keyTarget, 'Review the explicit deny', 'The diagnosis did not locate the denying statement; a human must find and review it. kms-doctor never removes a deny it cannot point at.');
  }
  const where = describeLocation(location);
  const review: DenyReview = { cause, location, actions, title: `Narrow the Deny ${where} so it no longer denies ${actions.join(', ')}` };
  switch (location.layer) {
    case 'key-policy': {
      const key = workspace.key;
      const current = currentKeyPolicy(workspace);
      if (!key || current === undefined) {
        return blockedFix(cause, keyTarget, review.title, key ? keyPolicyUnreadable(workspace, key) : keyUnknown(workspace));
      }
      if (key.manager === 'AWS') return blockedFix(cause, keyTarget, review.title, awsManagedKeyGuidance(key));
      return narrowedDenyFix(workspace, review, current, keyTarget, keyPolicyDestination(key));
    }
    case 'identity-policy':
      return identityDenyFix(workspace, review);
    case 'permissions-boundary': {
      const boundary = permissionsBoundaryOf(workspace);
      const arn = boundary?.arn ?? workspace.principal?.permissionsBoundaryArn ?? location.policyName ?? '';
      return managedDenyFix(workspace, review, arn, boundary);
    }
    default: {
      const owner = location.layer === 'scp' || location.layer === 'rcp'
        ? 'It is an Organizations policy: only the organization\'s administrators can change it, from the management account or a delegated administrator.'
        : location.layer === 'session-policy'
          ? 'It is a session policy: change it where the session is created (the AssumeRole Policy/PolicyArns, or the permission set).'
          : 'kms-doctor cannot change this kind of policy.';
      return blockedFix(cause, keyTarget, `Review the Deny ${where}`, `${owner} Ask them to exclude ${actions.join(', ')} for this principal and key, or to narrow the statement's conditions.`);
    }
  }
}

function identityDenyFix(workspace: Workspace, review: DenyReview): Fix {
  const { cause, location, title } = review;
  const principal = workspace.principal;
  const policies = workspace.facts.principalPolicies.status === 'known' ? workspace.facts.principalPolicies.value.policies : undefined;
  const named = location.policyName;
  const policy = policies?.find((p) => p.name === named || p.arn === named);
  const target: FixTarget = {
    type: 'identity-policy',
    arn: policy?.kind === 'managed' ? (policy.arn ?? policy.name) : (principal?.entityArn ?? ''),
    policyName: named ?? '',
    principalKind: policy?.kind === 'managed' ? 'managed-policy' : (principal?.kind ?? 'role'),
  };
  if (!principal || !policy) {
    return blockedFix(cause, target, title, `kms-doctor could not read the identity policy ${named ?? '(unnamed)'}; a human must review the Deny in it.`);
  }
  if (policy.kind === 'managed') return managedDenyFix(workspace, review, policy.arn ?? policy.name, policy);
  if (policy.groupName !== undefined) {
    return blockedFix(cause, target, title, `The Deny is in the inline policy ${policy.name} of group ${policy.groupName}, which kms-doctor does not edit (it applies to every member). Review it with \`aws iam get-group-policy --group-name ${shellWord(policy.groupName)} --policy-name ${shellWord(policy.name)}\`.`);
  }
  const current = workspace.documents.get(inlineKey(principal, policy.name)) ?? documentOf(policy);
  const others = (inlinePoliciesOf(workspace, principal) ?? []).filter((p) => p.name !== policy.name);
  return narrowedDenyFix(workspace, review, current, target, inlinePolicyDestination(principal, policy.name, others));
}

function managedDenyFix(workspace: Workspace, review: DenyReview, policyArn: string, policy: PolicyDocumentFacts | undefined): Fix {
  const { cause, title } = review;
  const policyName = managedPolicyName(policyArn);
  const target: FixTarget = { type: 'identity-policy', arn: policyArn, policyName, principalKind: 'managed-policy' };
  const current = currentManagedPolicy(workspace, policyArn, policy);
  if (current === undefined || policyArn === '') {
    return blockedFix(cause, target, title, `kms-doctor could not read the policy ${policyArn || '(unknown)'}; a human must review the Deny in it.`);
  }
  if (isAwsManagedPolicy(policyArn)) {
    return blockedFix(cause, target, title, `The Deny is in the AWS managed policy ${policyArn}, which nobody can change: detach it from the principal, or replace it with a customer managed copy, after reviewing why it was attached.`);
  }
  return narrowedDenyFix(workspace, review, current, target, managedPolicyDestination(policyArn), [
    `The managed policy may be attached to other users, roles or groups: the change applies to all of them.`,
    policyVersionsNote(policyName),
  ]);
}

function narrowedDenyFix(
  workspace: Workspace,
  review: DenyReview,
  current: WorkingDocument,
  target: FixTarget,
  destination: DocumentDestination,
  extraNotes: readonly string[] = [],
): Fix {
  const { cause, location, actions, title } = review;
  const narrowed = narrowDeny(current.document, location, actions);
  if (!narrowed.ok) {
    return blockedFix(cause, target, title, `${narrowed.reason} A human must review the Deny ${describeLocation(location)}; kms-doctor never deletes or rewrites a deny it cannot narrow exactly.`);
  }
  return documentFix(workspace, {
    cause: cause.code,
    title,
    explanation: `Removes ${narrowed.removed.join(', ')} from the Action list of the Deny ${describeLocation(location)}. The statement keeps its principals, resources and conditions, and still denies ${narrowed.remaining.join(', ')}.`,
    notes: [reviewNote, ...extraNotes],
    target,
    ...destination,
    name: current.name,
    before: current.document,
    after: narrowed.after,
  });
}

function describeLocation(location: DenyLocation): string {
  const statement = location.statementId !== undefined
    ? `"${location.statementId}"`
    : location.statementIndex !== undefined ? `#${location.statementIndex}` : '';
  const policy = location.layer === 'key-policy' ? 'the key policy' : location.policyName ?? `the ${location.layer}`;
  return `${statement} in ${policy}`.trim();
}
