// Proves a fix as the affected principal: KMS's DryRun performs the authorization of a call without
// doing it. DryRunOperationException means it would have succeeded; AccessDeniedException that it is
// still refused (https://docs.aws.amazon.com/kms/latest/developerguide/programming-dryrun.html).
// An endpoint that ignores DryRun performs the call: for CreateGrant that leaves a real grant, which is
// revoked at once (RevokeGrant with the GrantId it returned) and reported.
import {
  CreateGrantCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  RevokeGrantCommand,
} from '@aws-sdk/client-kms';
import { classifyAwsError } from './aws-errors.js';
import type { AwsClientSet } from './aws-session.js';

/** A grant that CreateGrant really created because the endpoint ignored DryRun, and what became of it. */
export interface CreatedGrant {
  readonly grantId: string;
  readonly revoked: boolean;
  /** One sentence for the report: revoked, or the command that revokes it. */
  readonly note: string;
}

export type DryRunResult =
  | { readonly outcome: 'would-succeed'; readonly action: string; readonly createdGrant?: undefined }
  | { readonly outcome: 'denied'; readonly action: string; readonly message: string; readonly createdGrant?: undefined }
  | { readonly outcome: 'not-possible'; readonly action: string; readonly why: string; readonly createdGrant?: undefined }
  | { readonly outcome: 'error'; readonly action: string; readonly message: string; readonly createdGrant?: CreatedGrant };

export interface DryRunRequest {
  readonly keyArn: string;
  readonly region: string;
  readonly action: string;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** For kms:CreateGrant: who the grant would be for (the principal itself by default). */
  readonly granteePrincipal?: string;
}

function commandFor(request: DryRunRequest, grantee: string) {
  const context = request.encryptionContext ? { EncryptionContext: { ...request.encryptionContext } } : {};
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
      return new CreateGrantCommand({ KeyId: request.keyArn, GranteePrincipal: grantee, Operations: ['Decrypt'], DryRun: true });
    default:
      return undefined;
  }
}

/** Dry-runs one KMS action as the principal whose clients are given. */
export async function dryRunAs(clients: AwsClientSet, principalArn: string, request: DryRunRequest): Promise<DryRunResult> {
  const command = commandFor(request, request.granteePrincipal ?? principalArn);
  if (!command) return { outcome: 'not-possible', action: request.action, why: `KMS has no dry run for ${request.action}` };
  try {
    const output = (await clients.kms(request.region).send(command as never)) as { GrantId?: string };
    // A dry run never succeeds outright; reaching here means the endpoint ignored DryRun.
    const message = `the endpoint performed ${request.action} instead of a dry run`;
    if (request.action !== 'kms:CreateGrant' || !output.GrantId) return { outcome: 'error', action: request.action, message };
    const createdGrant = await revokeCreatedGrant(clients, request, output.GrantId);
    return { outcome: 'error', action: request.action, message: `${message}; ${createdGrant.note}`, createdGrant };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'DryRunOperationException') return { outcome: 'would-succeed', action: request.action };
    const classified = classifyAwsError(error, { call: request.action });
    if (classified.kind === 'access-denied') return { outcome: 'denied', action: request.action, message: classified.message };
    return { outcome: 'error', action: request.action, message: classified.message };
  }
}

/** Revokes the grant a dry run really created, with the same credentials; says what happened either way. */
async function revokeCreatedGrant(clients: AwsClientSet, request: DryRunRequest, grantId: string): Promise<CreatedGrant> {
  try {
    await clients.kms(request.region).send(new RevokeGrantCommand({ KeyId: request.keyArn, GrantId: grantId }));
    return { grantId, revoked: true, note: `the grant it created (${grantId}) was revoked` };
  } catch (error) {
    const why = classifyAwsError(error, { call: 'kms:RevokeGrant', endpoint: clients.endpoint('kms', request.region) }).message;
    return {
      grantId,
      revoked: false,
      note: `the grant it created (${grantId}) could not be revoked (${why}); revoke it with: aws kms revoke-grant --key-id ${request.keyArn} --grant-id ${grantId} --region ${request.region}`,
    };
  }
}
