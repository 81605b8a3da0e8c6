// Causes kms-doctor does not repair by writing a policy (a missing key, key material, a custom key store,
// a session policy, an AWS managed key shared across accounts): a Fix that says what a human should do.
// Issue 8's causes (organization policies, grants, the Region, the ciphertext…) are in cause-guidance.ts.
import type { Cause } from '../cause.js';
import type { Fix } from '../fix.js';
import { blockedFix } from './blocked-fixes.js';
import { causeGuidance, transientStateFix } from './cause-guidance.js';
import { pretty } from './policy-documents.js';
import { actionsToAllow, keyPolicyTarget, keyStateTarget, type Workspace } from './workspace.js';
import { entityOf, parseDiagnosablePrincipal } from '../identifiers.js';

export function guidanceFix(workspace: Workspace, cause: Cause): Fix {
  const key = workspace.key;
  const keyTarget = keyStateTarget(workspace);
  switch (cause.code) {
    case 'key-not-found':
      return blockedFix(cause, keyTarget, `Name the key so KMS can find it`, keyNotFoundGuidance(workspace));
    case 'key-pending-import':
      return blockedFix(
        cause,
        keyTarget,
        `Import key material into key ${key?.shortId ?? workspace.facts.request.key.text}`,
        `The key was created without key material (origin EXTERNAL), or its imported material expired or was deleted. Import the same material again: \`aws kms get-parameters-for-import\`, wrap it with the public key, then \`aws kms import-key-material\`. kms-doctor never handles key material; ciphertext made with other material cannot be decrypted with this key.`,
      );
    case 'key-unavailable':
      if (workspace.facts.key.status === 'known' && (workspace.facts.key.value.state === 'Creating' || workspace.facts.key.value.state === 'Updating')) {
        return transientStateFix(workspace, cause);
      }
      return blockedFix(
        cause,
        keyTarget,
        `Reconnect the custom key store of key ${key?.shortId ?? workspace.facts.request.key.text}`,
        `The key lives in a custom key store that is disconnected. Check it with \`aws kms describe-custom-key-stores\` (ConnectionState, ConnectionErrorCode) and reconnect it with \`aws kms connect-custom-key-store\` once the cause is fixed.`,
      );
    case 'aws-managed-key-cross-account':
      return blockedFix(
        cause,
        keyPolicyTarget(workspace),
        'Use a customer managed key for cross-account access',
        `${key ? `Key ${key.arn}` : 'The key'} is an AWS managed key: its key policy cannot be changed and allows only its own account. Re-encrypt the data under a customer managed key (copy the snapshot, object or secret with a new KMS key) and share that key instead.`,
      );
    case 'session-policy': {
      const principal = workspace.principal;
      const actions = actionsToAllow(cause, workspace.diagnosis);
      const snippet = key ? pretty([{ Effect: 'Allow', Action: actions, Resource: key.arn }]) : undefined;
      // A session's policy is fixed when it is created: the fix is a new session, created with a policy that allows the actions (or with none).
      const named = parseDiagnosablePrincipal(principal?.arn ?? workspace.facts.request.principal?.arn ?? '');
      const session = named?.kind === 'assumed-role' ? named : undefined;
      const roleArn = principal?.kind === 'role' ? principal.entityArn : session ? entityOf(session).arn : undefined;
      const reassume = roleArn
        ? ` As whoever creates the session (not kms-doctor's credentials): \`aws sts assume-role --role-arn ${roleArn} --role-session-name ${session?.sessionName ?? 'SESSION'} --policy file://session-policy.json\`, where session-policy.json is the policy the session is created with plus the statement below; or leave out --policy if the session needs no scoping-down (it then has all of the role's permissions).`
        : '';
      return blockedFix(
        cause,
        { type: 'identity-policy', arn: principal?.entityArn ?? workspace.facts.request.principal?.arn ?? '', policyName: 'session policy', principalKind: principal?.kind ?? 'role' },
        `Start a new session whose session policy allows ${actions.join(', ')}`,
        `The session was created with a session policy that does not allow ${actions.join(', ')}, and a session keeps its policy until it expires. AWS keeps no copy kms-doctor can read or change: fix it where the session is created (the Policy or PolicyArns of AssumeRole or GetFederationToken, or the IAM Identity Center permission set), then start a new session; the role's policies and the key policy need no change.${reassume}`,
        snippet ? { snippet } : {},
      );
    }
    default:
      return causeGuidance(workspace, cause) ?? blockedFix(cause, keyTarget, cause.summary, 'kms-doctor has no automatic fix for this cause.');
  }
}

function keyNotFoundGuidance(workspace: Workspace): string {
  const { key: named, region } = workspace.facts.request;
  const parts = [`KMS found no key "${named.text}" in ${region}.`];
  if (named.kind === 'key-arn' && named.region !== region) {
    parts.push(`The ARN names Region ${named.region} but the call was made in ${region}: keys are Regional, so call KMS in ${named.region} (or use a multi-Region replica in ${region}).`);
  } else if (named.kind === 'key-id' || named.kind === 'alias-name') {
    parts.push('A key ID or alias name is looked up in the caller\'s own account and Region: for a key in another account use its full key ARN, and check the Region.');
  } else {
    parts.push('Check the account and Region in the ARN, and whether the key was deleted (a deleted key cannot be recovered).');
  }
  return parts.join(' ');
}
