// The entity a SimulatePrincipalPolicy call simulates, and its policies labelled the way the IAM
// simulator labels MatchedStatements: SourcePolicyId is the policy's name, SourcePolicyType says where
// it came from (user, group, role, aws-managed, user-managed; "none" for PolicyInputList entries).
import { managedPolicyDocument } from '../principal-policies.js';
import type { AccountState, PrincipalCommon, SandboxState } from '../state.js';
import { roleResource, userResource, type IamResource } from './iam-authorization.js';
import { findRole, findUser, getEntry, invalidInputError, noSuchEntity } from './iam-common.js';
import { isAwsManaged } from './managed-policy-lookup.js';

export type SourcePolicyType = 'user' | 'group' | 'role' | 'aws-managed' | 'user-managed' | 'resource' | 'none';

export interface SourcePolicy {
  readonly sourceId: string;
  readonly sourceType: SourcePolicyType;
  /** The document as stored or sent (statement positions refer to this text). */
  readonly text: string;
}

export interface EntityReference {
  readonly kind: 'user' | 'role';
  readonly accountId: string;
  readonly name: string;
  readonly arn: string;
  /** The target as IAM's authorization sees it. */
  readonly resource: IamResource;
}

/** Where IAM's simulator and AWS error reports agree an ARN is not a simulatable entity. */
export const invalidEntityArn = (arn: string) => invalidInputError(`Invalid Entity Arn: ${arn} does not clearly define entity type and name.`);

/** Parses an IAM user or role ARN; assumed-role session ARNs and anything else are refused. */
export function parseEntityArn(arn: string): EntityReference {
  const match = /^arn:aws:iam::(\d{12}):(user|role|group)\/(?:[\u0021-\u007f]*\/)?([\w+=,.@-]+)$/.exec(arn);
  if (!match) throw invalidEntityArn(arn);
  const [, accountId, kind, name] = match as unknown as [string, string, 'user' | 'role' | 'group', string];
  if (kind === 'group') throw invalidInputError(`The sandbox cannot simulate a group (${arn}); simulate a user of the group instead.`);
  const resource = kind === 'user' ? userResource(accountId, undefined, name) : roleResource(accountId, undefined, name);
  return { kind, accountId, name, arn, resource: { ...resource, arn } };
}

/** The user or role an ARN names, in the caller's account; IAM's NoSuchEntity otherwise. */
export interface FoundEntity {
  readonly account: AccountState;
  readonly entity: PrincipalCommon;
  readonly groups: readonly string[];
}

/** The user or role an ARN names, in the caller's account; IAM's NoSuchEntity otherwise. */
export function requireEntity(state: SandboxState, callerAccountId: string, reference: EntityReference): FoundEntity {
  const account = reference.accountId === callerAccountId ? getEntry(state.accounts, reference.accountId) : undefined;
  const user = account && reference.kind === 'user' ? findUser(account, reference.name) : undefined;
  const entity = user ?? (account && reference.kind === 'role' ? findRole(account, reference.name) : undefined);
  if (!account || !entity || entity.arn !== reference.arn) {
    throw noSuchEntity(`The ${reference.kind} with name ${reference.name} cannot be found.`);
  }
  return { account, entity, groups: user?.groups ?? [] };
}

function managed(state: SandboxState, arns: readonly string[]): SourcePolicy[] {
  const policies: SourcePolicy[] = [];
  for (const arn of arns) {
    const text = managedPolicyDocument(state, arn);
    if (text === undefined) continue;
    policies.push({ sourceId: arn.slice(arn.lastIndexOf('/') + 1), sourceType: isAwsManaged(arn) ? 'aws-managed' : 'user-managed', text });
  }
  return policies;
}

const inline = (policies: Readonly<Record<string, string>>, sourceType: SourcePolicyType): SourcePolicy[] =>
  Object.entries(policies).map(([sourceId, text]) => ({ sourceId, sourceType, text }));

/** Every identity policy of the entity; a user's groups' policies are included, as in IAM. */
export function entityPolicies(state: SandboxState, kind: 'user' | 'role', found: FoundEntity): SourcePolicy[] {
  const { account, entity, groups } = found;
  const policies = [...inline(entity.inlinePolicies, kind), ...managed(state, entity.attachedPolicies)];
  for (const groupName of groups) {
    const group = getEntry(account.groups, groupName);
    if (group) policies.push(...inline(group.inlinePolicies, 'group'), ...managed(state, group.attachedPolicies));
  }
  return policies;
}
