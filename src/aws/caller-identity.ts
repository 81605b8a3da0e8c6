// Who the session's credentials are (sts:GetCallerIdentity), before any diagnosis: the wizard shows it
// as the default principal. Credential and network failures reject (AwsCallError), as every read does.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { classifyAwsError } from './aws-errors.js';
import type { AwsSession } from './aws-session.js';

export async function callerArn(session: AwsSession): Promise<string> {
  try {
    const output = await session.sts().send(new GetCallerIdentityCommand({}));
    return output.Arn ?? '';
  } catch (error) {
    throw classifyAwsError(error, { call: 'sts:GetCallerIdentity', endpoint: session.endpoint('sts') });
  }
}
