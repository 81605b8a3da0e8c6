// Explicit deny, least privilege first (issue 8): a Deny that guards something (an encryption context,
// a service, the organization, an endpoint, a network) is first answered with the request that passes
// it — nothing weakened. Then the narrowest exception: the Deny excepts this principal's ARN only. Only
// last, and never by default in a document others share, the Deny is narrowed for everyone it covers;
// each alternative's blast radius says what it lets in. A Deny in the principal's own inline policy is
// narrowed first (nobody else is under it). A Deny kms-doctor cannot point at is never touched.
import type { Cause } from '../cause.js';
import type { PolicyDocumentFacts } from '../facts.js';
import type { Fix, FixTarget } from '../fix.js';
import { awsManagedKeyGuidance, blockedFix, keyPolicyUnreadable, keyUnknown } from './blocked-fixes.js';
import { shellWord } from './cli-commands.js';
import { inlinePolicyDestination, keyPolicyDestination, managedPolicyDestination, policyVersionsNote } from './document-destinations.js';
import { documentFix, type DocumentDestination } from './document-fix.js';
import { guardOf, requestChangeWords, type DenyGuard } from './deny-guards.js';
import { exceptPrincipal, narrowDeny } from './deny-narrowing.js';
import { isAwsManagedPolicy, managedPolicyName, statementsOf } from './policy-documents.js';
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
      return denyFixes(workspace, review, current, keyTarget, keyPolicyDestination(key), { shared: true });
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
  return denyFixes(workspace, review, current, target, inlinePolicyDestination(principal, policy.name, others), { shared: false });
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
  return denyFixes(workspace, review, current, target, managedPolicyDestination(policyArn), {
    shared: true,
    notes: [`The managed policy may be attached to other users, roles or groups: the change applies to all of them.`, policyVersionsNote(policyName)],
  });
}

interface DenyDocument {
  /** True when others are under the document too (key policy, managed policy, boundary). */
  readonly shared: boolean;
  readonly notes?: readonly string[];
}

/**
 * The fixes of one Deny, in the order they are offered: the request that passes its guard, the
 * exception for this principal, the Deny narrowed for everyone. The first that can be made is the fix;
 * the others are its alternatives, computed on a copy of the working documents so that later fixes
 * build on the fix, not on an alternative.
 */
function denyFixes(workspace: Workspace, review: DenyReview, current: WorkingDocument, target: FixTarget, destination: DocumentDestination, document: DenyDocument): Fix {
  const statement = statementAt(current.document, review.location);
  const guard = guardOf(statement);
  const scratch = (): Workspace => ({ ...workspace, documents: new Map(workspace.documents) });
  const exception = (space: Workspace) => exceptedDenyFix(space, review, current, target, destination, document.notes ?? []);
  const narrowing = (space: Workspace) => narrowedDenyFix(space, review, current, target, destination, document.notes ?? []);
  const order = document.shared ? [exception, narrowing] : [narrowing];
  const candidates: Fix[] = [];
  if (guard !== undefined) candidates.push(guardFix(review, target, guard));
  for (const build of order) {
    const fix = build(candidates.some((c) => c.blockedBy === undefined) ? scratch() : workspace);
    if (fix.blockedBy === undefined || candidates.length === 0) candidates.push(fix);
  }
  // The first candidate that can be made leads; a blocked one leads only when nothing can be made.
  const leadIndex = Math.max(0, candidates.findIndex((c) => c.blockedBy === undefined));
  const lead = candidates[leadIndex]!;
  const alternatives = candidates.filter((c, i) => i !== leadIndex && c.blockedBy === undefined);
  return alternatives.length > 0 ? { ...lead, alternatives } : lead;
}

function statementAt(document: unknown, location: DenyLocation): unknown {
  const statements = statementsOf(document) ?? [];
  if (location.statementIndex !== undefined) {
    const indexed = statements[location.statementIndex] as { Sid?: unknown } | undefined;
    if (indexed !== undefined && (location.statementId === undefined || indexed.Sid === location.statementId)) return indexed;
  }
  return statements.find((s) => (s as { Sid?: unknown }).Sid === location.statementId);
}

function guardFix(review: DenyReview, target: FixTarget, guard: DenyGuard): Fix {
  const { cause, location, actions } = review;
  const where = describeLocation(location);
  const change = guard.requestChange;
  const ways = [...(change ? requestChangeWords(change) : []), ...guard.requirements.map((r) => `make the call ${r}`)];
  const title = change?.encryptionContext
    ? `Send the encryption context the Deny ${where} requires`
    : change?.viaService
      ? `Call through ${change.viaService}, as the Deny ${where} requires`
      : `Make the call the way the Deny ${where} lets through`;
  const decrypting = actions.some((a) => /^kms:(Decrypt|ReEncryptFrom)$/i.test(a));
  const notes = [
    ...(change?.encryptionContext && decrypting ? ['To decrypt, the encryption context must be the one the data was encrypted with: KMS binds the two, so the Encrypt call must have sent it too.'] : []),
    ...(guard.requirements.length > 0
      ? ['kms-doctor cannot see where a call comes from (organization, VPC endpoint, network, MFA): if this call must be allowed from elsewhere, the alternatives below change the Deny, and say what each lets in.']
      : []),
  ];
  return {
    cause: cause.code,
    title,
    explanation: `The Deny ${where} refuses ${actions.join(', ')} unless the request passes its condition: it guards the key, so the first fix changes the call, not the policy: ${ways.join('; ')}. Nothing is weakened for anyone.`,
    target,
    commands: [],
    files: [],
    steps: [],
    ...(change ? { requestChange: change } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

function exceptedDenyFix(
  workspace: Workspace,
  review: DenyReview,
  current: WorkingDocument,
  target: FixTarget,
  destination: DocumentDestination,
  extraNotes: readonly string[],
): Fix {
  const { cause, location, actions } = review;
  const principal = workspace.principal;
  const where = describeLocation(location);
  const title = `Except ${principal ? principal.entityArn : 'the principal'} from the Deny ${where}`;
  if (!principal) return blockedFix(cause, target, title, 'kms-doctor could not identify the IAM role or user to except.');
  const excepted = exceptPrincipal(current.document, location, principal.entityArn);
  if (!excepted.ok) return blockedFix(cause, target, title, excepted.reason);
  return documentFix(workspace, {
    cause: cause.code,
    title,
    explanation: `Adds ${principal.entityArn} to the principals the Deny ${where} does not apply to (ArnNotEquals aws:PrincipalArn), so it stops refusing ${actions.join(', ')} to ${principal.kind} ${principal.name} — and everything else it denies — while it still applies to every other principal. The statement's actions, resources and other conditions are unchanged.`,
    notes: ['The exception covers every request of this principal the Deny refused, not only this one: its blast radius below says what that lets in.', ...extraNotes],
    target,
    ...destination,
    name: current.name,
    before: current.document,
    after: excepted.after,
  });
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
    explanation: `Removes ${narrowed.removed.join(', ')} from the Action list of the Deny ${describeLocation(location)}. The statement keeps its principals, resources and conditions, and still denies ${narrowed.remaining.join(', ')}; it no longer refuses ${narrowed.removed.join(', ')} to anyone it covers.`,
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
