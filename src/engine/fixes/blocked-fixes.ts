// Fixes kms-doctor cannot make by itself still say what a human should do: `blockedBy` is set and there
// is nothing to run. The reasons several fix builders share are worded once, here.
import type { Cause } from '../cause.js';
import type { Fix, FixTarget } from '../fix.js';
import type { FixKey, Workspace } from './workspace.js';

export function blockedFix(cause: Cause, target: FixTarget, title: string, blockedBy: string, extra: Partial<Fix> = {}): Fix {
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

/** `blockedFix` with the cause and target a builder uses for every way it can be blocked. */
export function blockedFixFor(cause: Cause, target: FixTarget) {
  return (title: string, why: string, extra: Partial<Fix> = {}): Fix => blockedFix(cause, target, title, why, extra);
}

export function keyUnknown(workspace: Workspace): string {
  return `kms-doctor does not know the key's ARN ("${workspace.facts.request.key.text}" is not a key ARN and DescribeKey could not be read), and a policy must name the key ARN. Run again with the key ARN.`;
}

export function principalUnknown(workspace: Workspace): string {
  const principal = workspace.facts.principal;
  const why = principal.status === 'unreadable' ? ` (${principal.call}: ${principal.message})` : '';
  return `kms-doctor could not identify the IAM role or user${why}; a policy must name it exactly, including a role's path. Run again with --principal set to the role or user ARN.`;
}

export function keyPolicyUnreadable(workspace: Workspace, key: FixKey): string {
  const observation = workspace.facts.keyPolicy;
  if (observation.status === 'unreadable' && observation.reason === 'cross-account') {
    return `The key policy of ${key.arn} can only be read and changed with credentials of account ${key.accountId}, which owns the key. Run kms-doctor there, or ask the key's owner.`;
  }
  const why = observation.status === 'unreadable' ? ` (${observation.call}: ${observation.message})` : '';
  return `kms-doctor could not read the key policy of ${key.arn}${why}, so it cannot propose the whole new document.`;
}

export function awsManagedKeyGuidance(key: FixKey): string {
  return `Key ${key.arn} is an AWS managed key: its key policy cannot be changed. Use a customer managed key for this access.`;
}
