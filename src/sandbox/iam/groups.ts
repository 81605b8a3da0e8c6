// IAM groups: CreateGroup, GetGroup (with its users), AddUserToGroup, RemoveUserFromGroup and
// ListGroupsForUser; the group policy operations are the shared ones of inline-policies.ts and
// attached-policies.ts. A group's policies count for each member (principal-policies.ts). Adding a
// member twice and removing a non-member both succeed, as in IAM (cloud-custodian/cloud-custodian#4730);
// a missing user is reported before a missing group, as IAM does (LocalStack's snapshots recorded
// against AWS). A user may be in at most 10 groups (GroupsPerUser).
import { newGroupId, nowIso } from '../ids.js';
import { members, type QueryParams } from '../query-protocol.js';
import type { IncomingCall } from '../service-call.js';
import type { GroupState, UserState } from '../state.js';
import { groupKind } from './entity-kinds.js';
import { authorizeIam, groupResource, userResource } from './iam-authorization.js';
import {
  callerAccount,
  entityAlreadyExists,
  findGroup,
  findUser,
  getEntry,
  iamArn,
  limitExceeded,
  paginate,
  pathParam,
  requiredName,
  requireGroup,
  requireUser,
  setEntry,
  type OperationTable,
  type QueryOperation,
} from './iam-common.js';
import { userSummaryXml } from './users.js';

const groupsPerUser = 10;

export const groupXml = (group: GroupState): Record<string, unknown> => ({
  Path: group.path,
  GroupName: group.name,
  GroupId: group.id,
  Arn: group.arn,
  CreateDate: group.createDate,
});

const groupName = (params: QueryParams): string => requiredName(params, 'GroupName', groupKind.maxNameLength);
const userName = (params: QueryParams): string => requiredName(params, 'UserName', 128);

async function authorizeOnGroup(call: IncomingCall, action: string, name: string): Promise<void> {
  await authorizeIam(call, `iam:${action}`, groupKind.resource(callerAccount(call.world.state, call), name));
}

/** AddUserToGroup and RemoveUserFromGroup: authorized on the group; the user must exist, then the group. */
function membershipChange(action: string, change: (user: UserState, group: GroupState) => void): QueryOperation {
  return async (call, params) => {
    const group = groupName(params);
    const user = userName(params);
    await authorizeOnGroup(call, action, group);
    await call.world.mutate((draft) => {
      const account = callerAccount(draft, call);
      change(requireUser(account, user), requireGroup(account, group));
    });
    return undefined;
  };
}

export const groupOperations: OperationTable = {
  async CreateGroup(call, params) {
    const name = groupName(params);
    const path = pathParam(params);
    const accountId = call.caller.accountId;
    await authorizeIam(call, 'iam:CreateGroup', groupResource(accountId, undefined, name, path));
    const group = await call.world.mutate((draft) => {
      const account = callerAccount(draft, call);
      if (findGroup(account, name)) throw entityAlreadyExists(`Group with name ${name} already exists.`);
      const created: GroupState = {
        name,
        path,
        arn: iamArn(accountId, 'group', path, name),
        id: newGroupId(),
        createDate: nowIso(),
        inlinePolicies: {},
        attachedPolicies: [],
      };
      setEntry(account.groups, name, created);
      return created;
    });
    return { Group: groupXml(group) };
  },

  async GetGroup(call, params) {
    const name = groupName(params);
    await authorizeOnGroup(call, 'GetGroup', name);
    const account = callerAccount(call.world.state, call);
    const group = requireGroup(account, name);
    const page = paginate(params, Object.values(account.users).filter((user) => user.groups.includes(group.name)));
    return { Group: groupXml(group), Users: members(page.items.map(userSummaryXml)), ...page.more };
  },

  AddUserToGroup: membershipChange('AddUserToGroup', (user, group) => {
    if (user.groups.includes(group.name)) return;
    if (user.groups.length >= groupsPerUser) throw limitExceeded(`Cannot exceed quota for GroupsPerUser: ${groupsPerUser}`);
    user.groups.push(group.name);
  }),

  RemoveUserFromGroup: membershipChange('RemoveUserFromGroup', (user, group) => {
    user.groups = user.groups.filter((name) => name !== group.name);
  }),

  async ListGroupsForUser(call, params) {
    const name = userName(params);
    const account = callerAccount(call.world.state, call);
    await authorizeIam(call, 'iam:ListGroupsForUser', userResource(account.id, findUser(account, name), name));
    const current = callerAccount(call.world.state, call);
    const user = requireUser(current, name);
    const groups = user.groups.flatMap((group) => getEntry(current.groups, group) ?? []);
    const page = paginate(params, groups);
    return { Groups: members(page.items.map(groupXml)), ...page.more };
  },
};
