// IAM users: CreateUser and GetUser (without UserName, GetUser describes the calling user).
import { AwsError } from '../errors.js';
import { newUserId, nowIso } from '../ids.js';
import type { QueryParams } from '../query-protocol.js';
import type { IncomingCall } from '../service-call.js';
import type { UserState } from '../state.js';
import { authorizeIam, userResource } from './iam-authorization.js';
import {
  boundaryXml,
  callerAccount,
  checkString,
  entityAlreadyExists,
  findUser,
  iamArn,
  nameRule,
  pathParam,
  requiredName,
  requireUser,
  setEntry,
  tagsParam,
  tagsXml,
  type OperationTable,
} from './iam-common.js';
import { requireAttachablePolicy } from './managed-policy-lookup.js';

/** A user as IAM's listings show it (GetGroup's Users): without its boundary and tags. */
export const userSummaryXml = (user: UserState): Record<string, unknown> => ({
  Path: user.path,
  UserName: user.name,
  UserId: user.id,
  Arn: user.arn,
  CreateDate: user.createDate,
});

export const userXml = (user: UserState): Record<string, unknown> => ({
  ...userSummaryXml(user),
  ...boundaryXml(user.permissionsBoundary),
  ...tagsXml(user.tags),
});

/**
 * The user an operation with an optional UserName acts on: the named one, or the calling user.
 * Role sessions have no user to default to, and IAM says so.
 */
export function targetUserName(call: IncomingCall, params: QueryParams): string {
  const named = params.get('UserName');
  if (named !== undefined && named !== '') return checkString('UserName', named, nameRule(128));
  if (call.caller.kind !== 'user') throw new AwsError('ValidationError', 'Must specify userName when calling with non-User credentials');
  return call.caller.name;
}

export const userOperations: OperationTable = {
  async CreateUser(call, params) {
    const name = requiredName(params, 'UserName');
    const path = pathParam(params);
    const boundary = params.get('PermissionsBoundary');
    const tags = tagsParam(params);
    const accountId = call.caller.accountId;
    await authorizeIam(call, 'iam:CreateUser', userResource(accountId, undefined, name, path), boundary ? { 'iam:PermissionsBoundary': boundary } : undefined);
    const user = await call.world.mutate((draft) => {
      const account = callerAccount(draft, call);
      if (findUser(account, name)) throw entityAlreadyExists(`User with name ${name} already exists.`);
      if (boundary !== undefined) requireAttachablePolicy(draft, accountId, boundary, 'boundary');
      const created: UserState = {
        name,
        path,
        arn: iamArn(accountId, 'user', path, name),
        id: newUserId(),
        createDate: nowIso(),
        inlinePolicies: {},
        attachedPolicies: [],
        tags,
        groups: [],
        ...(boundary !== undefined ? { permissionsBoundary: boundary } : {}),
      };
      setEntry(account.users, name, created);
      return created;
    });
    return { User: userXml(user) };
  },

  async GetUser(call, params) {
    const name = targetUserName(call, params);
    const account = callerAccount(call.world.state, call);
    await authorizeIam(call, 'iam:GetUser', userResource(account.id, findUser(account, name), name));
    return { User: userXml(requireUser(callerAccount(call.world.state, call), name)) };
  },
};
