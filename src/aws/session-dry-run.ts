// The diagnosis's dry run as the role session itself: the one layer nobody can read back, the session
// policy (AWS returns it to nobody), is settled by AWS's own authorization. KMS's DryRun performs the
// authorization of a call without doing it: DryRunOperationException means it would have succeeded,
// AccessDeniedException that it is refused, with a message naming the layer
// (https://docs.aws.amazon.com/kms/latest/developerguide/programming-dryrun.html). Only cryptographic
// operations are dry-run here: they change nothing even on an endpoint that ignored DryRun. The grant
// operations could leave a grant behind on such an endpoint, and changing anything is src/apply's alone.
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, GenerateDataKeyWithoutPlaintextCommand, ReEncryptCommand } from '@aws-sdk/client-kms';
import type { DiagnosisRequest, SessionDryRunAnswer } from '../engine/facts.js';
import { classifyAwsError, isStopping } from './aws-errors.js';
import type { AwsClientSet } from './aws-session.js';

function commandFor(action: string, request: DiagnosisRequest) {
  const keyId = request.key.text;
  const context = request.encryptionContext ? { ...request.encryptionContext } : undefined;
  const withContext = context ? { EncryptionContext: context } : {};
  switch (action) {
    case 'kms:Decrypt':
      // IGNORE_CIPHERTEXT: "KMS performs only authorization validation without ciphertext validation";
      // CiphertextBlob is then not required and KeyId is (KMS API reference, Decrypt and ReEncrypt,
      // DryRunModifiers). So a Decrypt is settled without any ciphertext of the user's.
      return new DecryptCommand({ KeyId: keyId, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'], ...withContext });
    case 'kms:ReEncryptFrom':
    case 'kms:ReEncryptTo':
      // One ReEncrypt from and to the key authorizes both of its actions.
      return new ReEncryptCommand({
        SourceKeyId: keyId,
        DestinationKeyId: keyId,
        DryRun: true,
        DryRunModifiers: ['IGNORE_CIPHERTEXT'],
        ...(context ? { SourceEncryptionContext: context, DestinationEncryptionContext: context } : {}),
      });
    case 'kms:Encrypt':
      return new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([0]), DryRun: true, ...withContext });
    case 'kms:GenerateDataKey':
      return new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', DryRun: true, ...withContext });
    case 'kms:GenerateDataKeyWithoutPlaintext':
      return new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, KeySpec: 'AES_256', DryRun: true, ...withContext });
    default:
      return undefined;
  }
}

/** The actions the diagnosis can settle by a dry run as the session. */
export const sessionDryRunActions: ReadonlySet<string> = new Set(['kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext']);

async function dryRunOne(clients: AwsClientSet, request: DiagnosisRequest, action: string): Promise<SessionDryRunAnswer> {
  const command = commandFor(action, request);
  if (!command) return { action, outcome: 'not-possible', why: `kms-doctor does not dry-run ${action} (only Encrypt, Decrypt, ReEncrypt and GenerateDataKey*, which change nothing)` };
  try {
    await clients.kms(request.region).send(command as never);
    return { action, outcome: 'not-possible', why: `the endpoint performed ${action} instead of a dry run, so its answer says nothing about authorization` };
  } catch (error) {
    if ((error as { name?: string }).name === 'DryRunOperationException') return { action, outcome: 'would-succeed' };
    const classified = classifyAwsError(error, { call: action });
    if (isStopping(classified)) throw classified;
    if (classified.kind === 'access-denied') return { action, outcome: 'denied', message: classified.message };
    return { action, outcome: 'not-possible', why: `${action} with DryRun failed with ${classified.code}: ${classified.message}` };
  }
}

/** Dry-runs every action the request needs, as the credentials given (the session diagnosed). */
export async function dryRunAsSession(clients: AwsClientSet, request: DiagnosisRequest): Promise<readonly SessionDryRunAnswer[]> {
  const actions = request.operation.actions;
  // ReEncrypt's two actions are answered by one call.
  const reEncrypt = actions.includes('kms:ReEncryptFrom') ? dryRunOne(clients, request, 'kms:ReEncryptFrom') : undefined;
  return Promise.all(
    actions.map(async (action) => {
      if (reEncrypt && (action === 'kms:ReEncryptFrom' || action === 'kms:ReEncryptTo')) return { ...(await reEncrypt), action };
      return dryRunOne(clients, request, action);
    }),
  );
}
