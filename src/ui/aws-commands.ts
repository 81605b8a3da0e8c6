// The `aws` CLI commands that show what each step read, so a newcomer learns to look for themselves.
// Each names the profile and endpoint the wizard used (the sandbox's, in training).
import type { WizardEnvironment } from '../../machines/wizard-types.js';
import type { DiagnosisRequest, KeyFacts, PrincipalIdentity } from '../engine/facts.js';
import { runnableCommand, shellWord, type CommandConnection } from '../engine/aws-cli.js';
import { accountOfArn, accountRelation, parseArn } from '../engine/identifiers.js';

export interface CommandContext {
  readonly request: DiagnosisRequest;
  readonly environment?: WizardEnvironment;
  readonly key?: KeyFacts;
  readonly principal?: PrincipalIdentity;
}

/** Which credentials a command needs: the caller's, or the key account's (--key-profile). */
type Side = 'caller' | 'key';

/** The wizard's connection as the one command builder takes it. */
function connectionOf(environment: WizardEnvironment, keyAccount?: string): CommandConnection {
  const endpoint = environment.endpointUrl;
  return {
    ...(environment.profile !== undefined ? { profile: environment.profile } : {}),
    ...(environment.keyProfile !== undefined ? { keyProfile: environment.keyProfile } : {}),
    ...(keyAccount !== undefined ? { keyAccount } : {}),
    region: environment.region,
    ...(endpoint ? { endpoints: { kms: endpoint, iam: endpoint, sts: endpoint } } : {}),
  };
}

/** Appends the profile, Region and endpoint the wizard used to an `aws …` command. */
export function withConnection(command: string, environment: WizardEnvironment | undefined, side: Side = 'caller'): string {
  if (!environment) return command;
  const connection = connectionOf(environment);
  // The side names the credentials: the key account's profile stands in as the profile itself.
  return runnableCommand(command, side === 'key' && environment.keyProfile ? { ...connection, profile: environment.keyProfile } : connection, undefined);
}

/** The key as commands should name it: its ARN once known (works across accounts), else as typed. */
const keyId = (context: CommandContext): string => shellWord(context.key?.arn ?? context.request.key.text);

const keySide = (context: CommandContext): Side => (context.environment?.keyProfile ? 'key' : 'caller');

function aws(context: CommandContext, args: string, side: Side = 'caller', regional = true): string {
  return withConnection(`aws ${args}${regional ? ` --region ${context.request.region}` : ''}`, context.environment, side);
}

export const identifyCommands = (c: CommandContext): string[] => [aws(c, 'sts get-caller-identity', 'caller', false), aws(c, `kms describe-key --key-id ${keyId(c)}`)];

export const accountCommands = (c: CommandContext): string[] => [
  aws(c, 'sts get-caller-identity --query Account --output text', 'caller', false),
  aws(c, `kms describe-key --key-id ${keyId(c)} --query KeyMetadata.AWSAccountId --output text`),
];

export const keyStateCommands = (c: CommandContext): string[] => [
  aws(c, `kms describe-key --key-id ${keyId(c)} --query 'KeyMetadata.[KeyState,Enabled,DeletionDate]'`, keySide(c)),
];

export const keyPolicyCommands = (c: CommandContext): string[] => [aws(c, `kms get-key-policy --key-id ${keyId(c)} --policy-name default --output text`, keySide(c))];

export function iamCommands(c: CommandContext, actions: readonly string[]): string[] {
  const principal = c.principal;
  if (!principal) return [];
  const kind = principal.kind;
  const name = shellWord(principal.name);
  const simulate = `iam simulate-principal-policy --policy-source-arn ${shellWord(principal.entityArn)} --action-names ${actions.join(' ')}${c.key ? ` --resource-arns ${shellWord(c.key.arn)}` : ''}`;
  return [
    aws(c, `iam list-${kind}-policies --${kind}-name ${name}`, 'caller', false),
    aws(c, `iam list-attached-${kind}-policies --${kind}-name ${name}`, 'caller', false),
    ...(kind === 'user' ? [aws(c, `iam list-groups-for-user --user-name ${name}`, 'caller', false)] : []),
    aws(c, simulate, 'caller', false),
  ];
}

export const grantsCommands = (c: CommandContext): string[] => [aws(c, `kms list-grants --key-id ${keyId(c)}`, keySide(c))];

/**
 * A fix's or a plan step's command, with the credentials that can make it: a key in another account
 * than the caller's is changed with the key account's (--key-profile), as the apply step does.
 */
export function fixCommand(command: string, environment: WizardEnvironment | undefined, target: { readonly arn: string; readonly callerAccount?: string }): string {
  if (!environment) return command;
  const arn = parseArn(target.arn);
  const account = accountOfArn(target.arn);
  // Unless the key is known to be the caller's own, its account's credentials (--key-profile) make the change.
  const keyAccount = arn?.service === 'kms' && account !== undefined && accountRelation(target.callerAccount, account) !== 'same' ? account : undefined;
  return runnableCommand(command, connectionOf(environment, keyAccount), account);
}
