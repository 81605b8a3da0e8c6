// Shared by the tests that drive the sandbox's IAM with the AWS SDK: policy documents in one line,
// the error a call fails with, and a new user with an access key.
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { StaticCredentials } from './iam-state.js';

export const policy = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
export const allow = (action: string | string[], resource: string | string[] = '*') => ({ Effect: 'Allow', Action: action, Resource: resource });

export interface CallFailure {
  readonly name: string;
  readonly message: string;
  readonly $metadata: { readonly httpStatusCode?: number };
}

/** The error a call fails with, for assertions on err.name, message and status. */
export async function failure(promise: Promise<unknown>): Promise<CallFailure> {
  try {
    await promise;
  } catch (error) {
    return error as CallFailure;
  }
  throw new Error('expected the call to fail');
}

/** Creates a user (with an inline policy named "inline" when given) and returns its new access key. */
export async function newUserWithKey(client: IAMClient, userName: string, inline?: string): Promise<StaticCredentials> {
  await client.send(new CreateUserCommand({ UserName: userName }));
  if (inline) await client.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'inline', PolicyDocument: inline }));
  const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: userName }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}
