// The roles and users whose access a fix can change, each with its own identity policies, for the blast
// radius of a fix (engine/blast-radius.ts): who else a changed key policy or Deny would let in. Which
// ones is the engine's answer (engine/principals-at-stake.ts): only those a change names (a GetRole or
// GetUser and their policy reads each), or, when a change names the account or everyone, the account's
// roles and users: iam:ListRoles and iam:ListUsers are paginated and stop once the bound is passed, so an
// account with thousands of roles costs a few pages. Policies are read at most `concurrentReads` at a
// time, and each managed policy once per run. A refused listing is a fact (the blast radius falls back
// to a stand-in and says so).
import { accountOfArn } from '../engine/identifiers.js';
import { paginateListRoles, paginateListUsers } from '@aws-sdk/client-iam';
import type { AccountPrincipalFacts, AccountPrincipalsFacts, Observation, PolicyDocumentFacts } from '../engine/facts.js';
import { memo, memoBy, readCall, skipped } from './aws-call.js';
import type { AwsClientSet } from './aws-session.js';
import { collectPrincipalPolicies } from './principal-policies.js';
import { getManagedPolicy, listAttachedPolicyArns, listInlinePolicyNames, parsePrincipalArn, readEntity, type PrincipalReference } from './principal-reads.js';

/** At most this many roles and users are probed: enough for a real account's people and workloads, bounded in time. */
export const accountPrincipalBound = 50;
/** Principals whose policies are read at once: IAM throttles bursts. */
const concurrentReads = 8;

interface Listed {
  readonly arns: readonly PrincipalReference[];
  /** The listing went on beyond what it kept. */
  readonly more: boolean;
}

async function listEntities(clients: AwsClientSet, kind: 'role' | 'user', limit: number): Promise<Observation<Listed>> {
  const action = kind === 'role' ? 'ListRoles' : 'ListUsers';
  return readCall({ call: `iam:${action}`, endpoint: clients.endpoint('iam') }, async () => {
    const found: PrincipalReference[] = [];
    const pages = kind === 'role' ? paginateListRoles({ client: clients.iam(), pageSize: 100 }, {}) : paginateListUsers({ client: clients.iam(), pageSize: 100 }, {});
    for await (const page of pages) {
      const entities = 'Roles' in page ? (page.Roles ?? []).map((r) => ({ arn: r.Arn, name: r.RoleName })) : (page.Users ?? []).map((u) => ({ arn: u.Arn, name: u.UserName }));
      for (const entity of entities) {
        const account = accountOfArn(entity.arn);
        if (entity.arn && entity.name && account) found.push({ arn: entity.arn, kind, name: entity.name, accountId: account });
      }
      if (found.length > limit) break;
    }
    return { arns: found.slice(0, limit), more: found.length > limit };
  });
}

/** One principal's identity (GetRole/GetUser: boundary, tags) and policies, with the account's managed policies read once. */
async function readPrincipal(clients: AwsClientSet, reference: PrincipalReference, managedPolicy: ManagedPolicyRead): Promise<AccountPrincipalFacts | undefined> {
  const entity = memo(() => readEntity(clients, reference));
  const policies = await collectPrincipalPolicies(clients, reference, {
    entity,
    inlineNames: memo(() => listInlinePolicyNames(clients, reference.kind, reference.name)),
    attachedArns: memo(() => listAttachedPolicyArns(clients, reference.kind, reference.name)),
    managedPolicy,
  });
  const identity = await entity();
  // Without its identity (deleted meanwhile, GetRole refused) the principal cannot be evaluated as itself.
  return identity.status === 'known' ? { identity: identity.value, policies } : undefined;
}

/**
 * The account's roles and users but `excludedArns` (the diagnosed principal), at most
 * accountPrincipalBound of them, each with its own policies.
 */
/** Reads one managed policy (its default version); the fact source shares its memo, so each is read once per run. */
export type ManagedPolicyRead = (arn: string) => Promise<Observation<PolicyDocumentFacts>>;

export async function readAccountPrincipals(
  clients: AwsClientSet,
  accountId: string,
  excludedArns: readonly string[],
  managedPolicy: ManagedPolicyRead = memoBy((arn) => getManagedPolicy(clients, arn)),
): Promise<Observation<AccountPrincipalsFacts>> {
  const excluded = new Set(excludedArns);
  // One more than the bound per kind, and the diagnosed principal may be among them.
  const limit = accountPrincipalBound + excluded.size;
  const [roles, users] = await Promise.all([listEntities(clients, 'role', limit), listEntities(clients, 'user', limit)]);
  if (roles.status !== 'known') return roles;
  if (users.status !== 'known') return users;
  // Credentials of another account (a --key-profile of the wrong account) list that account's.
  const stranger = [...roles.value.arns, ...users.value.arns].find((p) => p.accountId !== accountId);
  if (stranger) return skipped(`the credentials given for account ${accountId} are of account ${stranger.accountId}`);
  const candidates = [...roles.value.arns, ...users.value.arns].filter((p) => !excluded.has(p.arn));
  const chosen = candidates.slice(0, accountPrincipalBound);
  const more = roles.value.more || users.value.more;
  const principals = await readPrincipals(clients, chosen, managedPolicy);
  return { status: 'known', value: { accountId, scope: 'listed', principals, more: more || candidates.length > chosen.length } };
}

/** Only the roles and users a change names (entity ARNs of `accountId`), each with its own policies. */
export async function readNamedPrincipals(
  clients: AwsClientSet,
  accountId: string,
  arns: readonly string[],
  managedPolicy: ManagedPolicyRead = memoBy((arn) => getManagedPolicy(clients, arn)),
): Promise<Observation<AccountPrincipalsFacts>> {
  const references = arns.map(parsePrincipalArn).filter((r): r is PrincipalReference => 'kind' in r && r.accountId === accountId);
  const principals = (await readPrincipals(clients, references, managedPolicy)).filter((p) => p.identity.accountId === accountId);
  return { status: 'known', value: { accountId, scope: 'named', principals, more: false } };
}

/** Each principal's identity and policies, `concurrentReads` at a time (a free slot takes the next), managed policies read once. */
async function readPrincipals(clients: AwsClientSet, references: readonly PrincipalReference[], managedPolicy: ManagedPolicyRead): Promise<AccountPrincipalFacts[]> {
  const read: (AccountPrincipalFacts | undefined)[] = new Array(references.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < references.length; index = next++) read[index] = await readPrincipal(clients, references[index]!, managedPolicy);
  };
  await Promise.all(Array.from({ length: Math.min(concurrentReads, references.length) }, worker));
  return read.filter((p): p is AccountPrincipalFacts => p !== undefined);
}
