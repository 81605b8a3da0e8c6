// IAM ListRoles and ListUsers: every role or user of the caller's account (optionally under a
// PathPrefix), paginated with Marker/MaxItems like IAM's other lists. As in IAM, the listings leave out
// the permissions boundary and the tags (GetRole/GetUser return them), and a refusal names the
// account's role/ or user/ prefix as the resource, as AWS's message does.
import { members, type QueryParams } from '../query-protocol.js';
import type { IamIdentityState } from '../state.js';
import { authorizeIam, type IamResource } from './iam-authorization.js';
import { callerAccount, encodedDocument, iamArn, paginate, type OperationTable } from './iam-common.js';
import { userSummaryXml } from './users.js';

function underPrefix<T extends IamIdentityState>(params: QueryParams, entities: Readonly<Record<string, T>>): T[] {
  const prefix = params.get('PathPrefix') ?? '/';
  return Object.values(entities)
    .filter((entity) => entity.path.startsWith(prefix))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** IAM's listings have no resource type (they are authorized on "*"); the refusal still names the prefix. */
const listing = (prefix: string): IamResource => ({ arn: '*', wording: prefix });

export const entityListingOperations: OperationTable = {
  async ListRoles(call, params) {
    const accountId = call.caller.accountId;
    const resource = iamArn(accountId, 'role', '/', '');
    await authorizeIam(call, 'iam:ListRoles', listing(resource));
    const roles = underPrefix(params, callerAccount(call.world.state, call).roles);
    const page = paginate(params, roles);
    return {
      Roles: members(
        page.items.map((role) => ({
          Path: role.path,
          RoleName: role.name,
          RoleId: role.id,
          Arn: role.arn,
          CreateDate: role.createDate,
          AssumeRolePolicyDocument: encodedDocument(role.assumeRolePolicyDocument),
          MaxSessionDuration: role.maxSessionDuration,
        })),
      ),
      ...page.more,
    };
  },

  async ListUsers(call, params) {
    const accountId = call.caller.accountId;
    const resource = iamArn(accountId, 'user', '/', '');
    await authorizeIam(call, 'iam:ListUsers', listing(resource));
    const users = underPrefix(params, callerAccount(call.world.state, call).users);
    const page = paginate(params, users);
    return { Users: members(page.items.map(userSummaryXml)), ...page.more };
  },
};
