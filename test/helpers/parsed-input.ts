// Typed key and principal references for tests, parsed by the one parser (src/engine/identifiers.ts) as
// the CLI and the wizard do; a typo in a test's identifier fails loudly instead of building a request
// no user could make.
import { parseDiagnosablePrincipal, parseKeyRef, type DiagnosablePrincipal, type KeyRef } from '../../src/engine/identifiers.js';

export function keyRef(text: string): KeyRef {
  const key = parseKeyRef(text);
  if (!key) throw new Error(`test input: ${text} is not a key identifier`);
  return key;
}

export function principalRef(arn: string): DiagnosablePrincipal {
  const principal = parseDiagnosablePrincipal(arn);
  if (!principal) throw new Error(`test input: ${arn} is not a user, role or role session ARN`);
  return principal;
}
