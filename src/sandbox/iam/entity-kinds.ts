// Roles, users and groups share their policy operations (inline, attached), and roles and users their
// boundary operations too; a kind is what differs between them: names, quotas and lookups.
import type { AccountState, IamIdentityState, PrincipalCommon } from '../state.js';
import { groupResource, roleResource, userResource, type IamResource } from './iam-authorization.js';
import { findGroup, findRole, findUser, requireGroup, requireRole, requireUser } from './iam-common.js';

/** What holds identity policies. */
export interface PolicyHolderKind<T extends IamIdentityState = IamIdentityState> {
  /** "Role", "User" or "Group", as in operation and parameter names. */
  readonly noun: 'Role' | 'User' | 'Group';
  /** Longest name the operations accept (existing user names may be up to 128 characters). */
  readonly maxNameLength: number;
  /** IAM's aggregate size quota for the entity's inline policies (IAM quotas page). */
  readonly inlineQuota: number;
  /** Default quota of attached managed policies. */
  readonly attachedQuota: number;
  resource(account: AccountState, name: string): IamResource;
  find(account: AccountState, name: string): T | undefined;
  require(account: AccountState, name: string): T;
}

/** The principals among them: they also have a permissions boundary. */
export interface EntityKind extends PolicyHolderKind<PrincipalCommon> {
  readonly noun: 'Role' | 'User';
}

export const entityKinds: readonly EntityKind[] = [
  {
    noun: 'Role',
    maxNameLength: 64,
    inlineQuota: 10240,
    attachedQuota: 10,
    resource: (account, name) => roleResource(account.id, findRole(account, name), name),
    find: findRole,
    require: requireRole,
  },
  {
    noun: 'User',
    maxNameLength: 128,
    inlineQuota: 2048,
    attachedQuota: 10,
    resource: (account, name) => userResource(account.id, findUser(account, name), name),
    find: findUser,
    require: requireUser,
  },
];

export const groupKind: PolicyHolderKind = {
  noun: 'Group',
  maxNameLength: 128,
  inlineQuota: 5120,
  attachedQuota: 10,
  resource: (account, name) => groupResource(account.id, findGroup(account, name), name),
  find: findGroup,
  require: requireGroup,
};

export const policyHolderKinds: readonly PolicyHolderKind[] = [...entityKinds, groupKind];
