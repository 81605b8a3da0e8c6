// IAM roles: CreateRole, GetRole and UpdateAssumeRolePolicy. The trust policy is checked like IAM
// checks it (grammar, principals that exist) and limited to IAM's default ACLSizePerRole of 2,048
// characters; GetRole hands it back URL-encoded, as IAM does.
import { newRoleId, nowIso } from '../ids.js';
import { integerParam, requiredParam } from '../query-protocol.js';
import type { RoleState } from '../state.js';
import { authorizeIam, roleResource } from './iam-authorization.js';
import {
  boundaryXml,
  callerAccount,
  encodedDocument,
  entityAlreadyExists,
  findRole,
  iamArn,
  limitExceeded,
  pathParam,
  policySize,
  requiredName,
  requireRole,
  setEntry,
  tagsParam,
  tagsXml,
  type OperationTable,
} from './iam-common.js';
import { requireAttachablePolicy } from './managed-policy-lookup.js';
import { trustPolicyDocument } from './policy-documents.js';

const trustPolicySizeQuota = 2048;

export const roleXml = (role: RoleState): Record<string, unknown> => ({
  Path: role.path,
  RoleName: role.name,
  RoleId: role.id,
  Arn: role.arn,
  CreateDate: role.createDate,
  AssumeRolePolicyDocument: encodedDocument(role.assumeRolePolicyDocument),
  MaxSessionDuration: role.maxSessionDuration,
  ...boundaryXml(role.permissionsBoundary),
  ...tagsXml(role.tags),
  RoleLastUsed: {},
});

function checkTrustPolicySize(document: string): void {
  if (policySize(document) > trustPolicySizeQuota) throw limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${trustPolicySizeQuota}`);
}

export const roleOperations: OperationTable = {
  async CreateRole(call, params) {
    const name = requiredName(params, 'RoleName');
    const path = pathParam(params);
    const trust = requiredParam(params, 'AssumeRolePolicyDocument');
    const maxSessionDuration = integerParam(params, 'MaxSessionDuration', { min: 3600, max: 43200 }) ?? 3600;
    const boundary = params.get('PermissionsBoundary');
    const tags = tagsParam(params);
    // Description is accepted but not kept: the state model has no field for it.
    const accountId = call.caller.accountId;
    await authorizeIam(call, 'iam:CreateRole', roleResource(accountId, undefined, name, path), boundary ? { 'iam:PermissionsBoundary': boundary } : undefined);
    await trustPolicyDocument(call.world.state, trust);
    checkTrustPolicySize(trust);
    const role = await call.world.mutate((draft) => {
      const account = callerAccount(draft, call);
      if (findRole(account, name)) throw entityAlreadyExists(`Role with name ${name} already exists.`);
      if (boundary !== undefined) requireAttachablePolicy(draft, accountId, boundary, 'boundary');
      const created: RoleState = {
        name,
        path,
        arn: iamArn(accountId, 'role', path, name),
        id: newRoleId(),
        createDate: nowIso(),
        inlinePolicies: {},
        attachedPolicies: [],
        tags,
        assumeRolePolicyDocument: trust,
        maxSessionDuration,
        ...(boundary !== undefined ? { permissionsBoundary: boundary } : {}),
      };
      setEntry(account.roles, name, created);
      return created;
    });
    return { Role: roleXml(role) };
  },

  async GetRole(call, params) {
    const name = requiredName(params, 'RoleName');
    const account = callerAccount(call.world.state, call);
    await authorizeIam(call, 'iam:GetRole', roleResource(account.id, findRole(account, name), name));
    return { Role: roleXml(requireRole(callerAccount(call.world.state, call), name)) };
  },

  async UpdateAssumeRolePolicy(call, params) {
    const name = requiredName(params, 'RoleName');
    const trust = requiredParam(params, 'PolicyDocument');
    const account = callerAccount(call.world.state, call);
    await authorizeIam(call, 'iam:UpdateAssumeRolePolicy', roleResource(account.id, findRole(account, name), name));
    requireRole(account, name);
    await trustPolicyDocument(call.world.state, trust);
    checkTrustPolicySize(trust);
    await call.world.mutate((draft) => {
      requireRole(callerAccount(draft, call), name).assumeRolePolicyDocument = trust;
    });
    return undefined;
  },
};
