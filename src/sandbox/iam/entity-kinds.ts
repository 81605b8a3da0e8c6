// Roles and users share their policy operations (inline, attached, boundary); an EntityKind is what
// differs between the two: names, quotas and lookups.
import type { AccountState, PrincipalCommon } from '../state.js';
import { roleResource, userResource, type IamResource } from './iam-authorization.js';
import { findRole, findUser, requireRole, requireUser } from './iam-common.js';

export interface EntityKind {
  /** "Role" or "User", as in operation and parameter names. */
  readonly noun: 'Role' | 'User';
  /** Longest name the operations accept (existing user names may be up to 128 characters). */
  readonly maxNameLength: number;
  /** IAM's aggregate size quota for the entity's inline policies (IAM quotas page). */
  readonly inlineQuota: number;
  /** Default quota of attached managed policies. */
  readonly attachedQuota: number;
  resource(account: AccountState, name: string): IamResource;
  find(account: AccountState, name: string): PrincipalCommon | undefined;
  require(account: AccountState, name: string): PrincipalCommon;
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
