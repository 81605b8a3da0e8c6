// Every `aws` CLI command kms-doctor prints (check's and fix's fixes, the plan and its undo, the
// restore commands of backups, the wizard's "See it yourself") is quoted by the one rule here and made
// runnable by `runnableCommand`: the profile of the account it must run in, a Region, and the endpoint
// when one is in use. aws-cli before 2.13 ignores `endpoint_url` in profiles and AWS_ENDPOINT_URL, so
// an endpoint is always printed as --endpoint-url; a command without a Region fails where the config
// files have no default profile, so every command carries --region.

/** A word the shell passes through unchanged: IAM names and ARNs are; anything else is single-quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `file://PATH` as one shell word. A placeholder (`<backup of step 2>`) is read by people, never run, so it stays as is. */
export function fileArgument(path: string): string {
  return path.startsWith('<') ? `file://${path}` : shellWord(`file://${path}`);
}

/** The services whose commands kms-doctor prints. */
export type CommandService = 'kms' | 'iam' | 'sts';

/** Where and as whom the printed commands run: the same as the calls kms-doctor itself made. */
export interface CommandConnection {
  /** The caller's profile (--profile or AWS_PROFILE); absent for environment credentials. */
  readonly profile?: string;
  /** --key-profile: the profile for commands on resources in the key's account. */
  readonly keyProfile?: string;
  /** The key's account, when it is not the caller's: commands there run with keyProfile. */
  readonly keyAccount?: string;
  /** The Region for global services (IAM, STS), which the CLI still needs with an endpoint or no default profile. */
  readonly region?: string;
  /** The endpoint of each service, when it is not AWS's own. */
  readonly endpoints?: Readonly<Partial<Record<CommandService, string>>>;
}

/** The profile a command on a resource in `account` runs with. */
export function profileForAccount(connection: CommandConnection, account: string | undefined): string | undefined {
  if (connection.keyProfile !== undefined && account !== undefined && account === connection.keyAccount) return connection.keyProfile;
  return connection.profile;
}


const hasOption = (command: string, option: string) => command.includes(` ${option} `) || command.endsWith(` ${option}`);

/** One `aws SERVICE …` command with the connection's options added (what it has already stays). */
function runnableOne(command: string, connection: CommandConnection, account: string | undefined): string {
  const service = /^aws ([a-z0-9-]+) /.exec(command)?.[1] as CommandService | undefined;
  if (service === undefined) return command;
  const profile = profileForAccount(connection, account);
  const endpoint = connection.endpoints?.[service];
  const extra: string[] = [];
  if (!hasOption(command, '--profile') && profile !== undefined) extra.push('--profile', shellWord(profile));
  if (!hasOption(command, '--region') && connection.region !== undefined) extra.push('--region', shellWord(connection.region));
  if (!hasOption(command, '--endpoint-url') && endpoint !== undefined) extra.push('--endpoint-url', shellWord(endpoint));
  return extra.length === 0 ? command : `${command} ${extra.join(' ')}`;
}

/**
 * A command as the user must run it: with the profile of the account its target is in (`account`, which
 * every caller knows from the target it built the command for — never read back out of the command's
 * text; undefined: the credentials' own), a Region and the endpoint. Commands joined by ` && ` get the
 * options each; comments (`# …`) stay as they are.
 */
export function runnableCommand(command: string, connection: CommandConnection | undefined, account: string | undefined): string {
  if (connection === undefined) return command;
  return command
    .split(' && ')
    .map((part) => runnableOne(part, connection, account))
    .join(' && ');
}
