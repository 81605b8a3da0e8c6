// KMS dry runs as the affected principal, over the SDK: the DryRunner of src/apply/dry-run.ts. KMS's
// DryRun performs the authorization of a call without doing it
// (https://docs.aws.amazon.com/kms/latest/developerguide/programming-dryrun.html). An endpoint that ignores
// DryRun performs the call: that is reported as 'performed' (with the grant CreateGrant created), and the
// clean-up, a write, is src/apply's.
import {
  CreateGrantCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
} from '@aws-sdk/client-kms';
import type { DryRunAnswer, DryRunner, DryRunRequest } from '../apply/dry-run.js';
import { classifyAwsError } from './aws-errors.js';
import type { AwsClientSet } from './aws-session.js';

function commandFor(request: DryRunRequest, grantee: string) {
  const context = {
    ...(request.encryptionContext ? { EncryptionContext: { ...request.encryptionContext } } : {}),
    ...(request.grantTokens && request.grantTokens.length > 0 ? { GrantTokens: [...request.grantTokens] } : {}),
  };
  switch (request.action) {
    case 'kms:Decrypt':
      // IGNORE_CIPHERTEXT: authorization only, so no ciphertext is needed (KeyId then is).
      return new DecryptCommand({ KeyId: request.keyArn, CiphertextBlob: new Uint8Array(1), DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'], ...context });
    case 'kms:Encrypt':
      return new EncryptCommand({ KeyId: request.keyArn, Plaintext: new Uint8Array([0]), DryRun: true, ...context });
    case 'kms:GenerateDataKey':
      return new GenerateDataKeyCommand({ KeyId: request.keyArn, KeySpec: 'AES_256', DryRun: true, ...context });
    case 'kms:GenerateDataKeyWithoutPlaintext':
      return new GenerateDataKeyWithoutPlaintextCommand({ KeyId: request.keyArn, KeySpec: 'AES_256', DryRun: true, ...context });
    case 'kms:CreateGrant':
      return new CreateGrantCommand({ KeyId: request.keyArn, GranteePrincipal: grantee, Operations: ['Decrypt'], DryRun: true, ...(context.GrantTokens ? { GrantTokens: context.GrantTokens } : {}) });
    default:
      return undefined;
  }
}

/** Dry-runs one KMS action as the principal whose clients are given. */
async function dryRunAs(clients: AwsClientSet, principalArn: string, request: DryRunRequest): Promise<DryRunAnswer> {
  const command = commandFor(request, request.granteePrincipal ?? principalArn);
  if (!command) return { outcome: 'not-possible', action: request.action, why: `KMS has no dry run for ${request.action}` };
  try {
    const output = (await clients.kms(request.region).send(command as never)) as { GrantId?: string };
    // A dry run never succeeds outright; reaching here means the endpoint ignored DryRun.
    return { outcome: 'performed', action: request.action, ...(request.action === 'kms:CreateGrant' && output.GrantId ? { grantId: output.GrantId } : {}) };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'DryRunOperationException') return { outcome: 'would-succeed', action: request.action };
    const classified = classifyAwsError(error, { call: request.action });
    if (classified.kind === 'access-denied') return { outcome: 'denied', action: request.action, message: classified.message };
    return { outcome: 'error', action: request.action, message: classified.message };
  }
}

/** The principal's dry runs: `principalArn` is who the clients are (the default grantee of a CreateGrant). */
export function dryRunnerFor(clients: AwsClientSet, principalArn: string): DryRunner {
  return { dryRun: (request) => dryRunAs(clients, principalArn, request) };
}
