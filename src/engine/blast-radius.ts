// The blast radius of a fix: before anything is applied, the fix is evaluated against probes — requests
// that are not the one diagnosed — with the facts as they are before it and after it. A probe allowed
// after and refused before is something the fix newly allows, and `fix` and the wizard make the user
// acknowledge it. Probes (issue 8): the other principals whose access the fixes can change, a principal
// of another account, the same principal with another encryption context, a direct call instead of one
// through the service, and the other KMS actions.
//
// The other principals are those principals-at-stake.ts finds the changes can reach, in the key's
// account and the principal's: only the roles and users a change names, or, when a change names an
// account or everyone, that account's real roles and users (iam:ListRoles/ListUsers, at most
// accountPrincipalBound of them). Each is evaluated with its own identity policies, boundary and tags
// (a managed policy in the version the world has). Where a listing was refused or could not be made
// (no credentials for the key's account, facts built by hand), a stand-in that IAM lets do anything with
// KMS (an administrator, the worst case) takes their place, and a note says so. Key-state fixes restore
// what the policies already allow, so every probe sees the key state as the fixes leave it, before and
// after alike. Pure apart from the evaluation it is given.
import type { Diagnosis } from './cause.js';
import { directCall, factsAfterFixes } from './fix-effects.js';
import type { AccountPrincipalFacts, DiagnosisFacts, PolicyDocumentFacts, PrincipalIdentity, PrincipalPolicyFacts } from './facts.js';
import { accountNamedBy, parseDiagnosablePrincipal } from './identifiers.js';
import type { Fix, NewlyAllowed } from './fix.js';
import type { Evaluate } from './minimal-fixes.js';
import type { OperationRequirement } from './operations.js';
import { entityKey, principalsAtStake, type PrincipalsAtStake } from './principals-at-stake.js';

/** KMS actions a fix could open by accident: use, grants, and the management of the key itself. */
const probedActions = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:CreateGrant',
  'kms:DescribeKey',
  'kms:PutKeyPolicy',
  'kms:DisableKey',
  'kms:ScheduleKeyDeletion',
];

/** An account no real principal of the diagnosis is in, for the "another account" probe. */
const outsideAccounts = ['999988887777', '888877776666', '777766665555'];

interface Probe {
  readonly kind: NewlyAllowed['probe'];
  readonly description: string;
  readonly principal: string;
  /** The facts of the probe, given the facts of the world (before or after the fix). */
  readonly facts: (world: DiagnosisFacts) => DiagnosisFacts;
}

const mentions = (facts: DiagnosisFacts, pattern: RegExp): boolean => {
  const documents: unknown[] = [];
  if (facts.keyPolicy.status === 'known') documents.push(facts.keyPolicy.value.document);
  if (facts.principalPolicies.status === 'known') {
    documents.push(...facts.principalPolicies.value.policies.map((p) => p.document));
    if (facts.principalPolicies.value.permissionsBoundary) documents.push(facts.principalPolicies.value.permissionsBoundary.document);
  }
  return documents.some((document) => pattern.test(JSON.stringify(document ?? null)));
};

function keyAccountOf(facts: DiagnosisFacts): string | undefined {
  if (facts.key.status === 'known') return facts.key.value.accountId;
  return accountNamedBy(facts.request.key);
}

/** The facts of `world` with `identity` as the caller, holding `policies`. */
function asPrincipal(world: DiagnosisFacts, identity: PrincipalIdentity, policies: PrincipalPolicyFacts, userId: string): DiagnosisFacts {
  const { principal: _diagnosed, ...request } = world.request;
  const principal = parseDiagnosablePrincipal(identity.arn);
  return {
    ...world,
    request: { ...request, ...(principal ? { principal } : {}) },
    caller: { status: 'known', value: { arn: identity.arn, accountId: identity.accountId, userId } },
    principal: { status: 'known', value: identity },
    principalPolicies: { status: 'known', value: policies },
    simulation: { status: 'skipped', why: 'a blast-radius probe' },
  };
}

/** A role that IAM lets do anything with KMS, as another principal the fix might let in. */
function standInPrincipal(accountId: string, name: string): { identity: PrincipalIdentity; facts: (world: DiagnosisFacts) => DiagnosisFacts } {
  const arn = `arn:aws:iam::${accountId}:role/${name}`;
  const identity: PrincipalIdentity = { arn, entityArn: arn, kind: 'role', name, accountId };
  const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
  const policies: PrincipalPolicyFacts = { policies: [{ name: 'AdministratorStandIn', kind: 'inline', text: JSON.stringify(document), document }] };
  return { identity, facts: (world) => asPrincipal(world, identity, policies, `AROAKMSDOCTORPROBE:${name}`) };
}

/** A role or user a change names, whose policies were not read: taken as one IAM lets do anything with KMS. */
function namedStandIn(arn: string): { identity: PrincipalIdentity; facts: (world: DiagnosisFacts) => DiagnosisFacts } | undefined {
  const named = parseDiagnosablePrincipal(arn);
  if (named?.kind !== 'user' && named?.kind !== 'role') return undefined;
  const { account: accountId, kind, name } = named;
  const identity: PrincipalIdentity = { arn, entityArn: arn, kind, name, accountId };
  const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
  const policies: PrincipalPolicyFacts = { policies: [{ name: 'AdministratorStandIn', kind: 'inline', text: JSON.stringify(document), document }] };
  return { identity, facts: (world) => asPrincipal(world, identity, policies, `${kind === 'role' ? 'AROA' : 'AIDA'}KMSDOCTORPROBE:${name}`) };
}

/** A real role or user, with the policies IAM holds for it. */
function accountPrincipalProbe(principal: AccountPrincipalFacts, policies: PrincipalPolicyFacts): Probe {
  const { identity } = principal;
  const unread = policies.unreadable?.length ? ` (${policies.unreadable.length} of its policy reads refused)` : '';
  return {
    kind: 'other-principal',
    principal: identity.entityArn,
    description: `${identity.kind} ${identity.entityArn} of account ${identity.accountId}, with its own IAM policies${unread}`,
    facts: (world) => asPrincipal(world, identity, withWorldManagedPolicies(policies, world), identity.uniqueId ?? identity.name),
  };
}

/**
 * A managed policy is one document for every principal it is attached to: the probe holds the version
 * the world has (a create-policy-version fix changes it for them too).
 */
function withWorldManagedPolicies(policies: PrincipalPolicyFacts, world: DiagnosisFacts): PrincipalPolicyFacts {
  if (world.principalPolicies.status !== 'known') return policies;
  const worldPolicies = world.principalPolicies.value;
  const versions = new Map([...worldPolicies.policies, ...(worldPolicies.permissionsBoundary ? [worldPolicies.permissionsBoundary] : [])].flatMap((p) => (p.arn ? [[p.arn, p] as const] : [])));
  const current = (p: PolicyDocumentFacts): PolicyDocumentFacts => {
    const version = p.arn === undefined ? undefined : versions.get(p.arn);
    return version ? { ...p, text: version.text, document: version.document } : p;
  };
  return { ...policies, policies: policies.policies.map(current), ...(policies.permissionsBoundary ? { permissionsBoundary: current(policies.permissionsBoundary) } : {}) };
}

/** The accounts whose principals a `*` reaches here: the key's and the principal's. */
function accountsOf(facts: DiagnosisFacts): string[] {
  const principal = facts.principal.status === 'known' ? facts.principal.value : undefined;
  return [...new Set([keyAccountOf(facts), principal?.accountId].filter((a): a is string => a !== undefined))];
}

/** Whose access the fixes (and their alternatives) can change: the principals the blast radius reads. */
export function blastRadiusStake(facts: DiagnosisFacts, fixes: readonly Fix[]): PrincipalsAtStake {
  return principalsAtStake(facts, fixes, accountsOf(facts));
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * What the report says about the other-principal probes, per account at stake: the real principals
 * probed (and that more exist than the bound), only those the changes name, or that a stand-in took
 * their place, why, and what would let them be read.
 */
export function probedPrincipalsNotes(facts: DiagnosisFacts, stake: PrincipalsAtStake): string[] {
  if (stake.accounts.length === 0) return ['The changes name no role or user but the diagnosed principal, nor an account: no one else\'s access can change, so the blast radius listed no roles or users.'];
  const reads = facts.accountPrincipals;
  if (reads === undefined) return [];
  const notes: string[] = [];
  for (const { accountId, everyone, named } of stake.accounts) {
    const read = reads[accountId];
    if (read === undefined) continue;
    if (read.status !== 'known') {
      const why = read.status === 'unreadable' ? `${read.call} was refused: ${read.message}` : read.why;
      notes.push(
        everyone
          ? `The blast radius could not list the roles and users of account ${accountId} (${why}); it probed a stand-in that IAM lets do anything with KMS instead.`
          : `The blast radius could not read the IAM policies of ${named.join(', ')} (${why}); it probed ${named.length === 1 ? 'it' : 'them'} as if IAM let ${named.length === 1 ? 'it' : 'them'} do anything with KMS.`,
      );
      continue;
    }
    const { principals, more, scope } = read.value;
    const probed = principals.filter((p) => p.policies.status === 'known').length;
    const unreadable = principals.length - probed;
    if (scope === 'listed') {
      notes.push(
        `The blast radius probed ${plural(probed, 'other role or user', 'other roles and users')} of account ${accountId} with their own IAM policies${more ? `; the account has more than ${principals.length}, and the rest were not probed` : ''}.`,
      );
    } else {
      notes.push(
        `The changes reach only ${named.join(', ')} in account ${accountId} (they name no other principal of it, nor the account): the blast radius read ${named.length === 1 ? 'its' : 'their'} IAM policies and listed no other role or user.`,
      );
    }
    if (unreadable > 0) notes.push(`${plural(unreadable, 'role or user', 'roles or users')} of account ${accountId} could not be probed: IAM refused the reads of their policies.`);
  }
  return notes;
}

/** The other roles and users at stake, as probes: real ones where read, a stand-in where not. */
function otherPrincipalProbes(facts: DiagnosisFacts, stake: PrincipalsAtStake): Probe[] {
  const probes: Probe[] = [];
  for (const { accountId, everyone, named } of stake.accounts) {
    const read = facts.accountPrincipals?.[accountId];
    const known = read?.status === 'known' ? read.value : undefined;
    if (everyone && known?.scope === 'listed') {
      for (const other of known.principals) if (other.policies.status === 'known') probes.push(accountPrincipalProbe(other, other.policies.value));
      continue;
    }
    if (everyone) {
      const standIn = standInPrincipal(accountId, 'kms-doctor-probe-other-principal');
      probes.push({ kind: 'other-principal', principal: standIn.identity.arn, description: `any other role or user of account ${accountId} whose IAM policies allow it`, facts: standIn.facts });
      continue;
    }
    for (const arn of named) {
      const real = known?.principals.find((p) => entityKey(p.identity.entityArn) === entityKey(arn));
      if (real?.policies.status === 'known') {
        probes.push(accountPrincipalProbe(real, real.policies.value));
        continue;
      }
      const standIn = namedStandIn(arn);
      if (standIn) probes.push({ kind: 'other-principal', principal: arn, description: `${standIn.identity.kind} ${arn} of account ${accountId}, whose IAM policies were not read (taken as allowing KMS)`, facts: standIn.facts });
    }
  }
  return probes;
}

function probesFor(facts: DiagnosisFacts, stake: PrincipalsAtStake): Probe[] {
  const principal = facts.principal.status === 'known' ? facts.principal.value : undefined;
  const principalName = principal?.entityArn ?? facts.request.principal?.arn ?? 'the principal';
  const accounts = accountsOf(facts);
  const probes = otherPrincipalProbes(facts, stake);
  const outside = outsideAccounts.find((a) => !accounts.includes(a)) ?? outsideAccounts[0]!;
  const stranger = standInPrincipal(outside, 'kms-doctor-probe-outsider');
  probes.push({ kind: 'other-account', principal: stranger.identity.arn, description: `a principal of another account (${outside}) whose IAM policies allow it`, facts: stranger.facts });
  // Encryption context is bound to the data, not the caller: it is a guard only where a policy tests it.
  if (mentions(facts, /kms:EncryptionContext/i)) {
    const context = Object.fromEntries(Object.keys(facts.request.encryptionContext ?? { 'kms-doctor-probe': '' }).map((key) => [key, 'kms-doctor-other-value']));
    probes.push({
      kind: 'other-encryption-context',
      principal: principalName,
      description: `${principalName} with another encryption context (${JSON.stringify(context)})`,
      facts: (world) => ({ ...world, request: { ...world.request, encryptionContext: context } }),
    });
  }
  const operation = facts.request.operation;
  if (operation.viaService !== undefined) {
    probes.push({
      kind: 'direct-call',
      principal: principalName,
      description: `${principalName} calling KMS directly instead of through ${operation.viaService}`,
      facts: (world) => ({ ...world, request: { ...world.request, operation: directCall(world.request.operation) } }),
    });
  }
  const others = probedActions.filter((action) => !operation.actions.some((a) => a.toLowerCase() === action.toLowerCase()));
  const otherActions: OperationRequirement = { ...operation, name: 'other KMS actions', actions: others, primaryAction: others[0] ?? operation.primaryAction, usesGrants: false };
  probes.push({
    kind: 'other-action',
    principal: principalName,
    description: `${principalName} calling other KMS actions on the key`,
    facts: (world) => ({ ...world, request: { ...world.request, operation: otherActions } }),
  });
  return probes;
}

const allowed = (diagnosis: Diagnosis) => new Set(diagnosis.actionResults.filter((r) => r.decision === 'allowed').map((r) => r.action));

/** Only the key-state steps of the fixes: what the probes take as given. */
const keyStateOnly = (fixes: readonly Fix[]): Fix[] =>
  fixes.map((fix) => ({ ...fix, steps: fix.steps.filter((s) => s.kind === 'enable-key' || s.kind === 'cancel-key-deletion') })).filter((fix) => fix.steps.length > 0);

/**
 * What `fix` newly allows beyond the diagnosed request, with `earlier` (the fixes before it in the
 * plan) already applied. A fix that changes nothing (guidance, a change to the request) allows nothing.
 */
export async function newlyAllowedBy(facts: DiagnosisFacts, earlier: readonly Fix[], fix: Fix, evaluate: Evaluate, stake = blastRadiusStake(facts, [...earlier, fix])): Promise<NewlyAllowed[]> {
  if (fix.blockedBy !== undefined || fix.steps.length === 0) return [];
  const stateSettled = factsAfterFixes(facts, keyStateOnly([...earlier, fix]));
  const before = factsAfterFixes(stateSettled, earlier);
  const after = factsAfterFixes(before, [fix]);
  const found: NewlyAllowed[] = [];
  for (const probe of probesFor(facts, stake)) {
    const [was, will] = await Promise.all([evaluate(probe.facts(before)), evaluate(probe.facts(after))]);
    const wasAllowed = allowed(was);
    for (const action of allowed(will)) {
      if (!wasAllowed.has(action)) found.push({ probe: probe.kind, principal: probe.principal, action, description: probe.description });
    }
  }
  return found;
}

/** Every fix (and each of its alternatives) with its blast radius, in plan order. */
export async function withBlastRadius(facts: DiagnosisFacts, fixes: readonly Fix[], evaluate: Evaluate, stake = blastRadiusStake(facts, fixes)): Promise<Fix[]> {
  const result: Fix[] = [];
  for (const [index, fix] of fixes.entries()) {
    const earlier = fixes.slice(0, index);
    const alternatives = fix.alternatives
      ? await Promise.all(fix.alternatives.map(async (alternative) => ({ ...alternative, newlyAllows: await newlyAllowedBy(facts, earlier, alternative, evaluate, stake) })))
      : undefined;
    result.push({ ...fix, newlyAllows: await newlyAllowedBy(facts, earlier, fix, evaluate, stake), ...(alternatives ? { alternatives } : {}) });
  }
  return result;
}

/** One line per probe: "any other role … of account X: kms:Decrypt, kms:Encrypt". */
export function newlyAllowedLines(newlyAllows: readonly NewlyAllowed[]): string[] {
  const byProbe = new Map<string, string[]>();
  for (const item of newlyAllows) byProbe.set(item.description, [...(byProbe.get(item.description) ?? []), item.action]);
  return [...byProbe].map(([description, actions]) => `${description}: ${actions.join(', ')}`);
}

/** What the planned fixes newly allow together: the blast radius a user must acknowledge before applying. */
export function planNewlyAllows(fixes: readonly Fix[], plannedFixIndexes: Iterable<number>): NewlyAllowed[] {
  return [...new Set(plannedFixIndexes)].flatMap((index) => fixes[index]?.newlyAllows ?? []);
}

/** The word that approves applying: "yes", or "accept" when the plan newly allows more than the request. */
export function confirmationWord(newlyAllows: readonly NewlyAllowed[]): 'yes' | 'accept' {
  return newlyAllows.length > 0 ? 'accept' : 'yes';
}
