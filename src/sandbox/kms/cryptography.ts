// Encrypt, GenerateDataKey and GenerateDataKeyWithoutPlaintext. Each validates its input, authorizes
// (key policy, IAM, grants), checks key usage, state and algorithm, and — with DryRun — stops there
// with DryRunOperationException instead of producing output (KMS developer guide, "Testing your
// permissions"). Decrypt and ReEncrypt are in decryption.ts.
import { randomBytes } from 'node:crypto';
import { validationError } from '../errors.js';
import { seal } from './ciphertext.js';
import { checkDataKeyKey, checkEncryptionKey, materialOf } from './crypto-common.js';
import { checkGrantTokens } from './grant-tokens.js';
import { grantTokensRules, InputReader, keyIdRules } from './input.js';
import { dryRunSucceeded, useKey } from './key-access.js';
import { encryptionAlgorithmSpecs } from './key-metadata.js';
import type { KmsCall, KmsOperation } from './kms-call.js';

/** KMS's limit on Encrypt's Plaintext (KMS API reference, Encrypt). */
export const maxPlaintextBytes = 4096;

const encrypt: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const keyId = input.string('KeyId', { required: true, ...keyIdRules });
  const plaintext = input.blob('Plaintext', { required: true, min: 1, max: maxPlaintextBytes, sensitive: true });
  const context = input.stringMap('EncryptionContext');
  const tokens = input.stringList('GrantTokens', grantTokensRules);
  const algorithm = input.string('EncryptionAlgorithm', { enum: encryptionAlgorithmSpecs }) ?? 'SYMMETRIC_DEFAULT';
  const dryRun = input.boolean('DryRun') ?? false;
  input.check();
  checkGrantTokens(call.world.state, tokens);
  const { key } = await useKey(call, {
    keyId: keyId!,
    action: 'kms:Encrypt',
    grantOperation: 'Encrypt',
    crossAccount: 'key-or-alias-arn',
    aliasAllowed: true,
    usableIn: 'any',
    ...(context !== undefined ? { encryptionContext: context } : {}),
    context: { 'kms:EncryptionAlgorithm': algorithm },
  });
  checkEncryptionKey(key, 'Encrypt', algorithm);
  const material = await materialOf(call, key, dryRun);
  if (dryRun) throw dryRunSucceeded();
  return {
    CiphertextBlob: seal(key.arn, material, plaintext!, context).toString('base64'),
    KeyId: key.arn,
    EncryptionAlgorithm: algorithm,
  };
};

const dataKeyBytes: Readonly<Record<string, number>> = { AES_256: 32, AES_128: 16 };

function generateDataKey(operation: 'GenerateDataKey' | 'GenerateDataKeyWithoutPlaintext'): KmsOperation {
  return async (call) => {
    const input = new InputReader(call.input);
    const keyId = input.string('KeyId', { required: true, ...keyIdRules });
    const context = input.stringMap('EncryptionContext');
    const numberOfBytes = input.integer('NumberOfBytes', { min: 1, max: 1024 });
    const keySpec = input.string('KeySpec', { enum: ['AES_256', 'AES_128'] });
    const tokens = input.stringList('GrantTokens', grantTokensRules);
    const dryRun = input.boolean('DryRun') ?? false;
    input.check();
    if ((numberOfBytes === undefined) === (keySpec === undefined)) throw validationError('Please specify either number of bytes or key spec.');
    checkGrantTokens(call.world.state, tokens);
    const { key } = await useKey(call, {
      keyId: keyId!,
      action: `kms:${operation}`,
      grantOperation: operation,
      crossAccount: 'key-or-alias-arn',
      aliasAllowed: true,
      usableIn: 'any',
      ...(context !== undefined ? { encryptionContext: context } : {}),
    });
    checkDataKeyKey(key, operation);
    const material = await materialOf(call, key, dryRun);
    if (dryRun) throw dryRunSucceeded();
    const dataKey = randomBytes(numberOfBytes ?? dataKeyBytes[keySpec!]!);
    const ciphertext = seal(key.arn, material, dataKey, context).toString('base64');
    if (operation === 'GenerateDataKeyWithoutPlaintext') return { CiphertextBlob: ciphertext, KeyId: key.arn };
    return { CiphertextBlob: ciphertext, Plaintext: dataKey.toString('base64'), KeyId: key.arn };
  };
}

export const encryptionOperations: Readonly<Record<string, KmsOperation>> = {
  Encrypt: encrypt,
  GenerateDataKey: generateDataKey('GenerateDataKey'),
  GenerateDataKeyWithoutPlaintext: generateDataKey('GenerateDataKeyWithoutPlaintext'),
};
