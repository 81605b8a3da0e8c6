// The layers kms-doctor could not read, and what AWS's own error says about them. A verdict is
// "allowed" only when every layer that applies was read and allows; a layer that applies but was not
// read (SCPs without --org-profile…), or an error that blames a layer the evaluation found allowing,
// makes it "unknown", naming the layer, why it matters, who can read it and how. A layer that cannot
// be read at all (a session policy, a VPC endpoint policy) is inferred from the error AWS returned.
import type { Cause, CauseCode, CauseLayer, Unverified } from './cause.js';
import { known, who, type Scope } from './diagnosis-scope.js';
import type { BlamedPolicyType, ParsedError } from './error-messages/parsed-error.js';
import { parseKmsError } from './error-message-parser.js';

/** The cause layer each policy type of AWS's messages stands for. */
export const layerOfBlamedType: Readonly<Record<BlamedPolicyType, CauseLayer | undefined>> = {
  'identity-based': 'identity-policy',
  'resource-based': 'key-policy',
  session: 'session-policy',
  'permissions-boundary': 'permissions-boundary',
  'vpc-endpoint': 'vpc-endpoint-policy',
  'service-control': 'scp',
  'resource-control': 'rcp',
  'role-trust': undefined,
};

const layerWords: Partial<Record<CauseLayer, string>> = {
  scp: 'a service control policy (SCP)',
  rcp: 'a resource control policy (RCP)',
  'session-policy': 'the session policy of the role session',
  'vpc-endpoint-policy': 'the VPC endpoint policy of the KMS endpoint the call went through',
  'identity-policy': 'an IAM policy',
  'key-policy': 'the key policy',
  'permissions-boundary': 'the permissions boundary',
};

/** The organization layers that apply to this request but were not read, with the entries that say so. */
export function unreadOrganizationLayers(scope: Scope): { readonly layers: readonly ('scp' | 'rcp')[]; readonly unverified: readonly Unverified[] } {
  const read = scope.facts.organization;
  const subject = scope.subject;
  if (read === undefined || scope.outsideOrganization) return { layers: [], unverified: [] };
  const account = subject?.accountId ?? 'of the principal';
  const keyAccount = scope.keyAccount ?? 'of the key';
  const layers: ('scp' | 'rcp')[] = [];
  const unverified: Unverified[] = [];
  const command = (target: string, filter: string) => `aws organizations list-policies-for-target --target-id ${target} --filter ${filter} --profile ORG_PROFILE (then aws organizations describe-policy --policy-id P-ID)`;
  if (read.status !== 'known') {
    const why = read.status === 'unreadable' ? `${read.call} failed (${read.reason}): ${read.message}` : read.why;
    if (scope.options.serviceControlPolicies === undefined) layers.push('scp');
    if (scope.options.resourceControlPolicies === undefined && scope.key?.manager !== 'AWS') layers.push('rcp');
    if (layers.length > 0) {
      unverified.push({
        what: `Whether account ${account} is in an AWS organization, and its service and resource control policies`,
        why: `${why}; SCPs and RCPs can refuse a call that every other policy allows`,
        howToVerify: `give the caller organizations:DescribeOrganization, and run again with --org-profile PROFILE (credentials of the organization's management account or a delegated administrator); by hand: aws organizations describe-organization, then ${command(account, 'SERVICE_CONTROL_POLICY')}`,
      });
    }
    return { layers, unverified };
  }
  const organization = read.value;
  if (!organization.inOrganization) return { layers: [], unverified: [] };
  const readers = `only the management account (${organization.managementAccountId}) or a delegated administrator for AWS Organizations can read them`;
  const scps = organization.serviceControlPolicies;
  if (scope.options.serviceControlPolicies === undefined && subject !== undefined && subject.accountId !== organization.managementAccountId && scps.status !== 'known') {
    layers.push('scp');
    unverified.push({
      what: `The service control policies (SCPs) that apply to account ${account}`,
      why: `account ${account} is in organization ${organization.id}, whose SCPs can refuse any call of ${who(scope)} whatever its IAM and key policies allow; they were not read (${scps.status === 'unreadable' ? `${scps.call}: ${scps.message}` : scps.why})`,
      howToVerify: `${readers}: run again with --org-profile PROFILE, or ${command(account, 'SERVICE_CONTROL_POLICY')} for the account and each parent up to the root`,
    });
  }
  const rcps = organization.resourceControlPolicies;
  if (scope.options.resourceControlPolicies === undefined && scope.key?.manager !== 'AWS' && rcps.status !== 'known') {
    layers.push('rcp');
    unverified.push({
      what: `The resource control policies (RCPs) that apply to the key's account ${keyAccount}`,
      why: `RCPs of the organization can refuse any use of the key whatever its key policy allows; they were not read (${rcps.status === 'unreadable' ? `${rcps.call}: ${rcps.message}` : rcps.why})`,
      howToVerify: `${readers}: run again with --org-profile PROFILE, or ${command(keyAccount, 'RESOURCE_CONTROL_POLICY')} for the account and each parent up to the root`,
    });
  }
  return { layers, unverified };
}

/**
 * The VPC endpoint the call goes through, when the user said so (--context aws:SourceVpce=vpce-…) and its
 * policy was not given: a layer that applies and that kms-doctor cannot read (it does not call EC2), so
 * an evaluation that allows is not a verdict.
 */
export function unreadEndpointLayer(scope: Scope): Unverified | undefined {
  if (scope.options.vpcEndpointPolicy !== undefined) return undefined;
  const given = Object.entries(scope.facts.request.givenContext ?? {}).find(([name]) => name.toLowerCase() === 'aws:sourcevpce')?.[1];
  const endpoint = given === undefined ? undefined : String(given);
  if (endpoint === undefined || endpoint === '') return undefined;
  const region = scope.facts.request.region;
  return {
    what: `The policy of the VPC endpoint ${endpoint}`,
    why: `the call goes through ${endpoint} (--context aws:SourceVpce), and AWS evaluates that endpoint's policy beside the key policy and IAM: it can refuse what they allow. kms-doctor does not call EC2, so it could not read it`,
    howToVerify: `the VPC's owner reads it with aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${endpoint} --region ${region} --query 'VpcEndpoints[0].PolicyDocument' --output text; if the call still fails, run again with --error and AWS's message, which names the layer that refused`,
  };
}

/** Layers kms-doctor never reads: AWS keeps no copy of a session policy, and VPC endpoints are not read. */
const neverRead: readonly CauseLayer[] = ['session-policy', 'vpc-endpoint-policy'];

const implicitCode: Partial<Record<CauseLayer, CauseCode>> = {
  scp: 'scp',
  rcp: 'rcp',
  'session-policy': 'session-policy',
  'vpc-endpoint-policy': 'vpc-endpoint-policy',
};

const whoCanRead: Partial<Record<CauseLayer, string>> = {
  scp: "the organization's management account or a delegated administrator (run again with --org-profile PROFILE)",
  rcp: "the organization's management account or a delegated administrator (run again with --org-profile PROFILE)",
  'session-policy': 'whoever creates the session: the Policy or PolicyArns of the AssumeRole (or GetFederationToken) call, or the IAM Identity Center permission set; AWS returns it to nobody',
  'vpc-endpoint-policy': "the VPC's owner, with EC2 permissions (kms-doctor does not call EC2): aws ec2 describe-vpc-endpoints shows the endpoint's PolicyDocument",
};

/** AWS's own words for the layer its error blamed (IAM user guide, "Troubleshoot access denied error messages"). */
const awsPolicyWords: Readonly<Record<BlamedPolicyType, string>> = {
  'identity-based': 'identity-based policy',
  'resource-based': 'resource-based policy',
  session: 'session policy',
  'permissions-boundary': 'permissions boundary',
  'vpc-endpoint': 'VPC endpoint policy',
  'service-control': 'service control policy',
  'resource-control': 'resource control policy',
  'role-trust': 'role trust policy',
};

function blamedWords(type: BlamedPolicyType, explicit: boolean, action: string | undefined): string {
  return explicit ? `with an explicit deny in a ${awsPolicyWords[type]}` : `because no ${awsPolicyWords[type]} allows the ${action ?? 'requested'} action`;
}

export interface ReportedErrorFindings {
  /** Causes read from AWS's error for layers kms-doctor could not evaluate. */
  readonly inferred: readonly Cause[];
  readonly unverified: readonly Unverified[];
  readonly notes: readonly string[];
  /** AWS blamed a layer the evaluation found allowing, and nothing else refuses: the verdict cannot be trusted. */
  readonly disagrees: boolean;
}

/**
 * What the error AWS returned says, set against the evaluation: a refusal by a layer kms-doctor could
 * not read becomes an inferred cause (with the error as evidence); a refusal by a layer it read and
 * found allowing is itself evidence that some fact differs (a change in the last minutes, a condition
 * value), and the verdict is then unknown.
 */
export function reportedErrorFindings(
  scope: Scope,
  causes: readonly Cause[],
  unreadLayers: readonly CauseLayer[],
  allowed: boolean,
  reported: ParsedError | undefined = scope.facts.request.reportedError,
  source = 'the error message (--error)',
  speaker = "AWS's error",
): ReportedErrorFindings {
  const none = { inferred: [], unverified: [], notes: [], disagrees: false };
  if (reported === undefined || reported.kind !== 'access-denied' || reported.policyType === undefined) return none;
  const layer = layerOfBlamedType[reported.policyType];
  if (layer === undefined) return none;
  if (causes.some((c) => c.layer === layer)) return none;
  const explicit = reported.denial === 'explicit';
  const words = layerWords[layer] ?? layer;
  const sentence = `${speaker} says the call was refused by ${explicit ? 'an explicit Deny in ' : 'the absence of an Allow in '}${words}${reported.denyingPolicyArn !== undefined ? ` (${reported.denyingPolicyArn})` : ''}`;
  const actions = reported.action !== undefined ? [reported.action] : [...scope.actions];
  if (neverRead.includes(layer) || unreadLayers.includes(layer) || ((layer === 'scp' || layer === 'rcp') && scope.facts.organization === undefined)) {
    const code: CauseCode = explicit ? 'explicit-deny' : implicitCode[layer] ?? 'explicit-deny';
    const cause: Cause = {
      code,
      layer,
      summary: `${sentence}. kms-doctor cannot read that layer from here, so this comes from AWS's own words. Who can read and change it: ${whoCanRead[layer] ?? 'its owner'}.`,
      actions,
      evidence: [
        { what: "AWS's error message", value: blamedWords(reported.policyType, explicit, actions[0]), source },
        ...(reported.cloudTrail?.vpcEndpointId !== undefined ? [{ what: 'VPC endpoint the call went through', value: reported.cloudTrail.vpcEndpointId, source: 'CloudTrail (vpcEndpointId)' }] : []),
        { what: 'Denial', value: reported.denial ?? 'not said', source },
        ...(reported.denyingPolicyArn !== undefined ? [{ what: 'Policy named by AWS', value: reported.denyingPolicyArn, source }] : []),
        ...(reported.principal !== undefined ? [{ what: 'Principal refused', value: reported.principal, source }] : []),
      ],
      ...(explicit ? { deniedBy: { layer, ...(reported.denyingPolicyArn !== undefined ? { policyName: reported.denyingPolicyArn } : {}) } } : {}),
    };
    return {
      inferred: [cause],
      unverified: [{ what: `${words[0]!.toUpperCase()}${words.slice(1)}`, why: `${sentence}, and kms-doctor could not read it`, howToVerify: `it can be read by ${whoCanRead[layer] ?? 'its owner'}` }],
      notes: [],
      disagrees: false,
    };
  }
  if (!allowed) {
    return { ...none, notes: [`${sentence}, but kms-doctor's evaluation of that layer allows the call; the causes above refuse it anyway, and AWS names only one layer.`] };
  }
  return {
    inferred: [],
    unverified: [
      {
        what: `${words[0]!.toUpperCase()}${words.slice(1)}`,
        why: `${sentence}, but every layer kms-doctor read, ${words} included, allows the call: a policy may have changed in the last minutes, the real request may carry other condition values (encryption context, source network, tags), or it was made by another principal (${known(scope.facts.caller)?.arn ?? 'unknown caller'} read the facts)`,
        howToVerify: 'compare the principal, key and encryption context in the error with the ones given here, and run the check again in a few minutes',
      },
    ],
    notes: [`Reported denied but evaluates allowed: this disagreement is itself evidence that the facts read differ from those of the refused call.`],
    disagrees: true,
  };
}

export interface SessionPolicyFindings {
  /** Causes KMS's dry run as the session gave: AWS refuses the call now, so they are certain. */
  readonly inferred: readonly Cause[];
  readonly unverified: readonly Unverified[];
  readonly notes: readonly string[];
  /** The dry run refused, blaming a layer the evaluation found allowing. */
  readonly disagrees: boolean;
  /** The session policy applies and nothing settled it: an evaluation that allows is no verdict. */
  readonly unread: boolean;
  /** KMS's dry run of every action as the session would succeed: AWS's own authorization allows the call now. */
  readonly confirmed: boolean;
  /** KMS refused the dry run now, blaming this layer, for these actions: a cause of that layer is then certain. */
  readonly refusedBy?: { readonly layer: CauseLayer; readonly actions: readonly string[] };
}

/**
 * Where to look for the AssumeRole call that created the session: the event names who created it (its
 * userIdentity), the one who knows which session policy was passed. Whether the event also records the
 * policy itself is not documented by AWS, so kms-doctor does not promise it.
 */
function assumeRoleLookup(sessionName: string, region: string): string {
  return `aws cloudtrail lookup-events --region ${region} --lookup-attributes AttributeKey=EventName,AttributeValue=AssumeRole --query "Events[?contains(CloudTrailEvent, '${sessionName.replace(/[^\w+=,.@-]/g, '')}')].CloudTrailEvent" --output text`;
}

/**
 * The session policy of a role session: AWS returns it to nobody, so an evaluation that allows is a
 * verdict only when KMS itself, asked by a dry run as the session (src/aws/session-dry-run.ts), says the
 * call would succeed. A dry run that is refused is AWS's own answer, read like an error given with
 * --error (the layer its message blames); a session that is not the caller cannot be dry-run, and its
 * verdict is then unknown, naming the layer, who can read it and how to settle it. Facts built by hand
 * without the dry run (sessionDryRun absent) leave the layer out, as the caller's responsibility.
 */
export function sessionPolicyFindings(scope: Scope, causes: readonly Cause[], unreadLayers: readonly CauseLayer[], allowed: boolean, reported: ReportedErrorFindings): SessionPolicyFindings {
  const none: SessionPolicyFindings = { inferred: [], unverified: [], notes: [], disagrees: false, unread: false, confirmed: false };
  const subject = scope.subject;
  const dryRun = scope.facts.sessionDryRun;
  if (subject?.sessionName === undefined || scope.options.sessionPolicy !== undefined || dryRun === undefined) return none;
  const answers = dryRun.status === 'known' ? dryRun.value : [];
  const refusals = answers.filter((a): a is Extract<typeof a, { outcome: 'denied' }> => a.outcome === 'denied');
  const refused = refusals[0];
  const parsed = refused === undefined ? undefined : parseKmsError(refused.message);
  const blamed = parsed?.kind === 'access-denied' && parsed.policyType !== undefined ? layerOfBlamedType[parsed.policyType] : undefined;
  const refusedBy = blamed === undefined ? {} : { refusedBy: { layer: blamed, actions: refusals.map((a) => a.action) } };
  // AWS's error (--error) already spoke about the session policy; the dry run only says whether it still refuses.
  if ([...causes, ...reported.inferred].some((c) => c.layer === 'session-policy')) return { ...none, ...refusedBy };
  if (refused !== undefined) {
    const source = `KMS's dry run of ${refused.action} as ${subject.arn}`;
    if (parsed?.kind === 'access-denied' && parsed.policyType !== undefined) {
      const found = reportedErrorFindings(scope, causes, unreadLayers, allowed, parsed, source, `KMS's answer to a dry run of ${refused.action} as this session`);
      const refusedNote = `KMS refused a dry run of ${refused.action} as this session: AWS's own authorization, every layer included, refuses the call now.`;
      return { ...none, ...refusedBy, inferred: found.inferred, unverified: found.unverified, notes: [refusedNote, ...found.notes], disagrees: found.disagrees };
    }
    if (!allowed) return none;
    return {
      ...none,
      disagrees: true,
      unverified: [{ what: `Which layer refuses ${refused.action}`, why: `${source} was refused (${refused.message}), but the message names no layer and every layer kms-doctor read allows the call`, howToVerify: 'look up the refused call in CloudTrail (its errorMessage), or give the error of the real call with --error' }],
      notes: ['Reported denied but evaluates allowed: KMS refused the dry run as this session, so the facts read differ from those AWS used.'],
    };
  }
  if (answers.length > 0 && answers.every((a) => a.outcome === 'would-succeed')) {
    return { ...none, confirmed: true, notes: [`KMS's dry run as ${subject.arn} would succeed: AWS's own authorization, every layer and the session policy included, allows this call from here.`] };
  }
  if (!allowed) return none;
  const unsettled = answers.find((a): a is Extract<typeof a, { outcome: 'not-possible' }> => a.outcome === 'not-possible');
  const why =
    dryRun.status === 'skipped'
      ? dryRun.why
      : dryRun.status === 'unreadable'
        ? `the dry run failed (${dryRun.call}: ${dryRun.message})`
        : `the dry run could not answer (${unsettled?.why ?? 'no action was dry-run'})`;
  const region = scope.facts.request.region;
  return {
    ...none,
    unread: true,
    unverified: [
      {
        what: `The session policy of ${subject.arn}`,
        why: `a role session can carry a session policy (the Policy or PolicyArns of AssumeRole, an IAM Identity Center permission set) that refuses what the role's own policies allow, and AWS returns it to nobody; kms-doctor could not ask KMS instead: ${why}`,
        howToVerify: `run kms-doctor check with the session's own credentials (no --principal): it then asks KMS with a dry run of the call; or give the refused call's error with --error, which names the layer AWS blamed. Who can read it: ${whoCanRead['session-policy']}. CloudTrail's AssumeRole event names who created the session (its userIdentity), who knows which policy was passed: ${assumeRoleLookup(subject.sessionName, region)}`,
      },
    ],
    notes: [`Every layer kms-doctor read allows this call, but the session policy of ${subject.arn} could not be read or confirmed: see "Could not verify".`],
  };
}
