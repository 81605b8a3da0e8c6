// What every key-scoped KMS operation shares: refusing alias identifiers where only keys are accepted,
// authorizing (before any change, since authorization reads the committed state), checking the key
// state with KMS's wording, authorizing actions on "*" or on alias ARNs (IAM policies only), and
// applying a change to the key inside `world.mutate`.
import type { EvaluationOutcome } from '../../engine/policy-evaluation.js';
import { accessDeniedMessage, authorize } from '../authorize.js';
import { AwsError } from '../errors.js';
import { endpointAuthorization } from '../vpc-endpoints.js';
import type { KeyState, KeyStateName, SandboxState } from '../state.js';
import { authorizeKeyUse, keyStateError, type AuthorizedKeyUse, type KeyUse } from './key-authorization.js';
import type { KmsCall } from './kms-call.js';

export const dryRunSucceeded = (): AwsError =>
  new AwsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.', 412);

/** Every state except the two deletion states: where tagging, aliasing and enabling still work. */
export const notPendingDeletion: readonly KeyStateName[] = ['Enabled', 'Disabled', 'PendingImport', 'Unavailable', 'Creating', 'Updating'];

const aliasIdentifier = /^(?:alias\/|arn:aws[\w-]*:kms:[^:]*:[^:]*:alias\/)/;

/** Operations that take "key ID or key ARN" reject aliases before looking anything up. */
export function rejectAlias(keyId: string): void {
  if (aliasIdentifier.test(keyId)) throw new AwsError('InvalidArnException', 'Key Aliases are not supported for this operation.');
}

export { keyStateError };

export function requireState(key: KeyState, states: readonly KeyStateName[]): void {
  if (!states.includes(key.keyState)) throw keyStateError(key);
}

export interface KeyAccess extends KeyUse {
  /** Crypto operations and DescribeKey accept aliases; management operations do not. */
  readonly aliasAllowed?: boolean;
}

/** Resolves and authorizes a key use; see authorizeKeyUse for the order of checks. */
export function useKey(call: KmsCall, access: KeyAccess): Promise<AuthorizedKeyUse> {
  if (!access.aliasAllowed) rejectAlias(access.keyId);
  return authorizeKeyUse(call, access);
}

/** An AccessDeniedException for a resource in the caller's own account. */
export function denial(call: KmsCall, action: string, resourceArn: string, outcome: EvaluationOutcome): AwsError {
  return new AwsError(
    'AccessDeniedException',
    accessDeniedMessage({ caller: call.caller, action, resourceArn, resourceAccount: call.caller.accountId, outcome }),
  );
}

/**
 * Authorizes an action whose resource is not a key: "*" (CreateKey, ListKeys, ListAliases,
 * ListRetirableGrants) or an alias ARN (the alias half of CreateAlias/DeleteAlias/UpdateAlias).
 * Only IAM policies (and SCPs, boundaries, session policies) apply; there is no resource policy.
 */
export async function authorizeWithoutKey(
  call: KmsCall,
  action: string,
  resourceArn: string,
  context: Readonly<Record<string, string | readonly string[]>> = {},
): Promise<void> {
  const viaService: Record<string, string> = call.viaService !== undefined ? { 'kms:ViaService': call.viaService, 'aws:ViaAWSService': 'true' } : {};
  const endpoint = endpointAuthorization(call);
  const outcome = await authorize(call.world.state, call.caller, {
    action,
    resourceArn,
    resourceAccount: call.caller.accountId,
    ...(endpoint.vpcEndpointPolicy ? { vpcEndpointPolicy: endpoint.vpcEndpointPolicy } : {}),
    context: { 'kms:CallerAccount': call.caller.accountId, ...viaService, ...endpoint.context, ...context },
  });
  if (outcome.decision !== 'Allowed') throw denial(call, action, resourceArn, outcome);
}

/** Finds the key by ARN in a draft state; it may have vanished since it was authorized. */
export function draftKey(draft: SandboxState, keyArn: string): KeyState {
  const key = draft.keys[keyArn];
  if (!key) throw new AwsError('NotFoundException', `Key '${keyArn}' does not exist`);
  return key;
}

/** Applies a change to one key inside world.mutate, on the draft, so failures roll back. */
export function mutateKey<T>(call: KmsCall, keyArn: string, change: (key: KeyState, draft: SandboxState) => T): Promise<T> {
  return call.world.mutate((draft) => change(draftKey(draft, keyArn), draft));
}

/** JSON 1.1 sends timestamps as epoch seconds. */
export const epochSeconds = (iso: string): number => Date.parse(iso) / 1000;
