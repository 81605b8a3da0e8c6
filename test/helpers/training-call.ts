// Performs a scenario's training call (the call that fails for the principal in trouble) with the real
// aws CLI, as that principal: a user through its profile, a role through an explicit assume-role.
import type { SandboxState, TrainingCall } from '../../src/sandbox/state.js';
import { trainingCallArgs, trainingCallEndpoint } from '../../src/sandbox/training-command.js';
import { assumeRoleWithCli, aws, type CliResult, type CliTarget } from './aws-cli.js';

export type CliIdentity = { profile: string } | { credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };

/**
 * How to act as a scenario principal with the CLI. The training principal's role session is created with
 * the scenario's session policy, as its job creates it, unless `sessionPolicy` says otherwise (null: none).
 */
export async function cliIdentity(
  target: CliTarget,
  state: SandboxState,
  principalName: string,
  sessionPolicy: string | null = principalName === state.training?.principal ? (state.training.sessionPolicy ?? null) : null,
): Promise<CliIdentity> {
  for (const account of Object.values(state.accounts)) {
    if (account.users[principalName]) return { profile: principalName };
    const role = account.roles[principalName];
    if (role) {
      if (!role.sourceProfile) throw new Error(`role ${principalName} has no source profile`);
      return { credentials: await assumeRoleWithCli(target, role.sourceProfile, role.arn, `${principalName}-session`, sessionPolicy ?? undefined) };
    }
  }
  throw new Error(`no principal ${principalName} in the scenario`);
}

/** Runs the training call as `identity`, through the service endpoint path when the call names one. */
/** The training call as the principal makes it; with grant tokens, the call passes them (--grant-tokens). */
export function runTrainingCall(target: CliTarget, call: TrainingCall, identity: CliIdentity, grantTokens: readonly string[] = []): Promise<CliResult> {
  const tokens = grantTokens.length > 0 ? ['--grant-tokens', ...grantTokens] : [];
  return aws(target, [...trainingCallArgs(call), ...tokens], { ...identity, endpoint: trainingCallEndpoint(call, target.endpoint) });
}
