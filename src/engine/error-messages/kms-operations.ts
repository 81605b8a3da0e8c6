// The KMS API operations, to tell a KMS call from a call to a service that uses KMS.

export const KMS_OPERATIONS = new Set([
  'CancelKeyDeletion', 'ConnectCustomKeyStore', 'CreateAlias', 'CreateGrant', 'CreateKey', 'Decrypt', 'DeleteAlias',
  'DeleteImportedKeyMaterial', 'DeriveSharedSecret', 'DescribeKey', 'DisableKey', 'DisableKeyRotation', 'EnableKey',
  'EnableKeyRotation', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext', 'GenerateMac', 'GenerateRandom', 'GetKeyPolicy', 'GetKeyRotationStatus',
  'GetParametersForImport', 'GetPublicKey', 'ImportKeyMaterial', 'ListAliases', 'ListGrants', 'ListKeyPolicies',
  'ListKeyRotations', 'ListKeys', 'ListResourceTags', 'ListRetirableGrants', 'PutKeyPolicy', 'ReEncrypt', 'ReplicateKey',
  'RetireGrant', 'RevokeGrant', 'RotateKeyOnDemand', 'ScheduleKeyDeletion', 'Sign', 'UpdateAlias', 'UpdateKeyDescription',
  'UpdatePrimaryRegion', 'Verify', 'VerifyMac',
]);
