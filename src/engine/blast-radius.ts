// The blast radius of a fix: before anything is applied, the fix is evaluated against probes — requests
// that are not the one diagnosed — with the facts as they are before it and after it. A probe allowed
// after and refused before is something the fix newly allows, and `fix` and the wizard make the user
// acknowledge it. Probes (issue 8): another principal of the key's account (and of the principal's, when
// that is another), a principal of another account, the same principal with another encryption context,
// a direct call instead of one through the service, and the other KMS actions.
//
// The other principals are the account's real roles and users (iam:ListRoles/ListUsers, at most
// accountPrincipalBound of them), each evaluated with its own identity policies, boundary and tags:
// a changed key policy opens the key to those whose IAM allows it. Where the listing was refused or not
// read (another account, facts built by hand), a stand-in that IAM lets do anything with KMS (an
// administrator, the worst case) takes their place, and a note says so. Key-state fixes restore what the policies already
// allow, so every probe sees the key state as the fixes leave it, before and after alike.
// Pure apart from the evaluation it is given.
import type { Diagnosis } from './cause.js';
import { directCall, factsAfterFixes } from './fix-effects.js';
import type { AccountPrincipalFacts, DiagnosisFacts, PrincipalIdentity, PrincipalPolicyFacts } from './facts.js';
import { accountNamedBy, parseDiagnosablePrincipal } from './identifiers.js';
import type { Fix, NewlyAllowed } from './fix.js';
import type { Evaluate } from './minimal-fixes.js';
import type { OperationRequirement } from './operations.js';

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

/** A real role or user of the account, with the policies IAM holds for it. */
function accountPrincipalProbe(principal: AccountPrincipalFacts, policies: PrincipalPolicyFacts): Probe {
  const { identity } = principal;
  const unread = policies.unreadable?.length ? ` (${policies.unreadable.length} of its policy reads refused)` : '';
  return {
    kind: 'other-principal',
    principal: identity.entityArn,
    description: `${identity.kind} ${identity.entityArn} of account ${identity.accountId}, with its own IAM policies${unread}`,
    facts: (world) => asPrincipal(world, identity, policies, identity.uniqueId ?? identity.name),
  };
}

/** The account whose roles and users were read, when the listing succeeded. */
const listedAccount = (facts: DiagnosisFacts) => (facts.accountPrincipals?.status === 'known' ? facts.accountPrincipals.value : undefined);

/**
 * What the report says about the other-principal probes: how many real principals were probed, that
 * more exist than the bound, or that a stand-in took their place and why.
 */
export function probedPrincipalsNotes(facts: DiagnosisFacts): string[] {
  const read = facts.accountPrincipals;
  if (read === undefined) return [];
  if (read.status !== 'known') {
    const why = read.status === 'unreadable' ? `${read.call} was refused: ${read.message}` : read.why;
    return [`The blast radius could not list the account's roles and users (${why}); it probed a stand-in that IAM lets do anything with KMS instead.`];
  }
  const { principals, accountId, more } = read.value;
  const unreadable = principals.filter((p) => p.policies.status !== 'known').length;
  const notes = [
    `The blast radius probed ${principals.length - unreadable} other role${principals.length - unreadable === 1 ? '' : 's'} and user${principals.length - unreadable === 1 ? '' : 's'} of account ${accountId} with their own IAM policies${more ? `; the account has more than ${principals.length}, and the rest were not probed` : ''}.`,
  ];
  if (unreadable > 0) notes.push(`${unreadable} role${unreadable === 1 ? '' : 's'} or user${unreadable === 1 ? '' : 's'} of account ${accountId} could not be probed: IAM refused the reads of their policies.`);
  return notes;
}

function probesFor(facts: DiagnosisFacts): Probe[] {
  const probes: Probe[] = [];
  const principal = facts.principal.status === 'known' ? facts.principal.value : undefined;
  const principalName = principal?.entityArn ?? facts.request.principal?.arn ?? 'the principal';
  const keyAccount = keyAccountOf(facts);
  const accounts = [...new Set([keyAccount, principal?.accountId].filter((a): a is string => a !== undefined))];
  const listed = listedAccount(facts);
  for (const accountId of accounts) {
    if (listed?.accountId === accountId) {
      for (const other of listed.principals) if (other.policies.status === 'known') probes.push(accountPrincipalProbe(other, other.policies.value));
      continue;
    }
    const standIn = standInPrincipal(accountId, 'kms-doctor-probe-other-principal');
    probes.push({
      kind: 'other-principal',
      principal: standIn.identity.arn,
      description: `any other role or user of account ${accountId} whose IAM policies allow it`,
      facts: standIn.facts,
    });
  }
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
export async function newlyAllowedBy(facts: DiagnosisFacts, earlier: readonly Fix[], fix: Fix, evaluate: Evaluate): Promise<NewlyAllowed[]> {
  if (fix.blockedBy !== undefined || fix.steps.length === 0) return [];
  const stateSettled = factsAfterFixes(facts, keyStateOnly([...earlier, fix]));
  const before = factsAfterFixes(stateSettled, earlier);
  const after = factsAfterFixes(before, [fix]);
  const found: NewlyAllowed[] = [];
  for (const probe of probesFor(facts)) {
    const [was, will] = await Promise.all([evaluate(probe.facts(before)), evaluate(probe.facts(after))]);
    const wasAllowed = allowed(was);
    for (const action of allowed(will)) {
      if (!wasAllowed.has(action)) found.push({ probe: probe.kind, principal: probe.principal, action, description: probe.description });
    }
  }
  return found;
}

/** Every fix (and each of its alternatives) with its blast radius, in plan order. */
export async function withBlastRadius(facts: DiagnosisFacts, fixes: readonly Fix[], evaluate: Evaluate): Promise<Fix[]> {
  const result: Fix[] = [];
  for (const [index, fix] of fixes.entries()) {
    const earlier = fixes.slice(0, index);
    const alternatives = fix.alternatives
      ? await Promise.all(fix.alternatives.map(async (alternative) => ({ ...alternative, newlyAllows: await newlyAllowedBy(facts, earlier, alternative, evaluate) })))
      : undefined;
    result.push({ ...fix, newlyAllows: await newlyAllowedBy(facts, earlier, fix, evaluate), ...(alternatives ? { alternatives } : {}) });
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
