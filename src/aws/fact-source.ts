// The facts of one diagnosis, each read once and shared. Every fact awaits exactly what it needs and
// nothing more, so calling them all at once (prefetchAll) sends each AWS call as soon as its inputs
// are known: GetCallerIdentity ∥ DescribeKey (∥ the principal's name-only IAM reads when the
// principal was given) → GetKeyPolicy ∥ ListAliases ∥ ListResourceTags ∥ ListGrants (the principal's
// grants only) ∥ GetRole ∥
// List*Policies → Get*Policy ∥ GetPolicy ∥ SimulatePrincipalPolicy → GetPolicyVersion for managed
// policies only.
// A refused read is a fact (an Observation); only credential, network and non-AWS answers reject.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type {
  AccountPrincipalsFacts,
  CallerFacts,
  DiagnosisFacts,
  DiagnosisRequest,
  GrantFacts,
  KeyFacts,
  KeyPolicyFacts,
  Observation,
  OrganizationFacts,
  PrincipalIdentity,
  PrincipalPolicyFacts,
  SessionDryRunAnswer,
  SimulatorResult,
} from '../engine/facts.js';
import type { AccountAtStake, PrincipalsAtStake } from '../engine/principals-at-stake.js';
import { readAccountPrincipals, readNamedPrincipals } from './account-principals.js';
import { memo, memoBy, readCall, skipped, type NotKnown, type Unreadable } from './aws-call.js';
import type { AwsClientSet, AwsSession } from './aws-session.js';
import { accountNamedBy, isCrossAccount, keyArnFrom, parsePrincipalRef } from '../engine/identifiers.js';
import { dryRunAsSession } from './session-dry-run.js';
import { describeKey, getKeyPolicy, listGrants, listKeyAliases, listKeyTags } from './key-reads.js';
import { collectPrincipalPolicies } from './principal-policies.js';
import { getManagedPolicy, listAttachedPolicyArns, listInlinePolicyNames, parsePrincipalArn, readablePrincipal, readEntity, type PrincipalReference } from './principal-reads.js';
import { describeOrganization, readOrganization } from './organization-reads.js';
import { simulate } from './simulation.js';

export interface FactSource {
  caller(): Promise<Observation<CallerFacts>>;
  key(): Promise<Observation<KeyFacts>>;
  keyPolicy(): Promise<Observation<KeyPolicyFacts>>;
  grants(): Promise<Observation<readonly GrantFacts[]>>;
  principal(): Promise<Observation<PrincipalIdentity>>;
  principalPolicies(): Promise<Observation<PrincipalPolicyFacts>>;
  simulation(): Promise<Observation<readonly SimulatorResult[]>>;
  /** The alias names that point at the key (kms:ResourceAliases), read with the key policy. */
  aliases(): Promise<Observation<readonly string[]>>;
  /** The key's tags (aws:ResourceTag/…), read with the key policy. */
  tags(): Promise<Observation<Readonly<Record<string, string>>>>;
  /** The principal's organization, its SCPs and the key account's RCPs (--org-profile reads them). */
  organization(): Promise<Observation<OrganizationFacts>>;
  /** KMS's dry run of the request as the caller, when the caller is the role session diagnosed. */
  sessionDryRun(): Promise<Observation<readonly SessionDryRunAnswer[]>>;
  /**
   * The roles and users at stake (engine/principals-at-stake.ts) with their policies, by account, for
   * the blast radius. Not part of prefetchAll: read only when a fix is to be proved.
   */
  accountPrincipals(stake: PrincipalsAtStake): Promise<Readonly<Record<string, Observation<AccountPrincipalsFacts>>>>;
  /** Starts every read now; the facts' promises then resolve in the fewest sequential round trips. */
  prefetchAll(): void;
  /** prefetchAll, then every fact. Rejects (AwsCallError) only for credential or network failures. */
  readAll(): Promise<DiagnosisFacts>;
}

/** Where key-policy and grant reads go, once DescribeKey (or the ARN the user gave) says. */
interface KeyTarget {
  /** What GetKeyPolicy/ListGrants are given: the key ARN, or a key ID in the caller's account. */
  readonly keyId: string;
  readonly arn: string;
  readonly accountId: string;
  readonly region: string;
}


const isNotKnown = (value: object): value is NotKnown => 'status' in value;

function describeNotKnown(observation: NotKnown): string {
  return observation.status === 'skipped' ? observation.why : `${observation.call}: ${observation.message}`;
}

/** The ARNs a grant may name for this principal, as far as the ARN alone tells: a role session also by its role (without a path). */
function granteeArnsBeforeGetRole(principal: PrincipalReference): string[] {
  return principal.sessionRoleArn !== undefined ? [principal.arn, principal.sessionRoleArn] : [principal.arn];
}

export function createFactSource(session: AwsSession, request: DiagnosisRequest): FactSource {
  const named = request.key;

  const caller = memo(() =>
    readCall({ call: 'sts:GetCallerIdentity', endpoint: session.endpoint('sts') }, async (): Promise<CallerFacts> => {
      const output = await session.sts().send(new GetCallerIdentityCommand({}));
      // AWS always names the caller; an answer without its ARN or account came from something else.
      if (!output.Arn || !output.Account) throw Object.assign(new Error('GetCallerIdentity returned no Arn or Account'), { name: 'EmptyResponse' });
      return { arn: output.Arn, accountId: output.Account, userId: output.UserId ?? '' };
    }),
  );
  const callerAccount = async (): Promise<string | undefined> => {
    const read = await caller();
    return read.status === 'known' ? read.value.accountId : undefined;
  };

  const key = memo(async () => {
    // The caller may not describe another account's key; with that account's credentials
    // (--key-profile) its state is still known. Both are asked at once (no extra round trip) when the
    // key ARN or alias ARN names an account and a key profile is given.
    const keyAccount = accountNamedBy(named);
    const fromKeyAccount = session.keyAccount && keyAccount !== undefined ? describeKey(session.keyAccount, named, request.region, async () => keyAccount) : undefined;
    const described = await describeKey(session, named, request.region, callerAccount);
    if (described.status === 'known' || (described.status === 'unreadable' && described.reason === 'not-found') || !fromKeyAccount) return described;
    if ((await callerAccount()) === keyAccount) return described;
    const read = await fromKeyAccount;
    return read.status === 'known' ? read : described;
  });

  const keyTarget = memo(async (): Promise<KeyTarget | NotKnown> => {
    const [described, account] = await Promise.all([key(), callerAccount()]);
    if (described.status === 'known') {
      const { arn, accountId, region } = described.value;
      return { keyId: arn, arn, accountId, region };
    }
    if (described.status === 'unreadable' && described.reason === 'not-found') return skipped(`the key ${named.text} was not found (kms:DescribeKey)`);
    // DescribeKey was refused, but GetKeyPolicy or ListGrants may still be allowed: a key ARN or key ID is enough for them.
    if (named.kind === 'key-arn') return { keyId: named.text, arn: named.text, accountId: named.account, region: named.region };
    if (named.kind === 'key-id' && account) return { keyId: named.keyId, arn: keyArnFrom(request.region, account, named.keyId), accountId: account, region: request.region };
    return skipped(`kms:DescribeKey failed, so the key behind ${named.text} is unknown (${describeNotKnown(described)})`);
  });

  /** The key's account differs from the caller's (unknown caller: assume not). */
  const crossAccount = async (target: KeyTarget): Promise<{ readonly cross: boolean; readonly account: string | undefined }> => {
    const account = await callerAccount();
    return { cross: isCrossAccount(account, target.accountId), account };
  };

  const keyPolicy = memo(async (): Promise<Observation<KeyPolicyFacts>> => {
    const target = await keyTarget();
    if (isNotKnown(target)) return target;
    const { cross, account } = await crossAccount(target);
    if (!cross) return getKeyPolicy(session, target.region, target.keyId);
    if (session.keyAccount) return getKeyPolicy(session.keyAccount, target.region, target.arn);
    return {
      status: 'unreadable',
      reason: 'cross-account',
      call: 'kms:GetKeyPolicy',
      message: `The key is in account ${target.accountId} and the credentials are for account ${account}: KMS returns a key policy only to its own account. Pass --key-profile with credentials in ${target.accountId} to read it.`,
    };
  });

  /**
   * ListAliases and ListResourceTags, in the same round trip as GetKeyPolicy. Neither works across
   * accounts (ListAliases lists the caller's own aliases), so another account's key needs --key-profile.
   */
  const onKeyInItsAccount = <T>(call: string, read: (clients: AwsClientSet, region: string, keyId: string) => Promise<Observation<T>>) =>
    memo(async (): Promise<Observation<T>> => {
      const target = await keyTarget();
      if (isNotKnown(target)) return target;
      const { cross, account } = await crossAccount(target);
      if (!cross) return read(session, target.region, target.keyId);
      if (session.keyAccount) return read(session.keyAccount, target.region, target.arn);
      return {
        status: 'unreadable',
        reason: 'cross-account',
        call,
        message: `The key is in account ${target.accountId} and the credentials are for account ${account}: ${call} answers only in the key's own account. Pass --key-profile with credentials in ${target.accountId} to read it.`,
      };
    });
  const aliases = onKeyInItsAccount('kms:ListAliases', listKeyAliases);
  const tags = onKeyInItsAccount('kms:ListResourceTags', listKeyTags);

  const principalReference = memo(async (): Promise<PrincipalReference | NotKnown> => {
    const readable = async () => {
      if (request.principal !== undefined) return readablePrincipal(request.principal);
      const read = await caller();
      return read.status === 'known' ? parsePrincipalArn(read.value.arn) : { unsupported: `the caller's identity is unknown (${describeNotKnown(read)})` };
    };
    const parsed = await readable();
    return 'unsupported' in parsed ? skipped(parsed.unsupported) : parsed;
  });

  /** Reads that take only the name start at once; they run in the caller's account, so another account's principal is refused after the fact. */
  const onPrincipal = <T>(read: (principal: PrincipalReference) => Promise<Observation<T>>) =>
    memo(async (): Promise<Observation<T>> => {
      const principal = await principalReference();
      return isNotKnown(principal) ? principal : read(principal);
    });
  const entity = onPrincipal((principal) => readEntity(session, principal));
  const inlineNames = onPrincipal((principal) => listInlinePolicyNames(session, principal.kind, principal.name));
  const attachedArns = onPrincipal((principal) => listAttachedPolicyArns(session, principal.kind, principal.name));
  const managedPolicy = memoBy((arn) => getManagedPolicy(session, arn));

  const foreignPrincipal = async (principal: PrincipalReference, call: string): Promise<Unreadable | undefined> => {
    const account = await callerAccount();
    if (!isCrossAccount(account, principal.accountId)) return undefined;
    return {
      status: 'unreadable',
      reason: 'cross-account',
      call,
      message: `${principal.arn} is in account ${principal.accountId} and the credentials are for account ${account}: IAM shows an identity's policies only in its own account. Run with credentials in ${principal.accountId}.`,
    };
  };

  const principal = memo(async (): Promise<Observation<PrincipalIdentity>> => {
    const reference = await principalReference();
    if (isNotKnown(reference)) return reference;
    const [read, foreign] = await Promise.all([entity(), foreignPrincipal(reference, reference.kind === 'role' ? 'iam:GetRole' : 'iam:GetUser')]);
    return foreign ?? read;
  });

  const principalPolicies = memo(async (): Promise<Observation<PrincipalPolicyFacts>> => {
    const reference = await principalReference();
    if (isNotKnown(reference)) return reference;
    const [collected, foreign] = await Promise.all([
      collectPrincipalPolicies(session, reference, { inlineNames, attachedArns, entity, managedPolicy }),
      foreignPrincipal(reference, reference.kind === 'role' ? 'iam:ListRolePolicies' : 'iam:ListUserPolicies'),
    ]);
    return foreign ?? collected;
  });

  /**
   * Only the grants that name the principal: the engine's grant rule (grant-match.ts) matches a grant's
   * grantee against the principal's ARN and its IAM entity's ARN, and ListGrants filters by exact
   * grantee, so the cost does not grow with the grants other principals hold. For a role session the
   * role's ARN is first taken without a path (its usual form) so that read goes in the same round trip
   * as the others; GetRole, answering meanwhile, says whether the role has a path and one more read is
   * needed. ListGrants works across accounts with the key ARN, if the key policy allows it;
   * key-account credentials are better when given.
   */
  const grants = memo(async (): Promise<Observation<readonly GrantFacts[]>> => {
    const [target, reference] = await Promise.all([keyTarget(), principalReference()]);
    if (isNotKnown(target)) return target;
    if (isNotKnown(reference)) return skipped(`only the principal's grants are read, and the principal is unknown (${describeNotKnown(reference)})`);
    const { cross } = await crossAccount(target);
    const read = (grantee: string) =>
      cross && session.keyAccount ? listGrants(session.keyAccount, target.region, target.arn, grantee) : listGrants(session, target.region, cross ? target.arn : target.keyId, grantee);
    const grantees = granteeArnsBeforeGetRole(reference);
    const reads = grantees.map(read);
    // principal(), not the bare GetRole: a namesake in the credentials' account must not add its grants.
    const identity = await principal();
    if (identity.status === 'known' && identity.value.entityArn && !grantees.includes(identity.value.entityArn)) reads.push(read(identity.value.entityArn));
    const observations = await Promise.all(reads);
    const failed = observations.find((o) => o.status !== 'known');
    if (failed) return failed;
    // A grant is listed once per grantee it names, and names one: the union needs no more than a Map by ID.
    const byId = new Map<string, GrantFacts>();
    for (const observation of observations) if (observation.status === 'known') for (const grant of observation.value) byId.set(grant.grantId, grant);
    return { status: 'known', value: [...byId.values()] };
  });

  const simulation = memo(async (): Promise<Observation<readonly SimulatorResult[]>> => {
    const [who, target] = await Promise.all([principal(), keyTarget()]);
    if (who.status !== 'known') return skipped(`the principal's IAM entity is unknown (${describeNotKnown(who)})`);
    if (isNotKnown(target)) return skipped(`the key ARN is unknown (${describeNotKnown(target)})`);
    return simulate(session, request, { entityArn: who.value.entityArn, principalAccount: who.value.accountId, keyArn: target.arn, keyRegion: target.region });
  });

  // DescribeOrganization needs nothing else, so it rides in the first round trip; the policy reads
  // (only for an account in an organization) wait for the principal's and the key's accounts.
  const described = memo(() => describeOrganization(session));
  const organization = memo(async (): Promise<Observation<OrganizationFacts>> => {
    const [membership, reference, target] = await Promise.all([described(), principalReference(), keyTarget()]);
    if (isNotKnown(reference)) return reference;
    const keyAccount = isNotKnown(target) ? undefined : target.accountId;
    return readOrganization(membership, session.orgAccount ?? session, reference.accountId, keyAccount);
  });

  /**
   * A role session's session policy cannot be read back, so when the session diagnosed is the caller
   * itself, KMS is asked: a dry run of the request, in the same round trip as the reads after
   * GetCallerIdentity. Another principal's session cannot be dry-run from here (the engine says so), nor
   * a call a service makes on the session's behalf (a direct call would miss kms:ViaService).
   */
  const sessionDryRun = memo(async (): Promise<Observation<readonly SessionDryRunAnswer[]>> => {
    const read = await caller();
    if (read.status !== 'known') return skipped(`the caller's identity is unknown (${describeNotKnown(read)})`);
    if (request.principal !== undefined && request.principal.arn !== read.value.arn) return skipped(`the session diagnosed is not the caller (${read.value.arn}), and only a session itself can be dry-run`);
    if (parsePrincipalRef(read.value.arn)?.kind !== 'assumed-role') return skipped('the caller is not a role session');
    if (request.operation.viaService !== undefined) return skipped(`${request.operation.name} is a call ${request.operation.viaService} makes on the session's behalf; a direct dry run would not carry kms:ViaService`);
    return readCall({ call: 'kms:DryRun', endpoint: session.endpoint('kms') }, () => dryRunAsSession(session, request));
  });

  // Each account at stake is read with the credentials of that account: the caller's, or --key-profile's
  // for the key's account. Without them, a note says which profile would let them be read.
  const keyAccountManagedPolicy = memoBy((arn) => getManagedPolicy(session.keyAccount ?? session, arn));
  const accountPrincipals = async (stake: PrincipalsAtStake): Promise<Record<string, Observation<AccountPrincipalsFacts>>> => {
    const [account, who, target] = await Promise.all([caller(), principal(), keyTarget()]);
    const callerAccount = account.status === 'known' ? account.value.accountId : undefined;
    const keyAccount = isNotKnown(target) ? accountNamedBy(request.key) : target.accountId;
    const diagnosed = [request.principal?.arn, account.status === 'known' ? account.value.arn : undefined, who.status === 'known' ? who.value.entityArn : undefined].filter((arn): arn is string => arn !== undefined);
    const read = async ({ accountId, everyone, named }: AccountAtStake): Promise<Observation<AccountPrincipalsFacts>> => {
      const clients = accountId === callerAccount ? session : accountId === keyAccount && session.keyAccount ? session.keyAccount : undefined;
      if (!clients) {
        if (account.status !== 'known') return skipped(`the credentials' account is unknown (${describeNotKnown(account)})`);
        // --profile reads the principal's side and --key-profile the key's; a third account has no flag.
        const principalAccount = who.status === 'known' ? who.value.accountId : undefined;
        const flag = accountId === keyAccount ? '--key-profile' : accountId === principalAccount ? '--profile' : undefined;
        const reads = 'iam:ListRoles, iam:ListUsers and iam:Get*/List* on their policies';
        return skipped(
          flag
            ? `no credentials of account ${accountId} were given; run the check again with ${flag} with a profile of account ${accountId} allowed ${reads}`
            : `account ${accountId} is neither the principal's nor the key's, and kms-doctor reads no third account`,
        );
      }
      // The caller's account's managed policies were read for the diagnosed principal already: the same memo.
      const policies = clients === session ? managedPolicy : keyAccountManagedPolicy;
      return everyone ? readAccountPrincipals(clients, accountId, diagnosed, policies) : readNamedPrincipals(clients, accountId, named, policies);
    };
    const reads = await Promise.all(stake.accounts.map(async (at) => [at.accountId, await read(at)] as const));
    return Object.fromEntries(reads);
  };

  const everything = () => [caller(), key(), keyPolicy(), grants(), principal(), principalPolicies(), simulation(), aliases(), tags(), organization(), sessionDryRun()] as const;

  return {
    caller,
    key,
    keyPolicy,
    grants,
    principal,
    principalPolicies,
    simulation,
    aliases,
    tags,
    organization,
    sessionDryRun,
    accountPrincipals,
    prefetchAll() {
      everything();
    },
    async readAll() {
      const [callerFacts, keyFacts, keyPolicyFacts, grantFacts, principalFacts, policyFacts, simulationFacts, aliasFacts, tagFacts, organizationFacts, dryRunFacts] = await Promise.all(everything());
      return {
        request,
        caller: callerFacts,
        principal: principalFacts,
        key: keyFacts,
        keyPolicy: keyPolicyFacts,
        grants: grantFacts,
        principalPolicies: policyFacts,
        simulation: simulationFacts,
        aliases: aliasFacts,
        tags: tagFacts,
        organization: organizationFacts,
        sessionDryRun: dryRunFacts,
      };
    },
  };
}

/**
 * The facts the decision machine assembles step by step lack the key's aliases and tags (its steps are
 * the wizard's screens); they are read with the key policy and added here, right before evaluating.
 */
export async function withKeyAttributes(facts: DiagnosisFacts, source: Pick<FactSource, 'aliases' | 'tags' | 'organization' | 'sessionDryRun'>): Promise<DiagnosisFacts> {
  const [aliases, tags, organization, sessionDryRun] = await Promise.all([
    facts.aliases ?? source.aliases(),
    facts.tags ?? source.tags(),
    facts.organization ?? source.organization(),
    facts.sessionDryRun ?? source.sessionDryRun(),
  ]);
  return { ...facts, aliases, tags, organization, sessionDryRun };
}
