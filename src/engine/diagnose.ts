// Facts → diagnosis: for every KMS action an operation needs, whether AWS would allow it, and if not,
// why, in the cause vocabulary of cause.ts. The checks run in the order KMS applies them
// (KMS-DENIALS §1.2): the key identifier, the key's state and owner, the key policy with the caller's
// IAM policies, boundary, session and organization policies (all through the evaluation module, the
// same one the sandbox authorizes with), then grants. Pure: no I/O; whatever could not be read is
// reported as unverified, with the way to read it.
import type { ActionResult, Cause, CauseCode, Diagnosis, Unverified } from './cause.js';
import { known, sameAccount, scopeOf, who, type ActionEvaluation, type DiagnoseOptions, type Scope, type Subject } from './diagnosis-scope.js';
import type { DiagnosisFacts, GrantFacts, Observation } from './facts.js';
import { grantAllows, grantOperationFor } from './grant-match.js';
import { awsManagedCrossAccountCause, keyNotFoundCause, keyStateCause } from './key-checks.js';
import { kmsRequestContext, type RequestContext } from './kms-request-context.js';
import { CauseDrafts, causeFromDraft, causeLayerOf, implicitCause } from './policy-causes.js';
import { evaluatePolicies, InvalidPolicyError, type Denial } from './policy-evaluation.js';

export type { DiagnoseOptions } from './diagnosis-scope.js';

/** The order causes are reported in: the order KMS decides in, explicit denies before missing allows. */
const causeOrder: readonly CauseCode[] = [
  'key-not-found',
  'aws-managed-key-cross-account',
  'key-disabled',
  'key-pending-deletion',
  'key-pending-import',
  'key-unavailable',
  'explicit-deny',
  'key-policy-no-iam-delegation',
  'cross-account-key-policy',
  'identity-policy-missing-actions',
  'cross-account-identity-policy',
  'grant-creation-denied',
  'permissions-boundary',
  'session-policy',
];

// ---------------------------------------------------------------------------------------------------
// Policies, one action at a time.

/** What the policies decide for one action, before grants. */
export type PolicyVerdict =
  | { readonly decision: 'allowed' }
  | { readonly decision: 'denied'; readonly denials: readonly Denial[]; readonly grantMayAllow: boolean }
  | { readonly decision: 'unknown'; readonly grantMayAllow: boolean };

/** The key's aliases and tags, as far as they were read (kms:ResourceAliases, aws:ResourceTag/…). */
function keyAttributes(facts: DiagnosisFacts): { aliases?: readonly string[]; tags?: Readonly<Record<string, string>> } {
  const aliases = facts.aliases ? known(facts.aliases) : undefined;
  const tags = facts.tags ? known(facts.tags) : undefined;
  return { ...(aliases !== undefined ? { aliases } : {}), ...(tags !== undefined ? { tags } : {}) };
}

function requestContextFor(scope: Scope, subject: Subject, action: string): RequestContext {
  const { key, reference, facts } = scope;
  return kmsRequestContext(
    { entityArn: subject.entityArn, accountId: subject.accountId, kind: subject.kind, name: subject.name, ...(subject.userId !== undefined ? { userId: subject.userId } : {}) },
    {
      action,
      ...(key ? { key: { spec: key.spec, usage: key.usage, origin: key.origin, multiRegion: key.multiRegion, ...keyAttributes(facts) } } : {}),
      ...(scope.viaService !== undefined ? { viaService: scope.viaService } : {}),
      ...(facts.request.encryptionContext !== undefined ? { encryptionContext: facts.request.encryptionContext } : {}),
      ...(reference.aliasName !== undefined ? { requestAlias: reference.aliasName } : {}),
    },
  );
}

/** One action against every policy layer known: the evaluation the verdict and the step findings share. */
export async function evaluateAction(scope: Scope, subject: Subject, keyArn: string, keyAccount: string, action: string): Promise<ActionEvaluation> {
  const context = requestContextFor(scope, subject, action);
  const { options } = scope;
  const outcome = await evaluatePolicies({
    principalArn: subject.arn,
    action,
    resourceArn: keyArn,
    resourceAccount: keyAccount,
    context,
    identityPolicies: scope.identityPolicies ?? [],
    ...(scope.keyPolicy ? { resourcePolicy: scope.keyPolicy } : {}),
    ...(scope.boundary ? { permissionsBoundary: scope.boundary } : {}),
    ...(options.sessionPolicy ? { sessionPolicy: options.sessionPolicy } : {}),
    ...(options.serviceControlPolicies ? { serviceControlPolicies: options.serviceControlPolicies } : {}),
    // RCPs do not apply to AWS managed keys (KMS developer guide, "Resource control policies").
    ...(options.resourceControlPolicies && scope.key?.manager !== 'AWS' ? { resourceControlPolicies: options.resourceControlPolicies } : {}),
  });
  return { action, context, outcome };
}

export function policyVerdict(scope: Scope, evaluation: ActionEvaluation): PolicyVerdict {
  const { outcome } = evaluation;
  const explicit = outcome.denials.filter((d) => d.explicit);
  if (explicit.length > 0) return { decision: 'denied', denials: explicit, grantMayAllow: false };
  if (outcome.decision === 'Allowed') return { decision: 'allowed' };
  // Without the IAM policies, their layer (and the boundary) was evaluated empty: its refusal proves nothing.
  const identityKnown = scope.identityPolicies !== undefined;
  const implicit = outcome.denials.filter((d) => identityKnown || (d.layer !== 'identity-policy' && d.layer !== 'permissions-boundary'));
  const organizational = implicit.some((d) => d.layer === 'scp' || d.layer === 'rcp');
  if (implicit.length === 0) return { decision: 'unknown', grantMayAllow: true };
  return { decision: 'denied', denials: implicit, grantMayAllow: !organizational };
}

// ---------------------------------------------------------------------------------------------------
// Grants.

/** The grant that lets the subject perform the action with the request's encryption context, if any. */
function allowingGrant(scope: Scope, subject: Subject, action: string, grants: readonly GrantFacts[]): GrantFacts | undefined {
  return grants.find((grant) => grantLetsSubject(scope, subject, action, grant));
}

/** True when this grant lets the subject perform the action with the request's encryption context. */
export function grantLetsSubject(scope: Scope, subject: Subject, action: string, grant: GrantFacts): boolean {
  const operation = grantOperationFor(action);
  if (operation === undefined) return false;
  const use = { operation, principalArns: [subject.entityArn, subject.arn], encryptionContext: scope.facts.request.encryptionContext ?? {} };
  return grantAllows(
    {
      operations: grant.operations,
      granteePrincipal: grant.granteePrincipal,
      ...(grant.constraints?.encryptionContextEquals ? { encryptionContextEquals: grant.constraints.encryptionContextEquals } : {}),
      ...(grant.constraints?.encryptionContextSubset ? { encryptionContextSubset: grant.constraints.encryptionContextSubset } : {}),
    },
    use,
  );
}

// ---------------------------------------------------------------------------------------------------
// What could not be checked.

/** What to do about a read AWS throttled (ThrottlingException, TooManyRequestsException…, after the SDK's retries). */
const throttlingAdvice =
  'AWS throttled this read (too many requests to the service in this account and Region); it says nothing about permissions: run again in a minute, lower the request rate or concurrency of other clients using this account, or raise AWS_MAX_ATTEMPTS for more retries';

const isThrottled = (observation: Observation<unknown>): boolean => observation.status === 'unreadable' && observation.reason === 'throttled';

function unverifiedFacts(scope: Scope): Unverified[] {
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
      what: `The IAM identity of ${facts.request.principalArn ?? subject?.arn ?? 'the principal'} (its path and permissions boundary)`,
      why: why(facts.principal),
      howToVerify: adviceFor(facts.principal, iamProfile),
    });
  }
  const keyNotFound = facts.key.status === 'unreadable' && facts.key.reason === 'not-found';
  if (facts.key.status !== 'known' && !keyNotFound) {
    entries.push({
      what: `The key ${facts.request.keyInput}: which key it is, its state, owner and type`,
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

// ---------------------------------------------------------------------------------------------------
// IAM's simulator as a second opinion on the identity side.

function localIdentitySide(evaluation: ActionEvaluation): 'allowed' | 'explicitDeny' | 'implicitDeny' | undefined {
  const identity = evaluation.outcome.layers['identity-policy'];
  if (!identity) return undefined;
  const boundary = evaluation.outcome.layers['permissions-boundary'];
  if (identity.decision === 'ExplicitlyDenied' || boundary?.decision === 'ExplicitlyDenied') return 'explicitDeny';
  if (identity.decision === 'Allowed' && (boundary === undefined || boundary.decision === 'Allowed')) return 'allowed';
  return 'implicitDeny';
}

const decisionWords = { allowed: 'allowed', explicitDeny: 'explicitly denied', implicitDeny: 'not allowed (implicitly denied)' } as const;

function simulatorNotes(scope: Scope, evaluations: ReadonlyMap<string, ActionEvaluation>): string[] {
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
    notes.push(
      `IAM's policy simulator says ${name}'s IAM policies leave ${action} ${decisionWords[result.decision]}, but kms-doctor's evaluation of the same policies says ${decisionWords[local]}${missing}. ` +
        'The simulator knows nothing of key policies, grants or KMS context keys; the verdict above comes from kms-doctor\'s evaluation.',
    );
  }
  return notes;
}

// ---------------------------------------------------------------------------------------------------
// The diagnosis.

/**
 * Decides, for every KMS action the operation needs, whether AWS would allow it, and names the causes
 * of every refusal (most decisive first). Never throws for missing facts: they become `unverified`.
 */
export async function diagnose(facts: DiagnosisFacts, options: DiagnoseOptions = {}): Promise<Diagnosis> {
  const scope = scopeOf(facts, options);
  const { subject, actions } = scope;
  const unverified = unverifiedFacts(scope);
  const notes: string[] = [];
  const direct: Cause[] = [];
  const decisions = new Map<string, ActionResult>();
  const decide = (result: ActionResult) => decisions.set(result.action, result);

  const notFound = keyNotFoundCause(scope);
  if (notFound) direct.push(notFound);
  const managed = awsManagedCrossAccountCause(scope);
  if (managed) direct.push(managed);
  const state = keyStateCause(scope);
  if (state) direct.push(state);
  const refusedByKey = new Set(direct.flatMap((c) => c.actions));

  const drafts = new CauseDrafts();
  const evaluations = new Map<string, ActionEvaluation>();
  const canEvaluate =
    subject !== undefined &&
    scope.keyArn !== undefined &&
    scope.keyAccount !== undefined &&
    (scope.keyPolicy !== undefined || scope.identityPolicies !== undefined) &&
    !(notFound && scope.key === undefined);
  const grants = known(facts.grants);
  let grantsMatter = false;

  for (const action of actions) {
    if (!canEvaluate) {
      decide({ action, decision: 'unknown' });
      continue;
    }
    let evaluation: ActionEvaluation;
    try {
      evaluation = await evaluateAction(scope, subject, scope.keyArn!, scope.keyAccount!, action);
    } catch (error) {
      if (!(error instanceof InvalidPolicyError)) throw error;
      unverified.push({
        what: `Policy ${error.policyName}`,
        why: `it is not a valid policy document, so it could not be evaluated: ${error.problems.join('; ')}`,
        howToVerify: 'check the document with IAM Access Analyzer (aws accessanalyzer validate-policy) and fix it',
      });
      decide({ action, decision: 'unknown' });
      continue;
    }
    evaluations.set(action, evaluation);
    const verdict = policyVerdict(scope, evaluation);
    if (verdict.decision === 'allowed') {
      decide({ action, decision: 'allowed', allowedBy: 'policies' });
      continue;
    }
    if (verdict.grantMayAllow) {
      const grant = grants ? allowingGrant(scope, subject, action, grants) : undefined;
      if (grant) {
        decide({ action, decision: 'allowed', allowedBy: 'grant' });
        notes.push(`${action} is allowed by grant ${grant.grantId}${grant.name !== undefined ? ` (${grant.name})` : ''}, not by the policies.`);
        continue;
      }
      if (!grants) grantsMatter = true;
    }
    if (verdict.decision === 'unknown') {
      decide({ action, decision: 'unknown' });
      continue;
    }
    decide({ action, decision: 'denied' });
    for (const denial of verdict.denials) {
      if (denial.explicit) {
        const layer = causeLayerOf[denial.layer];
        if (layer) drafts.add('explicit-deny', layer, evaluation, denial, denial.layer === 'key-policy' ? 'default' : denial.policyName);
        continue;
      }
      const cause = implicitCause(scope, denial.layer, action);
      if (cause) drafts.add(cause.code, cause.layer, evaluation, denial);
      else notes.push(`${action} is refused by ${denial.layer === 'scp' ? 'a service control policy' : denial.layer === 'rcp' ? 'a resource control policy' : 'a VPC endpoint policy'}: no statement at some level allows it. Only the organization's administrators can change that.`);
    }
  }

  for (const action of refusedByKey) decide({ action, decision: 'denied' });
  if (grantsMatter) {
    notes.push('A grant could still allow what the policies refuse, but the grants on the key could not be read.');
  }
  notes.push(...simulatorNotes(scope, evaluations));

  // An AWS managed key's policy cannot be changed and does not matter across accounts: the key is refused anyway.
  const policyDrafts = drafts.all().filter((d) => !(managed && d.layer === 'key-policy' && d.code !== 'explicit-deny'));
  const causes = [...direct, ...(subject ? policyDrafts.map((d) => causeFromDraft(scope, subject, d)) : [])].sort(
    (a, b) => causeOrder.indexOf(a.code) - causeOrder.indexOf(b.code),
  );
  const actionResults = actions.map((action) => decisions.get(action) ?? { action, decision: 'unknown' as const });
  const verdict =
    causes.length > 0 || actionResults.some((r) => r.decision === 'denied')
      ? 'denied'
      : actionResults.some((r) => r.decision === 'unknown')
        ? 'unknown'
        : 'allowed';
  if (verdict === 'allowed') {
    notes.push(
      'Everything kms-doctor could read allows this call. If it still fails, look at what it does not read: service control policies, resource control policies, VPC endpoint policies, or a change made in the last few minutes (grants and policy changes take a moment to apply).',
    );
  }
  return {
    verdict,
    ...(subject ? { principal: subject.arn } : {}),
    key: scope.key?.arn ?? facts.request.keyInput,
    operation: facts.request.operation.name,
    requiredActions: actions,
    actionResults,
    causes,
    unverified,
    notes,
  };
}
