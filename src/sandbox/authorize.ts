// Authorizes a request with every policy layer that applies, and words a refusal exactly as AWS does
// (IAM user guide, "Troubleshoot access denied error messages"), so the sandbox's errors are the same
// text the diagnosis engine and the error-message parser meet in real accounts.
import { evaluatePolicies, type Denial, type EvaluationOutcome, type NamedPolicy } from '../engine/policy-evaluation.js';
import { cachedDecision, documentKey, mentionsTime, stateMentionsTime } from './authorization-cache.js';
import type { Caller } from './caller.js';
import { findPrincipal, organizationRootId, policiesOfCaller, resourceControlPoliciesFor } from './principal-policies.js';
import type { SandboxState } from './state.js';

export interface AuthorizationRequest {
  readonly action: string;
  readonly resourceArn: string;
  readonly resourceAccount: string;
  readonly resourcePolicy?: NamedPolicy;
  /** The policy of the VPC endpoint the request went through, if it went through one. */
  readonly vpcEndpointPolicy?: NamedPolicy;
  /** Request-specific context keys; the principal's own keys are added here. */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/** The context keys AWS sets for every request of a principal. */
export function principalContext(caller: Caller, state?: SandboxState): Record<string, string | readonly string[]> {
  // To the second, as AWS gives it (and so that one second's requests share their cached decisions).
  const now = Math.floor(Date.now() / 1000);
  const organization = state?.organization;
  const inOrganization = organization !== undefined && state?.accounts[caller.accountId] !== undefined;
  const tags = state ? (findPrincipal(state, caller.principalArn)?.principal.tags ?? {}) : {};
  return {
    'aws:PrincipalIsAWSService': 'false',
    ...(inOrganization
      ? { 'aws:PrincipalOrgID': organization.id, 'aws:PrincipalOrgPaths': [`${organization.id}/${organizationRootId(organization)}/`] }
      : {}),
    ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:PrincipalTag/${key}`, value])),
    'aws:PrincipalArn': caller.principalArn,
    'aws:PrincipalAccount': caller.accountId,
    'aws:userid': caller.userId,
    'aws:PrincipalType': caller.kind === 'user' ? 'User' : 'AssumedRole',
    'aws:SecureTransport': 'true',
    'aws:CurrentTime': new Date(now * 1000).toISOString(),
    'aws:EpochTime': String(now),
    ...(caller.kind === 'user' ? { 'aws:username': caller.name } : {}),
  };
}

/**
 * Everything a decision depends on besides the state, as one string, the context's keys sorted. The
 * time keys are left out when no policy that could apply names them (authorization-cache.ts).
 */
function requestKey(state: SandboxState, caller: Caller, request: AuthorizationRequest, context: Readonly<Record<string, string | readonly string[]>>): string {
  const { resourcePolicy } = request;
  const policyKey = resourcePolicy ? documentKey(resourcePolicy.document) : null;
  // A resource policy that is not the state's own (a proposed key policy) is a string here: searched as well.
  const timeMatters = stateMentionsTime(state) || mentionsTime(caller.sessionPolicy) || (typeof policyKey === 'string' && mentionsTime(policyKey));
  return JSON.stringify([
    caller.arn,
    caller.principalArn,
    caller.accountId,
    caller.sessionPolicy ?? null,
    request.action,
    request.resourceArn,
    request.resourceAccount,
    resourcePolicy ? [resourcePolicy.name, policyKey] : null,
    request.vpcEndpointPolicy ? [request.vpcEndpointPolicy.name, JSON.stringify(request.vpcEndpointPolicy.document)] : null,
    Object.keys(context)
      .filter((key) => timeMatters || !timeContextKeys.has(key))
      .sort()
      .map((key) => [key, context[key]]),
  ]);
}

const timeContextKeys: ReadonlySet<string> = new Set(['aws:CurrentTime', 'aws:EpochTime']);

export function authorize(state: SandboxState, caller: Caller, request: AuthorizationRequest): Promise<EvaluationOutcome> {
  // principalContext makes a new object: the request's keys are added to it (as a spread would, later
  // keys winning) instead of copying both into a third.
  const context = Object.assign(principalContext(caller, state), request.context);
  return cachedDecision(state, requestKey(state, caller, request, context), () => evaluate(state, caller, request, context));
}

async function evaluate(state: SandboxState, caller: Caller, request: AuthorizationRequest, context: Record<string, string | readonly string[]>): Promise<EvaluationOutcome> {
  const policies = policiesOfCaller(state, caller);
  const rcps = resourceControlPoliciesFor(state, request.resourceAccount);
  return evaluatePolicies({
    principalArn: caller.arn,
    action: request.action,
    resourceArn: request.resourceArn,
    resourceAccount: request.resourceAccount,
    context,
    identityPolicies: policies.identityPolicies,
    ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
    ...(request.vpcEndpointPolicy ? { vpcEndpointPolicy: request.vpcEndpointPolicy } : {}),
    ...(policies.permissionsBoundary ? { permissionsBoundary: policies.permissionsBoundary } : {}),
    ...(policies.sessionPolicy ? { sessionPolicy: policies.sessionPolicy } : {}),
    ...(policies.serviceControlPolicies ? { serviceControlPolicies: policies.serviceControlPolicies } : {}),
    ...(rcps ? { resourceControlPolicies: rcps } : {}),
  });
}

const explicitWording: Record<Denial['layer'], string> = {
  'identity-policy': 'an identity-based policy',
  'key-policy': 'a resource-based policy',
  'permissions-boundary': 'a permissions boundary',
  'session-policy': 'a sessions policy',
  scp: 'a service control policy',
  rcp: 'a resource control policy',
  'vpc-endpoint-policy': 'a VPC endpoint policy',
};

const implicitWording: Record<Denial['layer'], string> = {
  'identity-policy': 'identity-based policy',
  'key-policy': 'resource-based policy',
  'permissions-boundary': 'permissions boundary',
  'session-policy': 'session policy',
  scp: 'service control policy',
  rcp: 'resource control policy',
  'vpc-endpoint-policy': 'VPC endpoint policy',
};

/** Which denial AWS names when several layers refuse: AWS reports one, explicit denies first. */
const reportingOrder: readonly Denial['layer'][] = [
  'scp',
  'rcp',
  'vpc-endpoint-policy',
  'key-policy',
  'identity-policy',
  'permissions-boundary',
  'session-policy',
];

export function reportedDenial(outcome: EvaluationOutcome): Denial | undefined {
  const rank = (d: Denial) => (d.explicit ? 0 : 100) + reportingOrder.indexOf(d.layer);
  return [...outcome.denials].sort((a, b) => rank(a) - rank(b))[0];
}

export interface DenialWording {
  readonly caller: Caller;
  readonly action: string;
  readonly resourceArn: string;
  readonly outcome: EvaluationOutcome;
  /** Cross-account refusals by the resource's own policies get AWS's deliberately vague wording. */
  readonly resourceAccount: string;
  /** For Decrypt without KeyId, AWS speaks of "the resource associated with this ciphertext". */
  readonly resourceDescription?: 'ciphertext';
}

export function accessDeniedMessage(wording: DenialWording): string {
  const { caller, action } = wording;
  const denial = reportedDenial(wording.outcome);
  const subject = `User: ${caller.arn} is not authorized to perform: ${action}`;
  const resourceSide = denial?.layer === 'key-policy' || denial?.layer === 'rcp';
  if (wording.resourceAccount !== caller.accountId && (resourceSide || denial === undefined)) {
    const on = wording.resourceDescription === 'ciphertext' ? 'on the resource associated with this ciphertext' : 'on this resource';
    return `${subject} ${on} because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access`;
  }
  const on = wording.resourceDescription === 'ciphertext' ? 'on the resource associated with this ciphertext' : `on resource: ${wording.resourceArn}`;
  if (!denial) return `${subject} ${on}`;
  if (denial.explicit) {
    // Newer AWS messages append the denying policy's ARN for managed policies and SCPs.
    const policyArn = denial.policyName?.startsWith('arn:') ? `: ${denial.policyName}` : '';
    return `${subject} ${on} with an explicit deny in ${explicitWording[denial.layer]}${policyArn}`;
  }
  return `${subject} ${on} because no ${implicitWording[denial.layer]} allows the ${action} action`;
}
