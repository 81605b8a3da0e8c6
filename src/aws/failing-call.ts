// Makes a training scenario's failing call for real, as the principal in trouble, and returns AWS's
// answer verbatim in the form the aws CLI prints it ("An error occurred (Code) when calling the Op
// operation: message"), so the wizard can show the learner the exact error the story's team saw.
import { CreateGrantCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand, GenerateDataKeyWithoutPlaintextCommand, GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AwsClientSet } from './aws-session.js';

/** The call as a training scenario declares it (plain data: no sandbox type). */
export interface FailingCall {
  readonly operation: string;
  readonly key: string;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** Base64 ciphertext for Decrypt. */
  readonly ciphertext?: string;
  readonly grant?: { readonly granteePrincipal: string; readonly operations: readonly string[] };
}

export type FailingCallOutcome = { readonly outcome: 'succeeded' } | { readonly outcome: 'failed'; readonly errorCode: string; readonly cliText: string };

function commandFor(call: FailingCall) {
  const context = call.encryptionContext ? { EncryptionContext: { ...call.encryptionContext } } : {};
  switch (call.operation) {
    case 'Decrypt':
      return new DecryptCommand({ KeyId: call.key, CiphertextBlob: Buffer.from(call.ciphertext ?? '', 'base64'), ...context });
    case 'Encrypt':
      return new EncryptCommand({ KeyId: call.key, Plaintext: Buffer.from('training'), ...context });
    case 'GenerateDataKey':
      return new GenerateDataKeyCommand({ KeyId: call.key, KeySpec: 'AES_256', ...context });
    case 'GenerateDataKeyWithoutPlaintext':
      return new GenerateDataKeyWithoutPlaintextCommand({ KeyId: call.key, KeySpec: 'AES_256', ...context });
    case 'CreateGrant':
      // Only a dry run: showing the error must never create a grant (writes go through src/apply).
      // A refused dry run answers with the same error as the real call.
      return new CreateGrantCommand({
        DryRun: true,
        KeyId: call.key,
        GranteePrincipal: call.grant?.granteePrincipal ?? '',
        Operations: [...(call.grant?.operations ?? ['Decrypt'])] as never,
      });
    case 'GetKeyPolicy':
      return new GetKeyPolicyCommand({ KeyId: call.key, PolicyName: 'default' });
    default:
      return new DescribeKeyCommand({ KeyId: call.key });
  }
}

/** Makes the call once with `clients` (the principal's credentials); never throws. */
export async function makeFailingCall(clients: AwsClientSet, region: string, call: FailingCall): Promise<FailingCallOutcome> {
  try {
    await clients.kms(region).send(commandFor(call) as never);
    return { outcome: 'succeeded' };
  } catch (error) {
    const name = (error as { name?: string }).name ?? 'Error';
    const message = error instanceof Error ? error.message : String(error);
    return { outcome: 'failed', errorCode: name, cliText: `An error occurred (${name}) when calling the ${call.operation} operation: ${message}` };
  }
}

/**
 * A role session created with a session policy, as the scenario's job creates it (AssumeRole Policy):
 * its credentials as the environment variables an SDK or the aws CLI reads; undefined when STS refused.
 */
export async function sessionWithPolicy(clients: AwsClientSet, roleArn: string, sessionName: string, policy: string): Promise<Record<string, string> | undefined> {
  try {
    const { Credentials: c } = await clients.sts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, Policy: policy }));
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) return undefined;
    return { AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken };
  } catch {
    return undefined;
  }
}
