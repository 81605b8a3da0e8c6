// The KeyMetadata structure DescribeKey and CreateKey return, and the facts about key specs it needs:
// which key usages a spec allows and which algorithms KMS lists for it (KMS developer guide,
// "Key spec reference"; the combinations match what KMS's CreateKey accepts).
import type { KeyState } from '../state.js';
import { epochSeconds } from './key-access.js';

export const keySpecs = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'SYMMETRIC_DEFAULT',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
  'SM2',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
  'ECC_NIST_EDWARDS25519',
] as const;

/** The deprecated CustomerMasterKeySpec enum: KeySpec without the newer specs. */
export const customerMasterKeySpecs: readonly string[] = keySpecs.filter((s) => !s.startsWith('ML_DSA') && s !== 'ECC_NIST_EDWARDS25519');
export const keyUsages = ['SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'] as const;
export const origins = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const;
export const encryptionAlgorithmSpecs = ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'] as const;

const rsaSigning = [
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
];

interface SpecFacts {
  readonly usages: readonly string[];
  readonly encryption?: readonly string[];
  readonly signing?: readonly string[];
  readonly mac?: readonly string[];
  readonly keyAgreement?: readonly string[];
}

const rsa: SpecFacts = { usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], encryption: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'], signing: rsaSigning };
const nist = (signing: string): SpecFacts => ({ usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'], signing: [signing], keyAgreement: ['ECDH'] });
const hmac = (bits: number): SpecFacts => ({ usages: ['GENERATE_VERIFY_MAC'], mac: [`HMAC_SHA_${bits}`] });
const mlDsa: SpecFacts = { usages: ['SIGN_VERIFY'], signing: ['ML_DSA_SHAKE_256'] };

const specFacts: Readonly<Record<string, SpecFacts>> = {
  SYMMETRIC_DEFAULT: { usages: ['ENCRYPT_DECRYPT'], encryption: ['SYMMETRIC_DEFAULT'] },
  RSA_2048: rsa,
  RSA_3072: rsa,
  RSA_4096: rsa,
  ECC_NIST_P256: nist('ECDSA_SHA_256'),
  ECC_NIST_P384: nist('ECDSA_SHA_384'),
  ECC_NIST_P521: nist('ECDSA_SHA_512'),
  ECC_SECG_P256K1: { usages: ['SIGN_VERIFY'], signing: ['ECDSA_SHA_256'] },
  ECC_NIST_EDWARDS25519: { usages: ['SIGN_VERIFY'], signing: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'] },
  HMAC_224: hmac(224),
  HMAC_256: hmac(256),
  HMAC_384: hmac(384),
  HMAC_512: hmac(512),
  ML_DSA_44: mlDsa,
  ML_DSA_65: mlDsa,
  ML_DSA_87: mlDsa,
  // China Regions only; KMS's CreateKey documentation: ENCRYPT_DECRYPT, SIGN_VERIFY or KEY_AGREEMENT.
  SM2: { usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'], encryption: ['SM2PKE'], signing: ['SM2DSA'], keyAgreement: ['ECDH'] },
};

export type KeySpec = (typeof keySpecs)[number];
export type KeyUsage = (typeof keyUsages)[number];

export function usageAllowed(keySpec: string, keyUsage: string): boolean {
  return specFacts[keySpec]?.usages.includes(keyUsage) ?? false;
}

/** The key usages a spec allows, the one KMS defaults to (when it has a default) first. */
export function usagesOfSpec(keySpec: KeySpec): readonly KeyUsage[] {
  return specFacts[keySpec]!.usages as readonly KeyUsage[];
}

/** The algorithm lists DescribeKey shows for a key, by usage. */
function algorithms(key: KeyState): Record<string, readonly string[]> {
  const facts = specFacts[key.keySpec];
  if (!facts) return {};
  switch (key.keyUsage) {
    case 'ENCRYPT_DECRYPT':
      return facts.encryption ? { EncryptionAlgorithms: facts.encryption } : {};
    case 'SIGN_VERIFY':
      return facts.signing ? { SigningAlgorithms: facts.signing } : {};
    case 'GENERATE_VERIFY_MAC':
      return facts.mac ? { MacAlgorithms: facts.mac } : {};
    case 'KEY_AGREEMENT':
      return facts.keyAgreement ? { KeyAgreementAlgorithms: facts.keyAgreement } : {};
    default:
      return {};
  }
}

export function keyMetadata(key: KeyState): Record<string, unknown> {
  return {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: epochSeconds(key.creationDate),
    Enabled: key.keyState === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.keyState,
    ...(key.deletionDate !== undefined ? { DeletionDate: epochSeconds(key.deletionDate) } : {}),
    Origin: key.origin,
    KeyManager: key.keyManager,
    ...(customerMasterKeySpecs.includes(key.keySpec) ? { CustomerMasterKeySpec: key.keySpec } : {}),
    KeySpec: key.keySpec,
    ...algorithms(key),
    MultiRegion: key.multiRegion,
    ...(key.multiRegion
      ? { MultiRegionConfiguration: { MultiRegionKeyType: 'PRIMARY', PrimaryKey: { Arn: key.arn, Region: key.region }, ReplicaKeys: [] } }
      : {}),
    ...(key.keyState === 'PendingDeletion' && key.pendingWindowInDays !== undefined
      ? { PendingDeletionWindowInDays: key.pendingWindowInDays }
      : {}),
  };
}
