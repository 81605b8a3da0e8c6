// The aws CLI command that reproduces a scenario's failing call, printed for trainees and run by tests.
import { shellWord } from '../engine/aws-cli.js';
import type { SandboxState, TrainingCall, TrainingState } from './state.js';

/** Arguments after `aws` (without endpoint or profile) for a training call. */
export function trainingCallArgs(call: TrainingCall): string[] {
  const context = call.encryptionContext ? ['--encryption-context', JSON.stringify(call.encryptionContext)] : [];
  switch (call.operation) {
    case 'Decrypt':
      return ['kms', 'decrypt', '--key-id', call.key, '--ciphertext-blob', call.ciphertext ?? 'CIPHERTEXT', ...context];
    case 'Encrypt':
      return ['kms', 'encrypt', '--key-id', call.key, '--plaintext', Buffer.from('training').toString('base64'), ...context];
    case 'GenerateDataKey':
      return ['kms', 'generate-data-key', '--key-id', call.key, '--key-spec', 'AES_256', ...context];
    case 'GenerateDataKeyWithoutPlaintext':
      return ['kms', 'generate-data-key-without-plaintext', '--key-id', call.key, '--key-spec', 'AES_256', ...context];
    case 'CreateGrant':
      return [
        'kms', 'create-grant', '--key-id', call.key,
        '--grantee-principal', call.grant?.granteePrincipal ?? 'GRANTEE',
        '--operations', ...(call.grant?.operations ?? ['Decrypt']),
      ];
    case 'GetKeyPolicy':
      return ['kms', 'get-key-policy', '--key-id', call.key, '--policy-name', 'default'];
    default:
      return ['kms', call.operation.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase(), '--key-id', call.key, ...context];
  }
}

/**
 * The endpoint a training call goes to: through the service's path when it is made by a service, through
 * the VPC endpoint's path (/vpce-…) when it goes through one.
 */
export function trainingCallEndpoint(call: TrainingCall, endpoint: string): string {
  if (call.viaService) return `${endpoint}/via/${call.viaService}`;
  return call.vpcEndpoint ? `${endpoint}/${call.vpcEndpoint}` : endpoint;
}

/** Quotes an argument for a POSIX shell when it needs it: the one rule every printed aws command follows. */
export function shellQuote(argument: string): string {
  return shellWord(argument);
}

/** Session name of the role session the printed guidance assumes. */
export const trainingSessionName = 'training';

/** The role a profile name stands for, with the user profile that may assume it; undefined for a user. */
function roleOfProfile(state: SandboxState, name: string): { arn: string; sourceProfile: string } | undefined {
  for (const account of Object.values(state.accounts)) {
    const role = account.roles[name];
    if (role?.sourceProfile !== undefined) return { arn: role.arn, sourceProfile: role.sourceProfile };
  }
  return undefined;
}

/**
 * How a trainee makes the training call as the principal in trouble, as indented guidance lines. A user
 * calls with `--profile USER`. A role is never called through its profile: aws CLI 2.9 (Debian's) ignores
 * endpoint_url in profiles and would send the profile's AssumeRole to the real sts.amazonaws.com, so the
 * role is assumed explicitly through the sandbox's STS and the call made with the resulting variables.
 */
export function trainingCallGuidance(state: SandboxState, training: TrainingState, endpoint: string): string[] {
  return [...callGuidance(state, training, endpoint), ...pendingGrantLines(state, training)];
}

/**
 * A grant of the scenario still propagating (notEffectiveForSeconds) for the principal in trouble: the
 * token its CreateGrant returned, which whoever created it kept (AWS's advice is to save it and pass it).
 */
function pendingGrantLines(state: SandboxState, training: TrainingState): string[] {
  const principal = Object.values(state.accounts).map((a) => a.users[training.principal] ?? a.roles[training.principal]).find((p) => p !== undefined);
  const grant = Object.values(state.keys)
    .flatMap((key) => key.grants)
    .find((g) => g.effectiveAt !== undefined && principal !== undefined && g.granteePrincipal === principal.arn);
  if (!grant) return [];
  return [`  the grant token the CreateGrant of grant ${grant.name ?? grant.grantId} returned, which its creator kept: ${grant.grantToken}`];
}

function callGuidance(state: SandboxState, training: TrainingState, endpoint: string): string[] {
  const command = (words: readonly string[]) => words.map(shellQuote).join(' ');
  const call = ['aws', '--endpoint-url', trainingCallEndpoint(training.call, endpoint)];
  const role = roleOfProfile(state, training.principal);
  if (!role) {
    return [
      `  in trouble: ${training.principal}; this fails with ${training.expectedError}:`,
      `    ${command([...call, '--profile', training.principal, ...trainingCallArgs(training.call)])}`,
    ];
  }
  const assumeRole = [
    'aws', '--endpoint-url', endpoint, '--profile', role.sourceProfile,
    'sts', 'assume-role', '--role-arn', role.arn, '--role-session-name', trainingSessionName,
    // The session policy the job's sessions are created with, as the job passes it.
    ...(training.sessionPolicy !== undefined ? ['--policy', training.sessionPolicy] : []),
  ];
  // Prints "export AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… AWS_SESSION_TOKEN=…" for eval, or `false`
  // when assume-role printed no credentials (its error is on stderr), so eval fails instead of exporting nothing.
  const awk =
    'NF == 3 { print "export AWS_ACCESS_KEY_ID=" $1 " AWS_SECRET_ACCESS_KEY=" $2 " AWS_SESSION_TOKEN=" $3; ok = 1 } END { if (ok == 0) print "false" }';
  const credentialsAsText = [...assumeRole, '--query', 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]', '--output', 'text'];
  // Without a profile there is no region from the config files (they have no default profile).
  const region = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(training.call.key)?.[1] ?? state.defaultRegion;
  return [
    `  in trouble: ${training.principal}, a role. Assume it through the sandbox's STS as ${role.sourceProfile} (aws CLI 2.9`,
    `  would send the assume-role of a role profile to the real AWS STS):`,
    `    ${command(assumeRole)}`,
    `  then export its AccessKeyId, SecretAccessKey and SessionToken as AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and`,
    `  AWS_SESSION_TOKEN; or do both steps at once:`,
    `    eval "$(${command(credentialsAsText)} | awk ${shellQuote(awk)})"`,
    `  as ${training.principal} (no --profile: the exported credentials are used), this fails with ${training.expectedError}:`,
    `    ${command([...call, '--region', region, ...trainingCallArgs(training.call)])}`,
  ];
}
