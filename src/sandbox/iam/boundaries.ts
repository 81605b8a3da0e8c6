// Permissions boundaries of roles and users: Put/Delete RolePermissionsBoundary and
// UserPermissionsBoundary. A boundary that does not exist is a "Scope ARN" that "does not exist or is
// not attachable" (the wording IAM uses for boundaries, e.g. in openshift/rosa reports).
import { requiredParam } from '../query-protocol.js';
import { entityKinds, type EntityKind } from './entity-kinds.js';
import { authorizeIam } from './iam-authorization.js';
import { callerAccount, requiredName, type OperationTable } from './iam-common.js';
import { checkPolicyArn, requireAttachablePolicy } from './managed-policy-lookup.js';

function operationsFor(kind: EntityKind): OperationTable {
  const { noun } = kind;
  return {
    async [`Put${noun}PermissionsBoundary`](call, params) {
      const name = requiredName(params, `${noun}Name`, kind.maxNameLength);
      const arn = checkPolicyArn(requiredParam(params, 'PermissionsBoundary'));
      const resource = kind.resource(callerAccount(call.world.state, call), name);
      await authorizeIam(call, `iam:Put${noun}PermissionsBoundary`, resource, { 'iam:PermissionsBoundary': arn });
      await call.world.mutate((draft) => {
        const entity = kind.require(callerAccount(draft, call), name);
        requireAttachablePolicy(draft, call.caller.accountId, arn, 'boundary');
        entity.permissionsBoundary = arn;
      });
      return undefined;
    },

    async [`Delete${noun}PermissionsBoundary`](call, params) {
      const name = requiredName(params, `${noun}Name`, kind.maxNameLength);
      const account = callerAccount(call.world.state, call);
      const boundary = kind.find(account, name)?.permissionsBoundary;
      const context = boundary ? { 'iam:PermissionsBoundary': boundary } : undefined;
      await authorizeIam(call, `iam:Delete${noun}PermissionsBoundary`, kind.resource(account, name), context);
      await call.world.mutate((draft) => {
        delete kind.require(callerAccount(draft, call), name).permissionsBoundary;
      });
      return undefined;
    },
  };
}

export const boundaryOperations: OperationTable = Object.assign({}, ...entityKinds.map(operationsFor)) as OperationTable;
