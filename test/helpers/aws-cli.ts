// Runs the real aws CLI (Debian's /usr/bin/aws) against a sandbox, with nothing from the developer's
// own AWS setup leaking in: a private HOME, the sandbox's config files, and no AWS_* variables.
import { execFile } from 'node:child_process';

export const awsCliPath = '/usr/bin/aws';

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON, when it is JSON. */
  readonly json?: any;
}

export interface CliTarget {
  readonly endpoint: string;
  readonly configFile: string;
  readonly credentialsFile: string;
}

export interface CliOptions {
  readonly profile?: string;
  /** Temporary credentials (after sts assume-role), used instead of a profile. */
  readonly credentials?: { AccessKeyId: string; SecretAccessKey: string; SessionToken?: string };
  /** Overrides the endpoint, e.g. to call through /via/<service>/. */
  readonly endpoint?: string;
}

export function aws(target: CliTarget, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = {
    PATH: '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    AWS_CONFIG_FILE: target.configFile,
    AWS_SHARED_CREDENTIALS_FILE: target.credentialsFile,
    AWS_PAGER: '',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  if (options.credentials) {
    env.AWS_ACCESS_KEY_ID = options.credentials.AccessKeyId;
    env.AWS_SECRET_ACCESS_KEY = options.credentials.SecretAccessKey;
    if (options.credentials.SessionToken) env.AWS_SESSION_TOKEN = options.credentials.SessionToken;
  }
  const fullArgs = [...args, '--endpoint-url', options.endpoint ?? target.endpoint, '--output', 'json'];
  if (options.profile) fullArgs.push('--profile', options.profile);
  return new Promise((resolve) => {
    execFile(awsCliPath, fullArgs, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      let json: unknown;
      try {
        json = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ exitCode, stdout, stderr, ...(json !== undefined ? { json } : {}) });
    });
  });
}

/** Assumes a role with the CLI (the Debian CLI cannot point a role profile's STS call at the sandbox). */
export async function assumeRoleWithCli(
  target: CliTarget,
  sourceProfile: string,
  roleArn: string,
  sessionName = 'cli-test',
  sessionPolicy?: string,
): Promise<{ AccessKeyId: string; SecretAccessKey: string; SessionToken: string }> {
  const policy = sessionPolicy !== undefined ? ['--policy', sessionPolicy] : [];
  const result = await aws(target, ['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', sessionName, ...policy], { profile: sourceProfile });
  if (result.exitCode !== 0) throw new Error(`assume-role ${roleArn} failed: ${result.stderr.trim()}`);
  return result.json.Credentials;
}
