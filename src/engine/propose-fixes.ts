// From a diagnosis to the changes that repair it: one Fix per cause, each the least privilege that makes
// the failing operation work, shown as a reviewer wants it (before/after, unified diff, aws CLI commands)
// and as the apply step performs it (ordered steps). Pure: it reads facts and writes nothing.
//
// Rules that hold for every fix (shared/domain/SDK-AND-SAFETY.md §1):
// - Documents only grow by new statements; existing statements stay byte-identical. The one exception is
//   narrowing an explicit Deny, which removes only the denied actions from that Deny's Action list.
// - New key-policy statements name the principal's IAM entity (role ARN with path, or user ARN), never a
//   session, `*` or an account root, and list exactly the missing actions.
// - New identity statements name the key ARN as Resource, never `*` or an alias.
// - Nothing is written that would exceed a size limit; a fix that would is blocked, with the sizes.
// - Fixes that touch the same document chain: each one's `before` is the previous one's `after`, so
//   applying the list in order never loses a change (and a stale-plan check catches a skipped one).
import type { Cause, CauseCode, Diagnosis, StatementLocation } from './cause.js';
import { unifiedDiff } from './diff-view.js';
import type { DiagnosisFacts, PolicyDocumentFacts, PrincipalIdentity } from './facts.js';
import type { Fix, FixStep, FixTarget } from './fix.js';
import { viaServiceFor } from './operations.js';

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

/** Prefix of the inline policies kms-doctor writes; the first 8 characters of the key ID follow. */
export const inlinePolicyPrefix = 'kms-doctor-';

type Statement = Record<string, unknown>;
type PolicyObject = Record<string, unknown>;

interface KeyReference {
  readonly arn: string;
  readonly keyId: string;
  /** The key ID's first 8 characters (mrk-… keys keep the prefix and add 8 more), for names. */
  readonly shortId: string;
  readonly region: string;
  readonly accountId: string;
  readonly manager?: 'AWS' | 'CUSTOMER';
}

interface WorkingDocument {
  /** Inline policy name, managed policy ARN, or "default" for the key policy. */
  readonly name: string;
  readonly document: unknown;
  /** The text as IAM or KMS holds it (or will, once the earlier fix is applied). */
  readonly text: string;
}

/** Everything the fixes read, plus the documents as the fixes proposed so far leave them. */
interface Workspace {
  readonly facts: DiagnosisFacts;
  readonly diagnosis: Diagnosis;
  readonly key?: KeyReference;
  readonly principal?: PrincipalIdentity;
  readonly documents: Map<string, WorkingDocument>;
  readonly fileNames: Set<string>;
}

/**
 * One fix per cause, in the diagnosis's order (the order to apply them in). A cause kms-doctor cannot
 * repair by itself (a missing key, key material, a session policy, an SCP…) still gets a Fix: it has
 * `blockedBy` set to what a human has to do, and no steps.
 */
export function proposeFixes(facts: DiagnosisFacts, diagnosis: Diagnosis): Fix[] {
  const key = keyReference(facts);
  const workspace: Workspace = {
    facts,
    diagnosis,
    ...(key ? { key } : {}),
    ...(facts.principal.status === 'known' ? { principal: facts.principal.value } : {}),
    documents: new Map(),
    fileNames: new Set(),
  };
  return diagnosis.causes.map((cause) => fixFor(workspace, cause));
}

function fixFor(w: Workspace, cause: Cause): Fix {
  switch (cause.code) {
    case 'key-policy-no-iam-delegation':
    case 'cross-account-key-policy':
      return keyPolicyFix(w, cause, 'use');
    case 'identity-policy-missing-actions':
    case 'cross-account-identity-policy':
      return identityPolicyFix(w, cause, 'use');
    case 'grant-creation-denied':
      return cause.layer === 'key-policy' ? keyPolicyFix(w, cause, 'grant') : identityPolicyFix(w, cause, 'grant');
    case 'permissions-boundary':
      return boundaryFix(w, cause);
    case 'explicit-deny':
      return explicitDenyFix(w, cause);
    case 'key-disabled':
    case 'key-pending-deletion':
      return keyStateFix(w, cause);
    case 'key-not-found':
    case 'key-pending-import':
    case 'key-unavailable':
    case 'session-policy':
    case 'aws-managed-key-cross-account':
      return guidanceFix(w, cause);
  }
}

// ---------------------------------------------------------------------------------------------------
// Key policy: one new statement for the principal.

type Purpose = 'use' | 'grant';

function keyPolicyFix(w: Workspace, cause: Cause, purpose: Purpose): Fix {
  const { key, principal } = w;
  const target: FixTarget = { type: 'key-policy', arn: key?.arn ?? w.facts.request.keyInput, policyName: 'default' };
  const actions = actionsToAllow(cause, w.diagnosis);
  const blocked = (title: string, why: string, extra: Partial<Fix> = {}) => blockedFix(cause, target, title, why, extra);
  if (!key) return blocked('Add a statement to the key policy', keyUnknown(w));
  if (!principal) return blocked(`Add a statement to the policy of key ${key.shortId}`, principalUnknown(w));
  if (!isEntityArn(principal.entityArn)) {
    return blocked(`Add a statement to the policy of key ${key.shortId}`, `The principal ${principal.entityArn} is not an IAM role or user ARN, so kms-doctor will not name it in a key policy.`);
  }
  if (key.manager === 'AWS') {
    return blocked(`Allow ${describePrincipal(principal)} in the key policy`, awsManagedKeyGuidance(key));
  }
  const title = purpose === 'grant'
    ? `Allow ${describePrincipal(principal)} to create grants on key ${key.shortId} for AWS resources (key policy)`
    : `Allow ${describePrincipal(principal)} to use key ${key.shortId} in the key policy`;
  const current = currentKeyPolicy(w);
  const statements = current === undefined ? undefined : statementsOf(current.document);
  const taken = new Set((statements ?? []).flatMap(sidOf));
  const { added, explanation } = keyPolicyStatements(w, principal, actions, purpose, taken);
  const snippet = pretty(added);
  if (current === undefined) {
    return blocked(title, `${keyPolicyUnreadable(w, key)} Add this statement to the key policy:`, { snippet, explanation });
  }
  if (statements === undefined) {
    return blocked(title, 'The key policy has no Statement list kms-doctor can extend; a human should add the statement.', { snippet, explanation });
  }
  const notes: string[] = [];
  if (w.facts.caller.status === 'known' && w.facts.caller.value.accountId !== key.accountId) {
    notes.push(`Run this with credentials of account ${key.accountId}: KMS accepts PutKeyPolicy only from the account that owns the key.`);
  }
  notes.push('No existing statement changes, so whoever can manage the key today still can; kms-doctor never sets BypassPolicyLockoutSafetyCheck.');
  return documentFix(w, {
    cause: cause.code,
    title,
    explanation,
    notes,
    target,
    label: 'key-policy',
    documentKey: 'key-policy',
    name: 'default',
    fileStem: `kms-doctor-key-policy-${fileSafe(key.shortId)}`,
    before: current.document,
    after: withAddedStatements(current.document, added),
    sizeProblem: keyPolicySizeProblem,
    mayCompact: true,
    write: (text, file) => ({
      step: { kind: 'put-key-policy', keyArn: key.arn, policy: text },
      command: `aws kms put-key-policy --key-id ${shellWord(key.arn)} --policy-name default --policy file://${file} --region ${shellWord(key.region)}`,
    }),
  });
}

function keyPolicyStatements(
  w: Workspace,
  principal: PrincipalIdentity,
  actions: readonly string[],
  purpose: Purpose,
  taken: Set<string>,
): { added: Statement[]; explanation: string } {
  const who = describePrincipal(principal);
  const word = principalWord(principal);
  const base = (sid: string, list: readonly string[]): Statement => ({
    Sid: uniqueSid(sid, taken),
    Effect: 'Allow',
    Principal: { AWS: principal.entityArn },
    Action: [...list],
    Resource: '*',
  });
  if (purpose === 'grant') {
    const { grant, others } = grantSplit(w, actions);
    const added: Statement[] = [{ ...base(`Allow${word}GrantsForAwsResources`, ['kms:CreateGrant']), ...grant.condition }];
    if (others.length > 0) added.push(base(`Allow${word}UseOfKey`, others));
    return { added, explanation: `Adds one key-policy statement letting ${who} call kms:CreateGrant on this key ${grant.explanation}.${othersSentence(others)} Existing statements are unchanged.` };
  }
  const viaService = viaServiceFor(w.facts.request.operation, w.key?.region ?? w.facts.request.region);
  const statement = base(`Allow${word}UseOfKey`, actions);
  const otherAccount = w.key !== undefined && w.key.accountId !== principal.accountId;
  const alsoIam = otherAccount
    ? ` ${who} is in account ${principal.accountId}, another account than the key's: it also needs an IAM policy allowing these actions on the key ARN.`
    : ' In the key\'s own account this is enough by itself, whether or not the key policy delegates to IAM.';
  if (viaService === undefined) {
    return {
      added: [statement],
      explanation: `Adds one key-policy statement letting ${who} call ${actions.join(', ')} on this key.${alsoIam} Existing statements are unchanged.`,
    };
  }
  // The operation goes through a service, which always sets kms:ViaService. Requiring it limits the new
  // statement to that service's calls; it breaks nothing, because direct calls were not allowed by it before.
  return {
    added: [{ ...statement, Condition: { StringEquals: { 'kms:ViaService': viaService } } }],
    explanation: `Adds one key-policy statement letting ${who} call ${actions.join(', ')} on this key, only through ${viaService} (the kms:ViaService condition): that is how ${w.facts.request.operation.name} reaches KMS. Direct KMS calls by ${who} are not allowed by this statement; remove the Condition if it also calls KMS itself.${alsoIam} Existing statements are unchanged.`,
  };
}

// ---------------------------------------------------------------------------------------------------
// Identity policy: an inline policy named kms-doctor-<key ID's first 8>, or a statement added to it.

function identityPolicyFix(w: Workspace, cause: Cause, purpose: Purpose): Fix {
  const { key, principal } = w;
  const actions = actionsToAllow(cause, w.diagnosis);
  const policyName = key ? `${inlinePolicyPrefix}${fileSafe(key.shortId)}` : `${inlinePolicyPrefix}key`;
  const target: FixTarget = {
    type: 'identity-policy',
    arn: principal?.entityArn ?? w.facts.request.principalArn ?? '',
    policyName,
    principalKind: principal?.kind ?? 'role',
  };
  const blocked = (title: string, why: string, extra: Partial<Fix> = {}) => blockedFix(cause, target, title, why, extra);
  if (!key) return blocked('Allow the key in an IAM policy', keyUnknown(w));
  if (!principal) return blocked(`Allow key ${key.shortId} in an IAM policy`, principalUnknown(w));
  const who = describePrincipal(principal);
  const title = purpose === 'grant'
    ? `Allow ${who} to create grants on key ${key.shortId} for AWS resources (inline policy ${policyName})`
    : `Allow ${who} to use key ${key.shortId} (inline policy ${policyName})`;
  const inline = inlinePoliciesOf(w, principal);
  const existing = inline?.find((p) => p.name.toLowerCase() === policyName.toLowerCase());
  const taken = new Set(existing ? (statementsOf(existing.document) ?? []).flatMap(sidOf) : []);
  const { added, explanation } = identityStatements(w, key, actions, purpose, taken, existing ? `Adds one statement to the inline policy ${existing.name}` : `Creates the inline policy ${policyName} with one statement`, who);
  const snippet = pretty(added);
  if (isServiceLinkedRole(principal.entityArn)) {
    return blocked(title, `${who} is a service-linked role: IAM does not let anyone change its policies. Allow it in the key policy instead, or create a grant for it.`, { snippet, explanation });
  }
  if (inline === undefined) {
    return blocked(
      title,
      `kms-doctor could not read the inline policies of ${who}, so it cannot tell whether a policy named ${policyName} exists (writing it would replace that policy) or how much of IAM's size quota is left. Check with \`aws iam list-${principal.kind}-policies --${principal.kind}-name ${shellWord(principal.name)}\`, then add this statement:`,
      { snippet, explanation },
    );
  }
  const name = existing?.name ?? policyName;
  const after = existing ? withAddedStatements(existing.document, added) : { Version: '2012-10-17', Statement: added };
  if (existing && statementsOf(existing.document) === undefined) {
    return blocked(title, `The inline policy ${name} has no Statement list kms-doctor can extend; a human should add the statement.`, { snippet, explanation });
  }
  const notes: string[] = [];
  if (w.facts.caller.status === 'known' && w.facts.caller.value.accountId !== principal.accountId) {
    notes.push(`Run this with credentials of account ${principal.accountId}, which ${who} belongs to.`);
  }
  if (existing) notes.push(`The inline policy ${name} exists already; the statement is added to it and its other statements are kept.`);
  const others = inline.filter((p) => p !== existing);
  const quota = principal.kind === 'role' ? policySizeLimits.roleInlineCharacters : policySizeLimits.userInlineCharacters;
  return documentFix(w, {
    cause: cause.code,
    title,
    explanation,
    notes,
    target: { ...target, policyName: name },
    label: `${principal.kind}-policy ${principal.name}/${name}`,
    documentKey: inlineKey(principal, name),
    name,
    fileStem: `kms-doctor-${principal.kind}-policy-${fileSafe(principal.name)}-${fileSafe(name)}`,
    before: existing?.document,
    after,
    sizeProblem: (text) => inlineSizeProblem(principal, others, text, quota),
    mayCompact: false,
    write: (text, file) => putEntityPolicy(principal, name, text, file),
  });
}

function identityStatements(
  w: Workspace,
  key: KeyReference,
  actions: readonly string[],
  purpose: Purpose,
  taken: Set<string>,
  /** "Creates the inline policy P with one statement" or "Adds one statement to the inline policy P". */
  lead: string,
  who: string,
): { added: Statement[]; explanation: string } {
  const short = sidSafe(key.shortId);
  const base = (sid: string, list: readonly string[]): Statement => ({
    Sid: uniqueSid(sid, taken),
    Effect: 'Allow',
    Action: [...list],
    Resource: key.arn,
  });
  if (purpose === 'grant') {
    const { grant, others } = grantSplit(w, actions);
    const added: Statement[] = [{ ...base(`AllowGrantsForAwsResourcesOnKey${short}`, ['kms:CreateGrant']), ...grant.condition }];
    if (others.length > 0) added.push(base(`AllowUseOfKey${short}`, others));
    return {
      added,
      explanation: `${lead} letting ${who} call kms:CreateGrant on key ${key.arn} ${grant.explanation}.${othersSentence(others)}`,
    };
  }
  return {
    added: [base(`AllowUseOfKey${short}`, actions)],
    explanation: `${lead} letting ${who} call ${actions.join(', ')} on key ${key.arn} (the key ARN, not an alias: IAM matches aliases as separate resources).`,
  };
}

function inlineSizeProblem(principal: PrincipalIdentity, others: readonly WorkingDocument[], text: string, quota: number): string | undefined {
  const othersSize = others.reduce((sum, p) => sum + iamPolicySize(p.text), 0);
  const total = othersSize + iamPolicySize(text);
  if (total <= quota) return undefined;
  return `The inline policies of ${describePrincipal(principal)} would total ${total} characters without whitespace (this policy ${iamPolicySize(text)}, the others ${othersSize}), over IAM's limit of ${quota} for a ${principal.kind}. Use a customer managed policy instead, or merge existing inline policies.`;
}

// ---------------------------------------------------------------------------------------------------
// Permissions boundary: a new default version of the boundary policy.

function boundaryFix(w: Workspace, cause: Cause): Fix {
  const { key, principal } = w;
  const actions = actionsToAllow(cause, w.diagnosis);
  const boundary = w.facts.principalPolicies.status === 'known' ? w.facts.principalPolicies.value.permissionsBoundary : undefined;
  const boundaryArn = boundary?.arn ?? principal?.permissionsBoundaryArn ?? boundary?.name ?? '';
  const policyName = boundaryArn.split('/').pop() ?? boundaryArn;
  const target: FixTarget = { type: 'identity-policy', arn: boundaryArn, policyName, principalKind: 'managed-policy' };
  const blocked = (title: string, why: string, extra: Partial<Fix> = {}) => blockedFix(cause, target, title, why, extra);
  const title = `Let the permissions boundary ${policyName || '(unknown)'} allow ${actions.join(', ')} on key ${key?.shortId ?? ''}`.trimEnd();
  if (!key) return blocked(title, keyUnknown(w));
  if (!principal) return blocked(title, principalUnknown(w));
  const taken = new Set<string>();
  const current = w.documents.get(managedKey(boundaryArn)) ?? (boundary ? documentOf(boundary) : undefined);
  for (const sid of current ? (statementsOf(current.document) ?? []).flatMap(sidOf) : []) taken.add(sid);
  const added: Statement[] = [
    { Sid: uniqueSid(`AllowUseOfKey${sidSafe(key.shortId)}`, taken), Effect: 'Allow', Action: [...actions], Resource: key.arn },
  ];
  const who = describePrincipal(principal);
  const explanation = `Adds one statement to the permissions boundary of ${who} allowing ${actions.join(', ')} on key ${key.arn}. A boundary grants nothing by itself: it only stops capping these actions, which the key policy or an identity policy must still allow.`;
  const snippet = pretty(added);
  if (boundaryArn === '' || current === undefined) {
    return blocked(title, `kms-doctor could not read the permissions boundary of ${who}. Add this statement to it as a new default policy version:`, { snippet, explanation });
  }
  if (isAwsManagedPolicy(boundaryArn)) {
    return blocked(title, `The boundary ${boundaryArn} is an AWS managed policy, which nobody can change. Set a customer managed boundary that also allows these actions on the key (aws iam put-${principal.kind}-permissions-boundary), with this statement:`, { snippet, explanation });
  }
  if (statementsOf(current.document) === undefined) {
    return blocked(title, `The boundary ${boundaryArn} has no Statement list kms-doctor can extend; a human should add the statement.`, { snippet, explanation });
  }
  return documentFix(w, {
    cause: cause.code,
    title,
    explanation,
    notes: [
      `The boundary may be attached to other users and roles: the new version raises their ceiling too (it grants them nothing).`,
      `IAM keeps at most five versions of a policy: if ${policyName} has five, delete the oldest non-default version first. To undo, make the previous version the default again (aws iam set-default-policy-version).`,
    ],
    target,
    label: `managed-policy ${policyName}`,
    documentKey: managedKey(boundaryArn),
    name: boundaryArn,
    fileStem: `kms-doctor-managed-policy-${fileSafe(policyName)}`,
    before: current.document,
    after: withAddedStatements(current.document, added),
    sizeProblem: managedSizeProblem(boundaryArn),
    mayCompact: false,
    write: (text, file) => createPolicyVersion(boundaryArn, text, file),
  });
}

// ---------------------------------------------------------------------------------------------------
// Explicit deny: remove only the denied actions from the Deny's Action list, or hand it to a human.

function explicitDenyFix(w: Workspace, cause: Cause): Fix {
  const location = cause.deniedBy;
  const actions = actionsToAllow(cause, w.diagnosis);
  const keyTarget: FixTarget = { type: 'key-policy', arn: w.key?.arn ?? w.facts.request.keyInput, policyName: 'default' };
  if (!location) {
    return blockedFix(cause, keyTarget, 'Review the explicit deny', 'The diagnosis did not locate the denying statement; a human must find and review it. kms-doctor never removes a deny it cannot point at.');
  }
  const where = describeLocation(location);
  const title = `Narrow the Deny ${where} so it no longer denies ${actions.join(', ')}`;
  const reviewNote = 'A Deny is usually deliberate: narrowing it lifts it for every principal and request it covers, not only this one. Check with whoever owns it.';
  switch (location.layer) {
    case 'key-policy': {
      const key = w.key;
      const current = currentKeyPolicy(w);
      if (!key || current === undefined) {
        return blockedFix(cause, keyTarget, title, key ? keyPolicyUnreadable(w, key) : keyUnknown(w));
      }
      if (key.manager === 'AWS') return blockedFix(cause, keyTarget, title, awsManagedKeyGuidance(key));
      return narrowedDenyFix(w, cause, location, actions, current, title, reviewNote, {
        target: keyTarget,
        label: 'key-policy',
        documentKey: 'key-policy',
        fileStem: `kms-doctor-key-policy-${fileSafe(key.shortId)}`,
        sizeProblem: keyPolicySizeProblem,
        mayCompact: true,
        write: (text, file) => ({
          step: { kind: 'put-key-policy', keyArn: key.arn, policy: text },
          command: `aws kms put-key-policy --key-id ${shellWord(key.arn)} --policy-name default --policy file://${file} --region ${shellWord(key.region)}`,
        }),
      });
    }
    case 'identity-policy':
      return identityDenyFix(w, cause, location, actions, title, reviewNote);
    case 'permissions-boundary': {
      const boundary = w.facts.principalPolicies.status === 'known' ? w.facts.principalPolicies.value.permissionsBoundary : undefined;
      const arn = boundary?.arn ?? w.principal?.permissionsBoundaryArn ?? location.policyName ?? '';
      return managedDenyFix(w, cause, location, actions, title, reviewNote, arn, boundary);
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

function identityDenyFix(w: Workspace, cause: Cause, location: DenyLocation, actions: readonly string[], title: string, reviewNote: string): Fix {
  const principal = w.principal;
  const policies = w.facts.principalPolicies.status === 'known' ? w.facts.principalPolicies.value.policies : undefined;
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
  if (policy.kind === 'managed') return managedDenyFix(w, cause, location, actions, title, reviewNote, policy.arn ?? policy.name, policy);
  if (policy.groupName !== undefined) {
    return blockedFix(cause, target, title, `The Deny is in the inline policy ${policy.name} of group ${policy.groupName}, which kms-doctor does not edit (it applies to every member). Review it with \`aws iam get-group-policy --group-name ${shellWord(policy.groupName)} --policy-name ${shellWord(policy.name)}\`.`);
  }
  const current = w.documents.get(inlineKey(principal, policy.name)) ?? documentOf(policy);
  const inline = inlinePoliciesOf(w, principal) ?? [];
  const others = inline.filter((p) => p.name !== policy.name);
  const quota = principal.kind === 'role' ? policySizeLimits.roleInlineCharacters : policySizeLimits.userInlineCharacters;
  return narrowedDenyFix(w, cause, location, actions, current, title, reviewNote, {
    target,
    label: `${principal.kind}-policy ${principal.name}/${policy.name}`,
    documentKey: inlineKey(principal, policy.name),
    fileStem: `kms-doctor-${principal.kind}-policy-${fileSafe(principal.name)}-${fileSafe(policy.name)}`,
    sizeProblem: (text) => inlineSizeProblem(principal, others, text, quota),
    mayCompact: false,
    write: (text, file) => putEntityPolicy(principal, policy.name, text, file),
  });
}

function managedDenyFix(
  w: Workspace,
  cause: Cause,
  location: DenyLocation,
  actions: readonly string[],
  title: string,
  reviewNote: string,
  policyArn: string,
  policy: PolicyDocumentFacts | undefined,
): Fix {
  const policyName = policyArn.split('/').pop() ?? policyArn;
  const target: FixTarget = { type: 'identity-policy', arn: policyArn, policyName, principalKind: 'managed-policy' };
  const current = w.documents.get(managedKey(policyArn)) ?? (policy ? documentOf(policy) : undefined);
  if (current === undefined || policyArn === '') {
    return blockedFix(cause, target, title, `kms-doctor could not read the policy ${policyArn || '(unknown)'}; a human must review the Deny in it.`);
  }
  if (isAwsManagedPolicy(policyArn)) {
    return blockedFix(cause, target, title, `The Deny is in the AWS managed policy ${policyArn}, which nobody can change: detach it from the principal, or replace it with a customer managed copy, after reviewing why it was attached.`);
  }
  return narrowedDenyFix(w, cause, location, actions, current, title, reviewNote, {
    target,
    label: `managed-policy ${policyName}`,
    documentKey: managedKey(policyArn),
    fileStem: `kms-doctor-managed-policy-${fileSafe(policyName)}`,
    sizeProblem: managedSizeProblem(policyArn),
    mayCompact: false,
    extraNotes: [
      `The managed policy may be attached to other users, roles or groups: the change applies to all of them.`,
      `IAM keeps at most five versions of a policy: if ${policyName} has five, delete the oldest non-default version first. To undo, make the previous version the default again (aws iam set-default-policy-version).`,
    ],
    write: (text, file) => createPolicyVersion(policyArn, text, file),
  });
}

type DenyLocation = NonNullable<Cause['deniedBy']>;

interface DenyWrite extends Pick<DocumentChange, 'target' | 'label' | 'documentKey' | 'fileStem' | 'sizeProblem' | 'mayCompact' | 'write'> {
  readonly extraNotes?: readonly string[];
}

function narrowedDenyFix(
  w: Workspace,
  cause: Cause,
  location: DenyLocation,
  actions: readonly string[],
  current: WorkingDocument,
  title: string,
  reviewNote: string,
  how: DenyWrite,
): Fix {
  const narrowed = narrowDeny(current.document, location, actions);
  if (!narrowed.ok) {
    return blockedFix(cause, how.target, title, `${narrowed.reason} A human must review the Deny ${describeLocation(location)}; kms-doctor never deletes or rewrites a deny it cannot narrow exactly.`);
  }
  return documentFix(w, {
    cause: cause.code,
    title,
    explanation: `Removes ${narrowed.removed.join(', ')} from the Action list of the Deny ${describeLocation(location)}. The statement keeps its principals, resources and conditions, and still denies ${narrowed.remaining.join(', ')}.`,
    notes: [reviewNote, ...(how.extraNotes ?? [])],
    target: how.target,
    label: how.label,
    documentKey: how.documentKey,
    name: current.name,
    fileStem: how.fileStem,
    before: current.document,
    after: narrowed.after,
    sizeProblem: how.sizeProblem,
    mayCompact: how.mayCompact,
    write: how.write,
  });
}

type Narrowing =
  | { readonly ok: true; readonly after: unknown; readonly removed: string[]; readonly remaining: string[] }
  | { readonly ok: false; readonly reason: string };

/** The document with only the denied actions removed from one Deny statement, when that is exact. */
export function narrowDeny(document: unknown, location: StatementLocation, actions: readonly string[]): Narrowing {
  const statements = statementsOf(document);
  if (statements === undefined) return { ok: false, reason: 'The policy has no Statement list.' };
  let index = location.statementIndex;
  if (location.statementId !== undefined && (index === undefined || sidOf(statements[index])[0] !== location.statementId)) {
    const matches = statements.flatMap((s, i) => (sidOf(s)[0] === location.statementId ? [i] : []));
    if (matches.length !== 1) return { ok: false, reason: `The statement ${location.statementId} is not in the policy as read.` };
    index = matches[0];
  }
  const statement = index === undefined ? undefined : statements[index];
  if (!isObject(statement) || statement.Effect !== 'Deny') return { ok: false, reason: 'The statement found there is not a Deny.' };
  if (statement.NotAction !== undefined) {
    return { ok: false, reason: 'The Deny uses NotAction (it denies everything except a list), so removing actions is not a narrowing.' };
  }
  const listed = typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
  if (!Array.isArray(listed) || !listed.every((a): a is string => typeof a === 'string')) {
    return { ok: false, reason: 'The Deny has no Action list kms-doctor can read.' };
  }
  const removed: string[] = [];
  for (const action of actions) {
    const wildcard = listed.find((pattern) => /[*?]/.test(pattern) && actionPattern(pattern).test(action));
    if (wildcard !== undefined) {
      return { ok: false, reason: `The Deny covers ${action} through "${wildcard}": narrowing it would mean replacing the wildcard with every other action it covers.` };
    }
    const literal = listed.find((a) => a.toLowerCase() === action.toLowerCase());
    if (literal !== undefined) removed.push(literal);
  }
  if (removed.length === 0) return { ok: false, reason: `The Deny does not name ${actions.join(', ')} in its Action list.` };
  const remaining = listed.filter((a) => !removed.includes(a));
  if (remaining.length === 0) {
    return { ok: false, reason: `The Deny denies only ${removed.join(', ')}: narrowing it would delete it.` };
  }
  const narrowedStatement = { ...statement, Action: remaining };
  const policy = document as PolicyObject;
  const after = Array.isArray(policy.Statement)
    ? { ...policy, Statement: statements.map((s, i) => (i === index ? narrowedStatement : s)) }
    : { ...policy, Statement: narrowedStatement };
  return { ok: true, after, removed, remaining };
}

function actionPattern(pattern: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i');
}

// ---------------------------------------------------------------------------------------------------
// Key state.

function keyStateFix(w: Workspace, cause: Cause): Fix {
  const key = w.key;
  const target: FixTarget = { type: 'key-state', arn: key?.arn ?? w.facts.request.keyInput };
  if (!key) return blockedFix(cause, target, 'Enable the key', keyUnknown(w));
  if (key.manager === 'AWS') {
    return blockedFix(cause, target, `Enable key ${key.shortId}`, `Key ${key.arn} is an AWS managed key: only the AWS service that owns it manages its state.`);
  }
  const region = shellWord(key.region);
  const enable: FixStep = { kind: 'enable-key', keyArn: key.arn };
  const enableCommand = `aws kms enable-key --key-id ${shellWord(key.arn)} --region ${region}`;
  const notes: string[] = [];
  if (w.facts.caller.status === 'known' && w.facts.caller.value.accountId !== key.accountId) {
    notes.push(`Run this with credentials of account ${key.accountId}: key state can only be changed in the account that owns the key.`);
  }
  if (key.region !== w.facts.request.region) notes.push(`Key ${key.shortId} lives in ${key.region}; the commands name that Region.`);
  if (cause.code === 'key-disabled') {
    return {
      cause: cause.code,
      title: `Enable key ${key.shortId}`,
      explanation: `Key ${key.arn} is disabled, and KMS refuses every cryptographic operation with a disabled key whatever the policies say. Enabling it makes it usable again by everyone the policies allow. Undo: aws kms disable-key.`,
      target,
      commands: [enableCommand],
      files: [],
      steps: [enable],
      ...(notes.length > 0 ? { notes } : {}),
    };
  }
  const deletion = w.facts.key.status === 'known' ? w.facts.key.value.deletionDate : undefined;
  return {
    cause: cause.code,
    title: `Cancel the deletion of key ${key.shortId}, then enable it`,
    explanation: `Key ${key.arn} is scheduled for deletion${deletion ? ` on ${deletion}` : ''}. Cancelling the deletion leaves the key Disabled, so it must be enabled afterwards. Once the deletion date passes the key and everything encrypted under it are gone for good.`,
    target,
    commands: [`aws kms cancel-key-deletion --key-id ${shellWord(key.arn)} --region ${region}`, enableCommand],
    files: [],
    steps: [{ kind: 'cancel-key-deletion', keyArn: key.arn }, enable],
    notes: [...notes, 'If someone scheduled the deletion on purpose, check with them first: cancelling it has no undo except scheduling it again.'],
  };
}

// ---------------------------------------------------------------------------------------------------
// Causes kms-doctor does not repair: a blocked Fix that says what a human should do.

function guidanceFix(w: Workspace, cause: Cause): Fix {
  const key = w.key;
  const keyTarget: FixTarget = { type: 'key-state', arn: key?.arn ?? w.facts.request.keyInput };
  switch (cause.code) {
    case 'key-not-found':
      return blockedFix(cause, keyTarget, `Name the key so KMS can find it`, keyNotFoundGuidance(w));
    case 'key-pending-import':
      return blockedFix(
        cause,
        keyTarget,
        `Import key material into key ${key?.shortId ?? w.facts.request.keyInput}`,
        `The key was created without key material (origin EXTERNAL), or its imported material expired or was deleted. Import the same material again: \`aws kms get-parameters-for-import\`, wrap it with the public key, then \`aws kms import-key-material\`. kms-doctor never handles key material; ciphertext made with other material cannot be decrypted with this key.`,
      );
    case 'key-unavailable':
      return blockedFix(
        cause,
        keyTarget,
        `Reconnect the custom key store of key ${key?.shortId ?? w.facts.request.keyInput}`,
        `The key lives in a custom key store that is disconnected. Check it with \`aws kms describe-custom-key-stores\` (ConnectionState, ConnectionErrorCode) and reconnect it with \`aws kms connect-custom-key-store\` once the cause is fixed.`,
      );
    case 'aws-managed-key-cross-account':
      return blockedFix(
        cause,
        { type: 'key-policy', arn: key?.arn ?? w.facts.request.keyInput, policyName: 'default' },
        'Use a customer managed key for cross-account access',
        `${key ? `Key ${key.arn}` : 'The key'} is an AWS managed key: its key policy cannot be changed and allows only its own account. Re-encrypt the data under a customer managed key (copy the snapshot, object or secret with a new KMS key) and share that key instead.`,
      );
    case 'session-policy': {
      const principal = w.principal;
      const actions = actionsToAllow(cause, w.diagnosis);
      const snippet = key ? pretty([{ Effect: 'Allow', Action: actions, Resource: key.arn }]) : undefined;
      return blockedFix(
        cause,
        { type: 'identity-policy', arn: principal?.entityArn ?? w.facts.request.principalArn ?? '', policyName: 'session policy', principalKind: principal?.kind ?? 'role' },
        `Allow ${actions.join(', ')} in the session policy`,
        `The session was created with a session policy that does not allow ${actions.join(', ')}. AWS keeps no copy kms-doctor can change: fix it where the session is created (the Policy or PolicyArns of AssumeRole or GetFederationToken, or the IAM Identity Center permission set), then start a new session.${snippet ? ' A statement to add:' : ''}`,
        snippet ? { snippet } : {},
      );
    }
    default:
      return blockedFix(cause, keyTarget, cause.summary, 'kms-doctor has no automatic fix for this cause.');
  }
}

function keyNotFoundGuidance(w: Workspace): string {
  const { keyInput, region } = w.facts.request;
  const parsed = parseKeyArn(keyInput);
  const parts = [`KMS found no key "${keyInput}" in ${region}.`];
  if (parsed && parsed.region !== region) {
    parts.push(`The ARN names Region ${parsed.region} but the call was made in ${region}: keys are Regional, so call KMS in ${parsed.region} (or use a multi-Region replica in ${region}).`);
  } else if (!keyInput.startsWith('arn:')) {
    parts.push('A key ID or alias name is looked up in the caller\'s own account and Region: for a key in another account use its full key ARN, and check the Region.');
  } else {
    parts.push('Check the account and Region in the ARN, and whether the key was deleted (a deleted key cannot be recovered).');
  }
  return parts.join(' ');
}

// ---------------------------------------------------------------------------------------------------
// Documents: before/after, diff, size, file, step, command.

interface DocumentChange {
  readonly cause: CauseCode;
  readonly title: string;
  readonly explanation: string;
  readonly notes: readonly string[];
  readonly target: FixTarget;
  /** Names the diff's two sides: "<label> (before)", "<label> (after)". */
  readonly label: string;
  readonly documentKey: string;
  readonly name: string;
  readonly fileStem: string;
  /** Undefined for a document that does not exist yet. */
  readonly before: unknown;
  readonly after: unknown;
  /** Why the text (as it will be sent) cannot be written, or undefined when it fits. */
  readonly sizeProblem: (text: string) => string | undefined;
  /** True where whitespace counts against the limit (key policies): a compact document may still fit. */
  readonly mayCompact: boolean;
  readonly write: (text: string, file: string) => { readonly step: FixStep; readonly command: string };
}

function documentFix(w: Workspace, change: DocumentChange): Fix {
  const before = change.before === undefined ? '' : pretty(change.before);
  const after = pretty(change.after);
  const shown = {
    cause: change.cause,
    title: change.title,
    explanation: change.explanation,
    target: change.target,
    before,
    after,
    diff: unifiedDiff(before, after, change.label),
  };
  const notes = [...change.notes];
  let text = after;
  let problem = change.sizeProblem(`${text}\n`);
  if (problem !== undefined && change.mayCompact) {
    const compact = JSON.stringify(change.after);
    if (change.sizeProblem(`${compact}\n`) === undefined) {
      text = compact;
      problem = undefined;
      notes.push('The pretty-printed document is over the size limit, so the file and the write use the same document without whitespace.');
    }
  }
  if (problem !== undefined) {
    return { ...shown, commands: [], files: [], steps: [], blockedBy: problem, ...(notes.length > 0 ? { notes } : {}) };
  }
  const path = uniqueFileName(w, change.fileStem);
  const { step, command } = change.write(text, path);
  w.documents.set(change.documentKey, { name: change.name, document: change.after, text });
  return { ...shown, commands: [command], files: [{ path, content: `${text}\n` }], steps: [step], ...(notes.length > 0 ? { notes } : {}) };
}

function blockedFix(cause: Cause, target: FixTarget, title: string, blockedBy: string, extra: Partial<Fix> = {}): Fix {
  return {
    cause: cause.code,
    title,
    explanation: cause.summary,
    target,
    commands: [],
    files: [],
    steps: [],
    ...extra,
    blockedBy,
  };
}

function keyPolicySizeProblem(text: string): string | undefined {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes <= policySizeLimits.keyPolicyBytes) return undefined;
  return `The key policy would be ${bytes} bytes, over KMS's limit of ${policySizeLimits.keyPolicyBytes} bytes (not adjustable). Shorten it first, e.g. merge statements for the same principal, or grant through IAM policies via the account's "Enable IAM policies" statement.`;
}

function managedSizeProblem(policyArn: string) {
  return (text: string): string | undefined => {
    const size = iamPolicySize(text);
    if (size <= policySizeLimits.managedPolicyCharacters) return undefined;
    return `The policy ${policyArn} would be ${size} characters without whitespace, over IAM's limit of ${policySizeLimits.managedPolicyCharacters} for a managed policy. Shorten it first.`;
  };
}

/** IAM counts policy characters without whitespace. */
function iamPolicySize(text: string): number {
  return text.replace(/\s/g, '').length;
}

function putEntityPolicy(principal: PrincipalIdentity, policyName: string, text: string, file: string): { step: FixStep; command: string } {
  const name = shellWord(principal.name);
  const policy = shellWord(policyName);
  return principal.kind === 'role'
    ? {
        step: { kind: 'put-role-policy', roleName: principal.name, policyName, document: text },
        command: `aws iam put-role-policy --role-name ${name} --policy-name ${policy} --policy-document file://${file}`,
      }
    : {
        step: { kind: 'put-user-policy', userName: principal.name, policyName, document: text },
        command: `aws iam put-user-policy --user-name ${name} --policy-name ${policy} --policy-document file://${file}`,
      };
}

function createPolicyVersion(policyArn: string, text: string, file: string): { step: FixStep; command: string } {
  return {
    step: { kind: 'create-policy-version', policyArn, document: text },
    command: `aws iam create-policy-version --policy-arn ${shellWord(policyArn)} --policy-document file://${file} --set-as-default`,
  };
}

function uniqueFileName(w: Workspace, stem: string): string {
  let name = `${stem}.json`;
  for (let n = 2; w.fileNames.has(name); n += 1) name = `${stem}-${n}.json`;
  w.fileNames.add(name);
  return name;
}

// ---------------------------------------------------------------------------------------------------
// Reading the facts.

function keyReference(facts: DiagnosisFacts): KeyReference | undefined {
  if (facts.key.status === 'known') {
    const key = facts.key.value;
    return { arn: key.arn, keyId: key.keyId, shortId: shortKeyId(key.keyId), region: key.region, accountId: key.accountId, manager: key.manager };
  }
  // A key ARN names the key exactly even when DescribeKey was refused; an alias does not.
  return parseKeyArn(facts.request.keyInput);
}

function parseKeyArn(value: string): KeyReference | undefined {
  const match = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/([A-Za-z0-9-]+)$/.exec(value);
  if (!match) return undefined;
  const [, region = '', accountId = '', keyId = ''] = match;
  return { arn: value, keyId, shortId: shortKeyId(keyId), region, accountId };
}

function shortKeyId(keyId: string): string {
  // Every multi-Region key ID starts with "mrk-", which would make the first 8 characters say little.
  return keyId.startsWith('mrk-') ? keyId.slice(0, 12) : keyId.slice(0, 8);
}

function currentKeyPolicy(w: Workspace): WorkingDocument | undefined {
  const working = w.documents.get('key-policy');
  if (working) return working;
  if (w.facts.keyPolicy.status !== 'known') return undefined;
  return { name: 'default', document: w.facts.keyPolicy.value.document, text: w.facts.keyPolicy.value.text };
}

/** The principal's own inline policies (not its groups'), as the fixes so far leave them; undefined when unreadable. */
function inlinePoliciesOf(w: Workspace, principal: PrincipalIdentity): WorkingDocument[] | undefined {
  if (w.facts.principalPolicies.status !== 'known') return undefined;
  const read = w.facts.principalPolicies.value.policies.filter((p) => p.kind === 'inline' && p.groupName === undefined);
  const result = read.map((p) => w.documents.get(inlineKey(principal, p.name)) ?? documentOf(p));
  for (const [key, document] of w.documents) {
    if (key.startsWith(inlineKey(principal, '')) && !result.some((p) => inlineKey(principal, p.name) === key)) result.push(document);
  }
  return result;
}

function documentOf(policy: PolicyDocumentFacts): WorkingDocument {
  return { name: policy.name, document: policy.document, text: policy.text };
}

const inlineKey = (principal: PrincipalIdentity, name: string) => `inline:${principal.entityArn}:${name.toLowerCase()}`;
const managedKey = (arn: string) => `managed:${arn}`;

const kmsAction = /^kms:[A-Za-z]+$/;

/** The cause's missing KMS actions, deduplicated and sorted; never a wildcard. */
function actionsToAllow(cause: Cause, diagnosis: Diagnosis): string[] {
  const named = cause.actions.filter((a) => kmsAction.test(a));
  // A cause that names no action stands for every required action the diagnosis found denied.
  const chosen = named.length > 0 ? named : diagnosis.actionResults.filter((r) => r.decision === 'denied').map((r) => r.action).filter((a) => kmsAction.test(a));
  const unique = new Map<string, string>();
  for (const action of chosen) if (!unique.has(action.toLowerCase())) unique.set(action.toLowerCase(), action);
  return [...unique.values()].sort();
}

/** kms:CreateGrant's statement condition, and the cause's other actions (allowed without it). */
function grantSplit(w: Workspace, actions: readonly string[]) {
  const others = actions.filter((a) => a.toLowerCase() !== 'kms:creategrant');
  const operation = w.facts.request.operation;
  // Services create grants with kms:GrantIsForAWSResource true; a principal calling CreateGrant itself
  // does not, so requiring it there would leave the failing call failing (KMS-DENIALS CND-4).
  const grant = operation.usesGrants
    ? {
        condition: { Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
        explanation: `only when an AWS service creates the grant for a resource it manages (kms:GrantIsForAWSResource), as ${operation.name} does`,
      }
    : { condition: {}, explanation: `(${operation.name} calls CreateGrant itself, so kms:GrantIsForAWSResource would not be true)` };
  return { grant, others };
}

function othersSentence(others: readonly string[]): string {
  return others.length > 0 ? ` A second statement allows ${others.join(', ')}, which the same cause found missing.` : '';
}

// ---------------------------------------------------------------------------------------------------
// Small helpers.

function statementsOf(document: unknown): unknown[] | undefined {
  if (!isObject(document)) return undefined;
  const statement = document.Statement;
  if (Array.isArray(statement)) return statement;
  return isObject(statement) ? [statement] : undefined;
}

/** The document with statements appended; everything else, in its order, is kept as it was. */
function withAddedStatements(document: unknown, added: readonly Statement[]): PolicyObject {
  const policy = document as PolicyObject;
  return { ...policy, Statement: [...(statementsOf(document) ?? []), ...added] };
}

function sidOf(statement: unknown): string[] {
  return isObject(statement) && typeof statement.Sid === 'string' ? [statement.Sid] : [];
}

/** The base Sid, or base2, base3… when the policy has it already (Sids compare case-insensitively here). */
function uniqueSid(base: string, taken: Set<string>): string {
  const lower = new Set([...taken].map((s) => s.toLowerCase()));
  let sid = base;
  for (let n = 2; lower.has(sid.toLowerCase()); n += 1) sid = `${base}${n}`;
  taken.add(sid);
  return sid;
}

/** "AppRole" for role App, "DeployerUser" for user deployer, "MyAppRole" for role my-app-role. */
function principalWord(principal: PrincipalIdentity): string {
  const kind = principal.kind === 'role' ? 'Role' : 'User';
  const name = principal.name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')
    .slice(0, 64);
  if (name === '') return kind;
  return name.endsWith(kind) ? name : `${name}${kind}`;
}

function describePrincipal(principal: PrincipalIdentity): string {
  return `${principal.kind} ${principal.name}`;
}

function describeLocation(location: DenyLocation): string {
  const statement = location.statementId !== undefined
    ? `"${location.statementId}"`
    : location.statementIndex !== undefined ? `#${location.statementIndex}` : '';
  const policy = location.layer === 'key-policy' ? 'the key policy' : location.policyName ?? `the ${location.layer}`;
  return `${statement} in ${policy}`.trim();
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An IAM role or user ARN: never a session, an account root or a wildcard. */
function isEntityArn(arn: string): boolean {
  return /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/.test(arn);
}

const isServiceLinkedRole = (arn: string) => /:role\/aws-service-role\//.test(arn);
const isAwsManagedPolicy = (arn: string) => /^arn:aws[a-z-]*:iam::aws:policy\//.test(arn);

const sidSafe = (value: string) => value.replace(/[^A-Za-z0-9]/g, '');
const fileSafe = (value: string) => value.replace(/[^A-Za-z0-9._-]/g, '-');

/** A word the shell passes through unchanged: IAM names and ARNs are, anything else gets quoted. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function keyUnknown(w: Workspace): string {
  return `kms-doctor does not know the key's ARN ("${w.facts.request.keyInput}" is not a key ARN and DescribeKey could not be read), and a policy must name the key ARN. Run again with the key ARN.`;
}

function principalUnknown(w: Workspace): string {
  const why = w.facts.principal.status === 'unreadable' ? ` (${w.facts.principal.call}: ${w.facts.principal.message})` : '';
  return `kms-doctor could not identify the IAM role or user${why}; a policy must name it exactly, including a role's path. Run again with --principal set to the role or user ARN.`;
}

function keyPolicyUnreadable(w: Workspace, key: KeyReference): string {
  const observation = w.facts.keyPolicy;
  if (observation.status === 'unreadable' && observation.reason === 'cross-account') {
    return `The key policy of ${key.arn} can only be read and changed with credentials of account ${key.accountId}, which owns the key. Run kms-doctor there, or ask the key's owner.`;
  }
  const why = observation.status === 'unreadable' ? ` (${observation.call}: ${observation.message})` : '';
  return `kms-doctor could not read the key policy of ${key.arn}${why}, so it cannot propose the whole new document.`;
}

function awsManagedKeyGuidance(key: KeyReference): string {
  return `Key ${key.arn} is an AWS managed key: its key policy cannot be changed. Use a customer managed key for this access.`;
}
