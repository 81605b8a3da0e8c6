// Managed policies attached to roles, users and groups: Attach/Detach/ListAttached RolePolicies,
// UserPolicies and GroupPolicies. A policy that is missing or belongs to another account "does not
// exist or is not attachable" (getmoto/moto#6482); detaching one that is not attached is "Policy X
// was not found.".
import { requiredParam, type QueryParams } from '../query-protocol.js';
import type { IncomingCall } from '../service-call.js';
import { policyHolderKinds, type PolicyHolderKind } from './entity-kinds.js';
import { authorizeIam } from './iam-authorization.js';
import { callerAccount, checkString, limitExceeded, noSuchEntity, paginate, requiredName, type OperationTable } from './iam-common.js';
import { checkPolicyArn, requireAttachablePolicy } from './managed-policy-lookup.js';

const policyNameOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);
const pathOf = (arn: string): string => arn.slice(arn.indexOf(':policy/') + ':policy'.length, arn.lastIndexOf('/') + 1);

function operationsFor(kind: PolicyHolderKind): OperationTable {
  const { noun } = kind;
  const entityName = (params: QueryParams) => requiredName(params, `${noun}Name`, kind.maxNameLength);
  const authorizeOn = async (call: IncomingCall, action: string, name: string, policyArn?: string) => {
    const resource = kind.resource(callerAccount(call.world.state, call), name);
    await authorizeIam(call, `iam:${action}`, resource, policyArn ? { 'iam:PolicyARN': policyArn } : undefined);
  };

  return {
    async [`Attach${noun}Policy`](call, params) {
      const name = entityName(params);
      const arn = checkPolicyArn(requiredParam(params, 'PolicyArn'));
      await authorizeOn(call, `Attach${noun}Policy`, name, arn);
      await call.world.mutate((draft) => {
        const entity = kind.require(callerAccount(draft, call), name);
        requireAttachablePolicy(draft, call.caller.accountId, arn, 'attach');
        if (entity.attachedPolicies.includes(arn)) return;
        if (entity.attachedPolicies.length >= kind.attachedQuota) {
          throw limitExceeded(`Cannot exceed quota for PoliciesPer${noun}: ${kind.attachedQuota}`);
        }
        entity.attachedPolicies.push(arn);
      });
      return undefined;
    },

    async [`Detach${noun}Policy`](call, params) {
      const name = entityName(params);
      const arn = checkPolicyArn(requiredParam(params, 'PolicyArn'));
      await authorizeOn(call, `Detach${noun}Policy`, name, arn);
      await call.world.mutate((draft) => {
        const entity = kind.require(callerAccount(draft, call), name);
        if (!entity.attachedPolicies.includes(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
        entity.attachedPolicies = entity.attachedPolicies.filter((attached) => attached !== arn);
      });
      return undefined;
    },

    async [`ListAttached${noun}Policies`](call, params) {
      const name = entityName(params);
      const prefixParam = params.get('PathPrefix');
      const prefix =
        prefixParam === undefined
          ? '/'
          : checkString('PathPrefix', prefixParam, { pattern: /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/, patternText: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/', min: 1, max: 512 });
      await authorizeOn(call, `ListAttached${noun}Policies`, name);
      const entity = kind.require(callerAccount(call.world.state, call), name);
      const attached = entity.attachedPolicies.filter((arn) => pathOf(arn).startsWith(prefix));
      const page = paginate(params, attached);
      const members = page.items.map((arn) => ({ PolicyName: policyNameOf(arn), PolicyArn: arn }));
      return { AttachedPolicies: members.length > 0 ? { member: members } : '', ...page.more };
    },
  };
}

export const attachedPolicyOperations: OperationTable = Object.assign({}, ...policyHolderKinds.map(operationsFor)) as OperationTable;
