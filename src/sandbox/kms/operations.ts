// Every KMS API operation the sandbox implements, by the name in X-Amz-Target (TrentService.<name>).
// An operation not listed here is answered with UnknownOperationException by the protocol layer.
import { aliasOperations } from './aliases.js';
import { encryptionOperations } from './cryptography.js';
import { decryptionOperations } from './decryption.js';
import { grantListingOperations } from './grant-listing.js';
import { grantOperationsByName } from './grants.js';
import { keyLifecycleOperations } from './key-lifecycle.js';
import { keyManagementOperations } from './key-management.js';
import { keyPolicyOperations } from './key-policy-operations.js';
import type { KmsOperation } from './kms-call.js';
import { tagOperations } from './tags.js';

export const kmsOperations: Readonly<Record<string, KmsOperation>> = Object.freeze({
  ...keyManagementOperations,
  ...keyLifecycleOperations,
  ...keyPolicyOperations,
  ...aliasOperations,
  ...grantOperationsByName,
  ...grantListingOperations,
  ...encryptionOperations,
  ...decryptionOperations,
  ...tagOperations,
});
