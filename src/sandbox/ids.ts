// Identifiers in the shapes AWS uses, so that they look familiar in output and pass SDK/CLI validation.
import { randomBytes, randomUUID } from 'node:crypto';

const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomUpper(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += base32[byte % 32];
  return out;
}

/** Long-term access key ID of an IAM user (AKIA + 16). */
export const newAccessKeyId = (): string => 'AKIA' + randomUpper(16);
/** Temporary access key ID issued by STS (ASIA + 16). */
export const newTemporaryAccessKeyId = (): string => 'ASIA' + randomUpper(16);
/** 40-character secret access key. */
export const newSecretAccessKey = (): string => randomBytes(30).toString('base64');
/** An opaque session token, long like AWS's. */
export const newSessionToken = (): string => 'IQoJb3JpZ2luX2VjE' + randomBytes(180).toString('base64');
export const newUserId = (): string => 'AIDA' + randomUpper(17);
export const newRoleId = (): string => 'AROA' + randomUpper(17);
export const newGroupId = (): string => 'AGPA' + randomUpper(17);
export const newPolicyId = (): string => 'ANPA' + randomUpper(17);
export const newKeyId = (): string => randomUUID();
/** Grant IDs are 64 hex characters. */
export const newGrantId = (): string => randomBytes(32).toString('hex');
export const newGrantToken = (): string => randomBytes(96).toString('base64');
// A request ID only has to be unique and shaped like AWS's (a UUID): one random UUID per process whose
// last 12 hex digits count the requests. A random UUID per request was a tenth of a millisecond under
// load, a fifth of the sandbox's own time per Decrypt.
const requestIdPrefix = randomUUID().slice(0, 24);
let requestCount = 0;
export const newRequestId = (): string => requestIdPrefix + (requestCount++ % 2 ** 48).toString(16).padStart(12, '0');

export const nowIso = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
