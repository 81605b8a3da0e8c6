// Session creation, shared by every command and the wizard: the AWS session the connection flags
// describe, with --debug's call lines and the MFA prompt when a profile needs one.
import { createAwsSession, type AwsSession } from '../aws/aws-session.js';
import { debugLine, type AwsCallRecord } from '../aws/call-recorder.js';

/** Where the AWS session reads: the connection flags (`--profile`, `--key-profile`, `--region`…) as the commands parsed them. */
export interface SessionOptions {
  readonly profile?: string;
  readonly keyProfile?: string;
  /** Credentials in the organization's management account (or a delegated administrator), for SCPs and RCPs. */
  readonly orgProfile?: string;
  readonly region?: string;
  readonly endpointUrl?: string;
  /** --debug: one line per AWS call on stderr. */
  readonly debug?: boolean;
}

export async function openSession(options: SessionOptions, env: NodeJS.ProcessEnv = process.env, prompts: { mfaCodeProvider?: (serial: string) => Promise<string> } = {}): Promise<AwsSession> {
  return createAwsSession({
    ...prompts,
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(options.keyProfile !== undefined ? { keyProfile: options.keyProfile } : {}),
    ...(options.orgProfile !== undefined ? { orgProfile: options.orgProfile } : {}),
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpointUrl !== undefined ? { endpointUrl: options.endpointUrl } : {}),
    ...(options.debug ? { onCall: (record: AwsCallRecord) => process.stderr.write(`${debugLine(record)}\n`) } : {}),
    env,
  });
}
