// Authorizes an IAM API call against the caller's own policies (identity policies, boundary, session
// policy, SCPs): IAM resources have no resource-based policies. A refusal is worded as IAM words it,
// which names the target as "role AppRole", "user bob", "group Admins" or "policy <ARN>" rather than
// by its ARN (e.g. aws/aws-cdk#27067, aws-amplify/amplify-js#7540).
import { accessDeniedMessage, authorize } from '../authorize.js';
import { AwsError } from '../errors.js';
import type { IncomingCall } from '../service-call.js';
import type { IamIdentityState } from '../state.js';
import { iamArn } from './iam-common.js';

export interface IamResource {
  readonly arn: string;
  /** How IAM's AccessDenied message names the resource. */
  readonly wording: string;
}

/** A user, role or group as the target of a call: its ARN, or the one it would have when it does not exist (yet). */
const entityResource =
  (kind: 'user' | 'role' | 'group') =>
  (accountId: string, entity: IamIdentityState | undefined, name: string, path = '/'): IamResource => ({
    arn: entity?.arn ?? iamArn(accountId, kind, path, name),
    wording: `${kind} ${entity?.name ?? name}`,
  });

export const userResource = entityResource('user');
export const roleResource = entityResource('role');
export const groupResource = entityResource('group');

export const policyResource = (arn: string): IamResource => ({ arn, wording: `policy ${arn}` });

/** Throws IAM's AccessDenied (HTTP 403) unless the caller may perform `action` on `resource`. */
export async function authorizeIam(
  call: IncomingCall,
  action: string,
  resource: IamResource,
  context?: Readonly<Record<string, string>>,
): Promise<void> {
  const { caller } = call;
  const outcome = await authorize(call.world.state, caller, {
    action,
    resourceArn: resource.arn,
    resourceAccount: caller.accountId,
    ...(context ? { context } : {}),
  });
  if (outcome.decision === 'Allowed') return;
  const message = accessDeniedMessage({ caller, action, resourceArn: resource.wording, outcome, resourceAccount: caller.accountId });
  throw new AwsError('AccessDenied', message, 403);
}
