// Grant tokens. KMS returns a fresh token from every CreateGrant call, even when a retried call
// (same Name) returns an existing grant, and all tokens of a grant are interchangeable. So a token
// here carries its grant ID (version byte, 32-byte grant ID, random padding); the one token stored
// with a grant (scenarios may set any value) is also accepted as is.
import { randomBytes } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { GrantState, KeyState, SandboxState } from '../state.js';

const tokenVersion = 1;
const tokenLength = 1 + 32 + 64;

export function newGrantTokenFor(grantId: string): string {
  const id = /^[0-9a-f]{64}$/.test(grantId) ? Buffer.from(grantId, 'hex') : Buffer.alloc(32);
  return Buffer.concat([Buffer.from([tokenVersion]), id, randomBytes(64)]).toString('base64');
}

/** The grant ID a token names, when it is one of ours. */
function grantIdOf(token: string): string | undefined {
  const bytes = Buffer.from(token, 'base64');
  if (bytes.length !== tokenLength || bytes[0] !== tokenVersion) return undefined;
  return bytes.subarray(1, 33).toString('hex');
}

export interface GrantOnKey {
  readonly key: KeyState;
  readonly grant: GrantState;
}

export function findGrantByToken(state: SandboxState, token: string): GrantOnKey | undefined {
  const grantId = grantIdOf(token);
  for (const key of Object.values(state.keys)) {
    const grant = key.grants.find((g) => g.grantToken === token || (grantId !== undefined && g.grantId === grantId));
    if (grant) return { key, grant };
  }
  return undefined;
}

export const invalidGrantToken = (): AwsError => new AwsError('InvalidGrantTokenException', 'The grant token is not valid.');

/**
 * Checks the GrantTokens of a request: a value that is not a grant token at all is refused, as KMS does.
 * Grants CreateGrant makes take effect at once here; a token matters only for a scenario's grant still
 * propagating (key-authorization.ts, grantInEffect).
 */
export function checkGrantTokens(state: SandboxState, tokens: readonly string[] | undefined): void {
  for (const token of tokens ?? []) {
    if (grantIdOf(token) === undefined && findGrantByToken(state, token) === undefined) throw invalidGrantToken();
  }
}
