// Collects a principal's identity policies: inline, attached managed, for a user its groups' too, and
// the permissions boundary. Each Get starts the moment its List answered, not when all Lists did.
// Without the two lists of the entity itself the set is unknown, so the fact is unreadable; a single
// policy, group or boundary that cannot be read is recorded as a gap next to what was read.
import type { Observation, PolicyDocumentFacts, PrincipalIdentity, PrincipalPolicyFacts, UnreadablePolicyPart } from '../engine/facts.js';
import type { NotKnown } from './aws-call.js';
import type { AwsClientSet } from './aws-session.js';
import { getInlinePolicy, listAttachedPolicyArns, listGroupsForUser, listInlinePolicyNames, type PrincipalReference } from './principal-reads.js';

/** The reads the fact source shares with other facts (and may already have started). */
export interface PrincipalPolicyReads {
  readonly inlineNames: () => Promise<Observation<readonly string[]>>;
  readonly attachedArns: () => Promise<Observation<readonly string[]>>;
  readonly entity: () => Promise<Observation<PrincipalIdentity>>;
  readonly managedPolicy: (arn: string) => Promise<Observation<PolicyDocumentFacts>>;
}

interface Collected {
  readonly policies: PolicyDocumentFacts[];
  readonly unreadable: UnreadablePolicyPart[];
}

function gap(observation: NotKnown, subject: string): UnreadablePolicyPart {
  return observation.status === 'unreadable'
    ? { call: observation.call, reason: observation.reason, message: observation.message, subject }
    : { call: 'none', reason: 'error', message: observation.why, subject };
}

function collect(observations: readonly { readonly observation: Observation<PolicyDocumentFacts>; readonly subject: string }[]): Collected {
  const result: Collected = { policies: [], unreadable: [] };
  for (const { observation, subject } of observations) {
    if (observation.status === 'known') result.policies.push(observation.value);
    else result.unreadable.push(gap(observation, subject));
  }
  return result;
}

const inlineDocuments = (clients: AwsClientSet, kind: 'user' | 'role' | 'group', name: string, names: readonly string[]) =>
  Promise.all(names.map(async (policyName) => ({ observation: await getInlinePolicy(clients, kind, name, policyName), subject: policyName })));

const managedDocuments = (reads: PrincipalPolicyReads, arns: readonly string[], groupName?: string) =>
  Promise.all(
    arns.map(async (arn) => {
      const observation = await reads.managedPolicy(arn);
      const inGroup: Observation<PolicyDocumentFacts> = observation.status === 'known' && groupName ? { status: 'known', value: { ...observation.value, groupName } } : observation;
      return { observation: inGroup, subject: arn };
    }),
  );

/** One group's inline and attached policies; a list that fails is a gap for the whole group part. */
async function groupPolicies(clients: AwsClientSet, reads: PrincipalPolicyReads, groupName: string): Promise<Collected> {
  const subject = `group ${groupName}`;
  const [inline, attached] = await Promise.all([
    listInlinePolicyNames(clients, 'group', groupName).then(async (names) => (names.status === 'known' ? collect(await inlineDocuments(clients, 'group', groupName, names.value)) : names)),
    listAttachedPolicyArns(clients, 'group', groupName).then(async (arns) => (arns.status === 'known' ? collect(await managedDocuments(reads, arns.value, groupName)) : arns)),
  ]);
  const parts = [inline, attached].map((part): Collected => ('policies' in part ? part : { policies: [], unreadable: [gap(part, subject)] }));
  return { policies: parts.flatMap((p) => p.policies), unreadable: parts.flatMap((p) => p.unreadable) };
}

async function userGroupPolicies(clients: AwsClientSet, reads: PrincipalPolicyReads, userName: string): Promise<Collected> {
  const groups = await listGroupsForUser(clients, userName);
  if (groups.status !== 'known') return { policies: [], unreadable: [gap(groups, `groups of user ${userName}`)] };
  const perGroup = await Promise.all(groups.value.map((group) => groupPolicies(clients, reads, group)));
  return { policies: perGroup.flatMap((p) => p.policies), unreadable: perGroup.flatMap((p) => p.unreadable) };
}

/** The boundary's document; undefined when the entity has none. */
async function boundaryDocument(reads: PrincipalPolicyReads): Promise<{ document?: PolicyDocumentFacts; unreadable?: UnreadablePolicyPart }> {
  const subject = 'permissions boundary';
  const entity = await reads.entity();
  if (entity.status !== 'known') return { unreadable: gap(entity, subject) };
  const arn = entity.value.permissionsBoundaryArn;
  if (!arn) return {};
  const document = await reads.managedPolicy(arn);
  return document.status === 'known' ? { document: document.value } : { unreadable: gap(document, subject) };
}

export async function collectPrincipalPolicies(clients: AwsClientSet, principal: PrincipalReference, reads: PrincipalPolicyReads): Promise<Observation<PrincipalPolicyFacts>> {
  const [inlineNames, attachedArns, inline, attached, boundary, groups] = await Promise.all([
    reads.inlineNames(),
    reads.attachedArns(),
    reads.inlineNames().then(async (names) => (names.status === 'known' ? collect(await inlineDocuments(clients, principal.kind, principal.name, names.value)) : undefined)),
    reads.attachedArns().then(async (arns) => (arns.status === 'known' ? collect(await managedDocuments(reads, arns.value)) : undefined)),
    boundaryDocument(reads),
    principal.kind === 'user' ? userGroupPolicies(clients, reads, principal.name) : Promise.resolve<Collected>({ policies: [], unreadable: [] }),
  ]);
  if (inlineNames.status !== 'known') return inlineNames;
  if (attachedArns.status !== 'known') return attachedArns;
  const parts = [inline, attached, groups].filter((part): part is Collected => part !== undefined);
  const unreadable = [...parts.flatMap((p) => p.unreadable), ...(boundary.unreadable ? [boundary.unreadable] : [])];
  return {
    status: 'known',
    value: {
      policies: parts.flatMap((p) => p.policies),
      ...(boundary.document ? { permissionsBoundary: boundary.document } : {}),
      ...(unreadable.length > 0 ? { unreadable } : {}),
    },
  };
}
