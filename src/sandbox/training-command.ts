// The aws CLI command that reproduces a scenario's failing call, printed for trainees and run by tests.
import type { TrainingCall } from './state.js';

/** Arguments after `aws` (without endpoint or profile) for a training call. */
export function trainingCallArgs(call: TrainingCall): string[] {
  const context = call.encryptionContext ? ['--encryption-context', JSON.stringify(call.encryptionContext)] : [];
  switch (call.operation) {
    case 'Decrypt':
      return ['kms', 'decrypt', '--key-id', call.key, '--ciphertext-blob', call.ciphertext ?? 'CIPHERTEXT', ...context];
    case 'Encrypt':
      return ['kms', 'encrypt', '--key-id', call.key, '--plaintext', Buffer.from('training').toString('base64'), ...context];
    case 'GenerateDataKey':
      return ['kms', 'generate-data-key', '--key-id', call.key, '--key-spec', 'AES_256', ...context];
    case 'GenerateDataKeyWithoutPlaintext':
      return ['kms', 'generate-data-key-without-plaintext', '--key-id', call.key, '--key-spec', 'AES_256', ...context];
    case 'CreateGrant':
      return [
        'kms', 'create-grant', '--key-id', call.key,
        '--grantee-principal', call.grant?.granteePrincipal ?? 'GRANTEE',
        '--operations', ...(call.grant?.operations ?? ['Decrypt']),
      ];
    default:
      return ['kms', call.operation.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase(), '--key-id', call.key, ...context];
  }
}

/** The endpoint a training call goes to: through the service's path when it is made by a service. */
export function trainingCallEndpoint(call: TrainingCall, endpoint: string): string {
  return call.viaService ? `${endpoint}/via/${call.viaService}` : endpoint;
}

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellQuote(argument: string): string {
  return /^[A-Za-z0-9_\-./:=@+,]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}
