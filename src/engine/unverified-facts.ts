// What a diagnosis could not check, and IAM's policy simulator as a second opinion: each fact that could
// not be read becomes an "unverified" entry saying why it matters and how to read it (a throttled read
// says nothing about permissions: its advice is to slow down), and each action on which the simulator
// and kms-doctor's evaluation of the same IAM policies disagree becomes a note. Pure.
import type { Unverified } from './cause.js';
import { known, sameAccount, who, type ActionEvaluation, type Scope } from './diagnosis-scope.js';
import type { Observation } from './facts.js';

/** What to do about a read AWS throttled (ThrottlingException, TooManyRequestsException…, after the SDK's retries). */
const throttlingAdvice =
  'AWS throttled this read (too many requests to the service in this account and Region); it says nothing about permissions: run again in a minute, lower the request rate or concurrency of other clients using this account, or raise AWS_MAX_ATTEMPTS for more retries';

const isThrottled = (observation: Observation<unknown>): boolean => observation.status === 'unreadable' && observation.reason === 'throttled';

export function unverifiedFacts(scope: Scope): Unverified[] {
  const { facts, subject } = scope;
  const entries: Unverified[] = [];
  const principalAccount = subject?.accountId;
  const keyAccount = scope.keyAccount;
  const keyProfile = `run again with --key-profile PROFILE (credentials in account ${keyAccount ?? 'that owns the key'})`;
  const iamProfile = `run again with --profile PROFILE (credentials in account ${principalAccount ?? 'of the principal'} that may read IAM: iam:GetRole or iam:GetUser, iam:List*Policies, iam:Get*Policy, iam:GetPolicyVersion)`;
  // A throttled read says nothing about permissions: the advice is to slow down, not to change credentials.
  const adviceFor = (observation: Observation<unknown>, permissionAdvice: string): string => (isThrottled(observation) ? throttlingAdvice : permissionAdvice);
  const why = (observation: Observation<unknown>): string =>
    observation.status === 'unreadable' ? `${observation.call} failed (${observation.reason}): ${observation.message}` : observation.status === 'skipped' ? observation.why : '';

  if (facts.caller.status !== 'known' && facts.principal.status !== 'known') {
    entries.push({ what: 'Who is calling', why: why(facts.caller), howToVerify: adviceFor(facts.caller, 'check your AWS credentials (aws sts get-caller-identity), or name the principal with --principal ARN') });
  }
  if (facts.principal.status !== 'known') {
    entries.push({
      what: `The IAM identity of ${facts.request.principal?.arn ?? subject?.arn ?? 'the principal'} (its path and permissions boundary)`,
      why: why(facts.principal),
      howToVerify: adviceFor(facts.principal, iamProfile),
    });
  }
  const keyNotFound = facts.key.status === 'unreadable' && facts.key.reason === 'not-found';
  if (facts.key.status !== 'known' && !keyNotFound) {
    entries.push({
      what: `The key ${facts.request.key.text}: which key it is, its state, owner and type`,
      why: why(facts.key),
      howToVerify: adviceFor(facts.key, `${keyProfile} that may call kms:DescribeKey on the key`),
    });
  }
  if (facts.keyPolicy.status !== 'known' && !keyNotFound) {
    const crossAccount = sameAccount(scope) === false;
    entries.push({
      what: `The key policy${scope.subject ? `: whether it lets ${scope.subject.name} use the key` : ''}`,
      why: why(facts.keyPolicy) + (crossAccount ? ' (KMS never returns a key policy to another account)' : ''),
      howToVerify: adviceFor(facts.keyPolicy, `${keyProfile} to read the key policy${crossAccount ? '' : ', or give the caller kms:GetKeyPolicy on the key'}`),
    });
  }
  if (facts.principalPolicies.status !== 'known') {
    entries.push({
      what: `${subject?.name ?? 'The principal'}'s IAM policies and permissions boundary`,
      why: why(facts.principalPolicies),
      howToVerify: adviceFor(facts.principalPolicies, iamProfile),
    });
  } else {
    const boundaryArn = known(facts.principal)?.permissionsBoundaryArn;
    if (boundaryArn !== undefined && facts.principalPolicies.value.permissionsBoundary === undefined) {
      entries.push({ what: `The permissions boundary ${boundaryArn}`, why: 'its document was not read', howToVerify: `${iamProfile}, including iam:GetPolicy and iam:GetPolicyVersion on ${boundaryArn}` });
    }
  }
  if (facts.grants.status !== 'known' && !keyNotFound) {
    entries.push({
      what: `Grants on the key: whether one lets ${subject?.name ?? 'the principal'} perform the operation`,
      why: why(facts.grants),
      howToVerify: adviceFor(facts.grants, `${keyProfile} that may call kms:ListGrants on the key`),
    });
  }
  // Aliases and tags matter only to a policy that tests them (ABAC); say so only then.
  const documents = [scope.keyPolicy?.document, ...(scope.identityPolicies ?? []).map((p) => p.document), scope.boundary?.document];
  const mentions = (name: RegExp) => documents.some((document) => document !== undefined && name.test(JSON.stringify(document)));
  if (facts.aliases !== undefined && facts.aliases.status !== 'known' && !keyNotFound && mentions(/kms:ResourceAliases/i)) {
    entries.push({
      what: 'The aliases of the key, which a kms:ResourceAliases condition tests',
      why: why(facts.aliases),
      howToVerify: adviceFor(facts.aliases, `${keyProfile} that may call kms:ListAliases`),
    });
  }
  if (facts.tags !== undefined && facts.tags.status !== 'known' && !keyNotFound && mentions(/aws:ResourceTag\//i)) {
    entries.push({
      what: 'The tags of the key, which an aws:ResourceTag condition tests',
      why: why(facts.tags),
      howToVerify: adviceFor(facts.tags, `${keyProfile} that may call kms:ListResourceTags on the key`),
    });
  }
  if (facts.simulation.status !== 'known') {
    entries.push({
      what: "IAM's policy simulator cross-check of the IAM policies",
      why: why(facts.simulation),
      howToVerify: adviceFor(facts.simulation, `run again with credentials in account ${principalAccount ?? 'of the principal'} that may call iam:SimulatePrincipalPolicy`),
    });
  }
  return entries;
}

function localIdentitySide(evaluation: ActionEvaluation): 'allowed' | 'explicitDeny' | 'implicitDeny' | undefined {
  const identity = evaluation.outcome.layers['identity-policy'];
  if (!identity) return undefined;
  const boundary = evaluation.outcome.layers['permissions-boundary'];
  if (identity.decision === 'ExplicitlyDenied' || boundary?.decision === 'ExplicitlyDenied') return 'explicitDeny';
  if (identity.decision === 'Allowed' && (boundary === undefined || boundary.decision === 'Allowed')) return 'allowed';
  return 'implicitDeny';
}

const decisionWords = { allowed: 'allowed', explicitDeny: 'explicitly denied', implicitDeny: 'not allowed (implicitly denied)' } as const;

export function simulatorNotes(scope: Scope, evaluations: ReadonlyMap<string, ActionEvaluation>): string[] {
  const results = known(scope.facts.simulation);
  if (!results) return [];
  const notes: string[] = [];
  const name = who(scope);
  for (const result of results) {
    const action = scope.actions.find((a) => a.toLowerCase() === result.action.toLowerCase());
    if (action === undefined) continue;
    const missing = result.missingContextValues.length > 0 ? ` (it reported missing context values: ${result.missingContextValues.join(', ')})` : '';
    const evaluation = evaluations.get(action);
    if (scope.identityPolicies === undefined || evaluation === undefined) {
      notes.push(`kms-doctor could not evaluate ${name}'s IAM policies itself; IAM's policy simulator says they leave ${action} ${decisionWords[result.decision]}${missing}.`);
      continue;
    }
    const local = localIdentitySide(evaluation);
    if (local === undefined || local === result.decision) continue;
    // IAM's simulator counts SCPs too: a refusal there that the SCP layer explains is no disagreement.
    if (result.allowedByOrganizations === false && evaluation.outcome.layers.scp !== undefined && evaluation.outcome.layers.scp.decision !== 'Allowed') continue;
    notes.push(
      `IAM's policy simulator says ${name}'s IAM policies leave ${action} ${decisionWords[result.decision]}, but kms-doctor's evaluation of the same policies says ${decisionWords[local]}${missing}. ` +
        'The simulator knows nothing of key policies, grants or KMS context keys; the verdict above comes from kms-doctor\'s evaluation.',
    );
  }
  return notes;
}
