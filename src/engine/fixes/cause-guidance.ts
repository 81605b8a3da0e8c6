// Exact guidance for the causes no policy write repairs (issue 8): organization policies, VPC endpoint
// policies, grants, AWS managed keys, cross-account operations, the Region, the key's usage and state,
// the ciphertext, condition values. Where the answer is a different request (the right encryption
// context, a call through the service), it is a RequestChange, proved like any other fix; never an IAM
// allow that would bypass a grant's constraint, nor a policy change AWS refuses.
import type { Cause } from '../cause.js';
import type { Fix, FixTarget } from '../fix.js';
import { accountNamedBy, accountOfArn, aliasNamedBy, parseArn, regionNamedBy } from '../identifiers.js';
import { blockedFix } from './blocked-fixes.js';
import { pretty } from './policy-documents.js';
import { requestChangeWords } from './deny-guards.js';
import { recreatedPrincipalFix } from './recreated-principal-fix.js';
import { actionsToAllow, keyPolicyTarget, keyStateTarget, type Workspace } from './workspace.js';

const keyName = (workspace: Workspace) => workspace.key?.arn ?? workspace.facts.request.key.text;
const whoName = (workspace: Workspace) => workspace.principal?.entityArn ?? workspace.facts.request.principal?.arn ?? 'the principal';
/** Every string in the cause's evidence and statement location, for identifiers AWS put there. */
const evidenceText = (cause: Cause) => JSON.stringify([cause.evidence, cause.deniedBy ?? null]);

/** A fix that changes nothing kms-doctor can write: the explanation is the whole answer. */
function guidance(cause: Cause, target: FixTarget, title: string, explanation: string, extra: Partial<Fix> = {}): Fix {
  return { cause: cause.code, title, explanation, target, commands: [], files: [], steps: [], ...extra };
}

export function transientStateFix(workspace: Workspace, cause: Cause): Fix {
  const state = workspace.facts.key.status === 'known' ? workspace.facts.key.value.state : 'Creating';
  return guidance(
    cause,
    keyStateTarget(workspace),
    `Wait until key ${workspace.key?.shortId ?? workspace.facts.request.key.text} is Enabled, then retry`,
    `Key ${keyName(workspace)} is ${state} (a multi-Region key being ${state === 'Creating' ? 'created' : 'updated'}): KMS refuses to use it until that finishes, usually within seconds. Nothing needs changing: retry with backoff, and watch it with \`aws kms describe-key --key-id ${keyName(workspace)} --query KeyMetadata.KeyState\`.`,
  );
}

/** The encryption context a grant's constraint requires, from the grants that name the principal for the operation. */
function grantConstraintContext(workspace: Workspace, actions: readonly string[]): { grantId: string; context: Record<string, string> } | undefined {
  if (workspace.facts.grants.status !== 'known') return undefined;
  const names = [workspace.principal?.entityArn, workspace.principal?.arn, workspace.facts.request.principal?.arn].filter((n): n is string => n !== undefined);
  const operations = actions.map((a) => a.replace(/^kms:/, '').toLowerCase());
  for (const grant of workspace.facts.grants.value) {
    if (!names.includes(grant.granteePrincipal)) continue;
    if (!grant.operations.some((o) => operations.includes(o.toLowerCase()))) continue;
    const context = grant.constraints?.encryptionContextEquals ?? grant.constraints?.encryptionContextSubset;
    if (context) return { grantId: grant.grantId, context: { ...context } };
  }
  return undefined;
}

const contextWords = (context: Readonly<Record<string, string>> | undefined) =>
  context === undefined || Object.keys(context).length === 0 ? 'no encryption context' : `the encryption context ${Object.entries(context).map(([k, v]) => `${k}=${v}`).join(',')}`;

/** The service an AWS managed key belongs to, from its alias (aws/s3 → s3). */
function managingService(workspace: Workspace): string | undefined {
  const aliases = workspace.facts.aliases?.status === 'known' ? workspace.facts.aliases.value : [];
  const requested = aliasNamedBy(workspace.facts.request.key);
  const named = [...aliases, ...(requested !== undefined ? [requested] : [])].map((a) => /^alias\/aws\/([a-z0-9-]+)$/.exec(a)?.[1]).find((s) => s !== undefined);
  return named;
}

/** The aws CLI command for a read-only key operation, run in the key's own account; undefined for other operations. */
function keyAccountReadCommand(operation: string, keyArn: string): string | undefined {
  switch (operation) {
    case 'GetKeyPolicy':
      return `aws kms get-key-policy --key-id ${keyArn} --policy-name default --output text`;
    case 'ListKeyPolicies':
      return `aws kms list-key-policies --key-id ${keyArn}`;
    case 'ListResourceTags':
      return `aws kms list-resource-tags --key-id ${keyArn}`;
    case 'ListAliases':
      return `aws kms list-aliases --key-id ${keyArn}`;
    default:
      return undefined;
  }
}

export function causeGuidance(workspace: Workspace, cause: Cause): Fix | undefined {
  const keyTarget = keyStateTarget(workspace);
  const policyTarget = keyPolicyTarget(workspace);
  const actions = actionsToAllow(cause, workspace.diagnosis);
  const { region } = workspace.facts.request;
  const text = evidenceText(cause);
  switch (cause.code) {
    case 'scp':
    case 'rcp': {
      const kind = cause.code === 'scp' ? 'service control policy' : 'resource control policy';
      const policyId = /\bp-[0-9a-z]{8,128}\b/.exec(text)?.[0] ?? cause.deniedBy?.policyName;
      // An Organizations policy ARN in the evidence names the management account that owns the policy.
      const management = text
        .split(/["\s,]+/)
        .map((word) => parseArn(word))
        .find((arn) => arn?.service === 'organizations' && accountOfArn(arn.arn) !== undefined)?.account;
      const who = management ? `the management account ${management} (or a delegated administrator)` : "the organization's management account (or a delegated administrator)";
      const scope = cause.code === 'scp' ? `${whoName(workspace)}'s account` : `the key's account (${workspace.key?.accountId ?? 'unknown'})`;
      return blockedFix(
        cause,
        policyTarget,
        `Ask the organization's administrators to allow ${actions.join(', ')} in the ${kind}${policyId ? ` ${policyId}` : ''}`,
        `The ${kind}${policyId ? ` ${policyId}` : ''} refuses ${actions.join(', ')} for ${scope}, and no change inside the account can override it. Only ${who} can change it: read it with \`aws organizations describe-policy --policy-id ${policyId ?? 'p-…'}\`${cause.code === 'scp' ? ', and find where it is attached with `aws organizations list-targets-for-policy`' : ''}. Ask for the narrowest exception: these actions, for this principal (aws:PrincipalArn) and key, not the whole account.`,
      );
    }
    case 'vpc-endpoint-policy': {
      // AWS's message does not name the endpoint: it is known from --context aws:SourceVpce=…, or the endpoint policy given.
      const given = Object.entries(workspace.facts.request.givenContext ?? {}).find(([name]) => name.toLowerCase() === 'aws:sourcevpce')?.[1];
      const endpoint = /\bvpce-[0-9a-f]{8,17}\b/.exec([text, ...(given !== undefined ? [String(given)] : [])].join(' '))?.[0];
      const principalArn = workspace.principal?.entityArn ?? workspace.facts.request.principal?.arn;
      // Principal "*" narrowed by aws:PrincipalArn: the form every endpoint type accepts (a gateway endpoint
      // reads {"AWS": ARN} as that account's root user only; AWS PrivateLink guide, "Control access to VPC
      // endpoints using endpoint policies"), and the only one the policy evaluator accepts in an endpoint policy.
      const statement = pretty([
        { Effect: 'Allow', Principal: '*', Action: actions, Resource: keyName(workspace), ...(principalArn ? { Condition: { StringEquals: { 'aws:PrincipalArn': principalArn } } } : {}) },
      ]);
      const find = endpoint
        ? `aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${endpoint} --region ${region} --query 'VpcEndpoints[0].PolicyDocument' --output text`
        : `aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.${region}.kms --region ${region} --query 'VpcEndpoints[].[VpcEndpointId,PolicyDocument]' --output text`;
      return blockedFix(
        cause,
        policyTarget,
        `Let the VPC endpoint policy${endpoint ? ` of ${endpoint}` : ''} allow ${actions.join(', ')} on this key`,
        `The call goes through ${endpoint ? `the KMS VPC endpoint ${endpoint}` : 'a KMS VPC endpoint'}, whose policy does not allow ${actions.join(', ')} on ${keyName(workspace)} for ${whoName(workspace)}; the key policy and IAM cannot override it. kms-doctor does not call EC2: the VPC's owner (EC2 permissions in the VPC's account) reads the policy with \`${find}\`, adds the narrowest statement (this principal, this key, these actions; below) to it, and writes it back with \`aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${endpoint ?? 'VPCE_ID'} --region ${region} --policy-document file://endpoint-policy.json\`. Calls that do not go through the endpoint are not affected.`,
        { snippet: statement },
      );
    }
    case 'grant-constraint-mismatch': {
      const constraint = grantConstraintContext(workspace, actions);
      const grantee = whoName(workspace);
      const command = `aws kms create-grant --key-id ${keyName(workspace)} --grantee-principal ${grantee} --operations ${actions.map((a) => a.replace(/^kms:/, '')).join(' ')} --constraints EncryptionContextSubset={…the context the data uses…}`;
      if (constraint) {
        return guidance(
          cause,
          { type: 'grant', arn: keyName(workspace) },
          'Send the encryption context the grant is constrained to',
          `Grant ${constraint.grantId} lets ${grantee} call ${actions.join(', ')} only with the encryption context ${JSON.stringify(constraint.context)}, and the request did not carry it. Send it (aws CLI: --encryption-context ${Object.entries(constraint.context).map(([k, v]) => `${k}=${v}`).join(',')}). If the data really uses another context, the fix is a new grant with that constraint (${command}), never an IAM allow, which would bypass the constraint the grant's creator chose.`,
          { requestChange: { encryptionContext: constraint.context } },
        );
      }
      return blockedFix(
        cause,
        { type: 'grant', arn: keyName(workspace) },
        'Send the encryption context the grant requires, or create a grant with the right constraint',
        `A grant lets ${grantee} call ${actions.join(', ')} only with a certain encryption context, which the request did not carry. Send that context (\`aws kms list-grants --key-id ${keyName(workspace)}\` shows the grant's Constraints), or, if the data uses another one, create a grant constrained to it: ${command}. Never an IAM allow: it would bypass the constraint.`,
      );
    }
    case 'grant-recently-created': {
      const recent = cause.recentGrant;
      if (recent === undefined) {
        return guidance(cause, { type: 'grant', arn: keyName(workspace) }, 'Use the grant token, or wait for the grant to take effect',
          `The grant that allows ${actions.join(', ')} was created moments ago; KMS grants are eventually consistent and take effect everywhere within about five minutes. Nothing needs changing: pass the GrantToken that CreateGrant returned (aws CLI: --grant-tokens TOKEN) to use it at once, or retry with backoff.`);
      }
      // The request change is proved like any fix: with the token passed, the grant is in effect at once.
      return guidance(
        cause,
        { type: 'grant', arn: keyName(workspace) },
        `Pass the grant token of grant ${recent.grantId}, or wait until ${recent.inEffectBy}`,
        `Grant ${recent.grantId} was created ${recent.ageSeconds} seconds ago; KMS grants are eventually consistent and are in effect everywhere within about five minutes, by ${recent.inEffectBy}. Nothing needs changing: pass the GrantToken that CreateGrant returned for it (aws CLI: --grant-tokens TOKEN; tell kms-doctor check with --grant-token-for ${recent.grantId}) to use it at once, or wait until ${recent.inEffectBy} and retry.`,
        { requestChange: { grantTokensFor: [recent.grantId] } },
      );
    }
    case 'aws-managed-key-direct-use': {
      const service = managingService(workspace);
      const viaService = service ? `${service}.${region}.amazonaws.com` : undefined;
      return guidance(
        cause,
        policyTarget,
        service ? `Use the key through ${service}, or use a customer managed key` : 'Use the key through its service, or use a customer managed key',
        `${keyName(workspace)} is an AWS managed key: only the AWS service that owns it${service ? ` (${service})` : ''} may use it, on your behalf (its key policy requires kms:ViaService), and nobody can change that policy. Call ${service ?? 'the service'} instead of KMS directly, or, to call KMS yourself, create a customer managed key (aws kms create-key) and use it instead.`,
        viaService ? { requestChange: { viaService } } : {},
      );
    }
    case 'operation-not-cross-account': {
      const owner = workspace.key?.accountId ?? accountNamedBy(workspace.facts.request.key);
      const operation = workspace.facts.request.operation.name;
      const command = workspace.key ? keyAccountReadCommand(operation, workspace.key.arn) : undefined;
      // The key policy was read, so kms-doctor had credentials in the key's account (--key-profile): the
      // printed command gets that profile. Without them, the command would run in the caller's account.
      const runnable = command !== undefined && workspace.facts.keyPolicy.status === 'known';
      return blockedFix(
        cause,
        policyTarget,
        `Run ${operation} with credentials of account ${owner ?? 'that owns the key'}`,
        `KMS never allows ${actions.join(', ')} from another account, whatever the policies say (only cryptographic operations, DescribeKey, GetPublicKey and the grant operations work across accounts): it looks the key up in the caller's own account. No policy change can make this work; run it with credentials of account ${owner ?? 'that owns the key'}, which owns ${keyName(workspace)}${command !== undefined ? (runnable ? ' (the command below uses the key account\'s profile, as kms-doctor did)' : `: \`${command} --profile PROFILE_OF_${owner ?? 'KEY_ACCOUNT'}\``) : ''}, or ask that account to run it for you.`,
        runnable ? { commands: [command] } : {},
      );
    }
    case 'alias-cross-account': {
      const arn = workspace.key?.arn;
      return guidance(
        cause,
        keyTarget,
        'Name the key by its key ARN',
        `"${workspace.facts.request.key.text}" is an alias or key ID, which KMS looks up in the caller's own account and Region, so it never finds a key in another account. Use the full key ARN${arn ? ` (${arn})` : ''} (or the alias ARN for cryptographic operations); CreateGrant, ListGrants and RevokeGrant need the key ARN.`,
      );
    }
    case 'wrong-region': {
      const keyRegion = workspace.key?.region ?? regionNamedBy(workspace.facts.request.key);
      return guidance(
        cause,
        keyTarget,
        `Call KMS in ${keyRegion ?? "the key's Region"}`,
        `KMS keys are Regional: ${keyName(workspace)} lives in ${keyRegion ?? 'another Region'}, and the call was made in ${region}. Call KMS in ${keyRegion ?? "the key's Region"} (aws CLI: --region ${keyRegion ?? 'REGION'}), or use a multi-Region replica of the key in ${region}. Ciphertext of a single-Region key can only be decrypted in its own Region.`,
      );
    }
    case 'key-usage-mismatch': {
      const usage = workspace.facts.key.status === 'known' ? `${workspace.facts.key.value.usage} (${workspace.facts.key.value.spec})` : 'another usage';
      return guidance(
        cause,
        keyTarget,
        'Use a key made for this operation',
        `${keyName(workspace)} has key usage ${usage}, and ${actions.join(', ')} need${actions.length === 1 ? 's' : ''} a symmetric ENCRYPT_DECRYPT key; a key's usage never changes. Use such a key (aws kms create-key --key-usage ENCRYPT_DECRYPT --key-spec SYMMETRIC_DEFAULT), as S3, EBS and most services require.`,
      );
    }
    case 'principal-recreated':
      return principalRecreatedFix(workspace, cause);
    case 'encryption-context-mismatch': {
      // KMS logs the encryption context of Encrypt and GenerateDataKey in plain text in CloudTrail
      // (KMS developer guide, "Encryption context" and the CloudTrail examples of Encrypt), so the
      // context the data was encrypted with can be read there; nothing in a policy or key read shows it.
      const lookup = `aws cloudtrail lookup-events --region ${region} --lookup-attributes AttributeKey=ResourceName,AttributeValue=${keyName(workspace)}`;
      return guidance(
        cause,
        keyTarget,
        'Decrypt with exactly the encryption context used to encrypt',
        `KMS refused the ciphertext (InvalidCiphertextException), which is not a permission problem: the encryption context must match the one given to Encrypt exactly — every key and value, case-sensitive. The request sent ${contextWords(workspace.facts.request.encryptionContext)}. Find the context the data was encrypted with in the Encrypt or GenerateDataKey event of this key in CloudTrail (requestParameters.encryptionContext): ${lookup}. Then decrypt with that context (aws CLI: --encryption-context KEY=VALUE); if the ciphertext came from the aws CLI, also check it was base64-decoded (fileb://).`,
      );
    }
    case 'incorrect-key':
      return guidance(
        cause,
        keyTarget,
        'Decrypt naming no key, or the key that encrypted the data',
        `KMS says the ciphertext was not encrypted under ${keyName(workspace)} (IncorrectKeyException), which is not a permission problem: the ciphertext of a symmetric key names the key that made it, and KeyId must be that key. Call Decrypt without --key-id (KMS reads the key from the ciphertext, and the response's KeyId names it), or with that key; an alias that was moved to a new key causes exactly this. No policy change helps.`,
      );
    case 'key-state-transient':
      return transientStateFix(workspace, cause);
    case 'condition-not-met':
    case 'condition-unknown':
      return conditionFix(workspace, cause);
    default:
      return undefined;
  }
}

/** The condition values a cause's evidence names: { key, expected } (and actual) objects, if any. */
function conditionValues(cause: Cause): { key: string; expected: string }[] {
  const found: { key: string; expected: string }[] = [];
  for (const item of cause.evidence) {
    const value = item.value as { key?: unknown; expected?: unknown } | undefined;
    if (typeof value !== 'object' || value === null || typeof value.key !== 'string') continue;
    const expected = Array.isArray(value.expected) ? value.expected[0] : value.expected;
    if (typeof expected === 'string') found.push({ key: value.key, expected });
  }
  return found;
}

function conditionFix(workspace: Workspace, cause: Cause): Fix {
  const values = conditionValues(cause);
  const encryptionContext: Record<string, string> = {};
  let viaService: string | undefined;
  const others: string[] = [];
  for (const { key, expected } of values) {
    if (/^kms:EncryptionContext:/i.test(key)) encryptionContext[key.slice('kms:EncryptionContext:'.length)] = expected;
    else if (/^kms:ViaService$/i.test(key)) viaService = expected;
    else others.push(`${key}=${expected}`);
  }
  const requestChange = {
    ...(Object.keys(encryptionContext).length > 0 ? { encryptionContext } : {}),
    ...(viaService !== undefined ? { viaService } : {}),
  };
  const change = Object.keys(requestChange).length > 0;
  const unknown = cause.code === 'condition-unknown';
  const ways = [
    ...(change ? requestChangeWords(requestChange) : []),
    ...others.map((o) => (unknown ? `if the call really has ${o}, tell kms-doctor with --context ${o}` : `make the call with ${o}`)),
  ];
  return guidance(
    cause,
    keyPolicyTarget(workspace),
    unknown ? 'Tell kms-doctor the value it cannot see, or make the call with the value that passes' : 'Make the call with the value the condition expects',
    `${cause.summary} ${ways.length > 0 ? `First, without changing any policy: ${ways.join('; ')}.` : 'Compare the condition in the evidence with the request, and send the value it expects.'} If the condition itself is wrong for this caller, the narrowest change is an exception for this principal's ARN in that statement, not removing the condition.`,
    change ? { requestChange } : {},
  );
}

/** A key policy naming a unique ID (AROA…/AIDA…) of a principal that was deleted: re-save it with the ARN. */
function principalRecreatedFix(workspace: Workspace, cause: Cause): Fix {
  const written = recreatedPrincipalFix(workspace, cause);
  if (written) return written;
  const principal = workspace.principal;
  const ids = [...new Set(evidenceText(cause).match(/\bA(?:RO|ID)A[A-Z0-9]{12,}\b/g) ?? [])];
  const explanation = `The key policy (or a grant) names ${ids.length > 0 ? ids.join(', ') : 'a unique principal ID'} instead of an ARN: IAM shows a principal that way once it was deleted, and a role or user recreated with the same name gets a new ID, so the statement no longer matches ${principal ? `${principal.kind} ${principal.name}` : 'it'}. Re-save the policy naming the ARN${principal ? ` (${principal.entityArn})` : ''}; re-create grants that name the old ID (for Lambda, saving the function's configuration again does it).`;
  return guidance(cause, keyPolicyTarget(workspace), `Name ${principal?.entityArn ?? 'the principal'} by its ARN again`, explanation);
}

