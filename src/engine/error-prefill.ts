// What a pasted AWS error message answers of the diagnosis's questions (which key, which operation,
// whom). Shared by `check --error` and the wizard, so both read a message the same way.
import type { ParsedError } from './error-message-parser.js';
import { isKeyIdentifier, isPrincipalArn } from './identifiers.js';
import { findOperation } from './operations.js';

export interface ErrorAnswers {
  readonly key?: string;
  /** An operation name findOperation knows. */
  readonly operation?: string;
  readonly principal?: string;
  /** The encryption context a pasted CloudTrail event recorded, as JSON text (like --encryption-context). */
  readonly encryptionContext?: string;
}

export function answersFromError(parsed: ParsedError): ErrorAnswers {
  const key = parsed.keyArn ?? (parsed.resource && isKeyIdentifier(parsed.resource) ? parsed.resource : undefined);
  const operation = [parsed.operation, parsed.action].find((name) => name !== undefined && findOperation(name) !== undefined);
  const principal = parsed.principal !== undefined && isPrincipalArn(parsed.principal) ? parsed.principal : undefined;
  const context = parsed.cloudTrail?.encryptionContext;
  return {
    ...(key !== undefined ? { key } : {}),
    ...(operation !== undefined ? { operation } : {}),
    ...(principal !== undefined ? { principal } : {}),
    ...(context !== undefined ? { encryptionContext: JSON.stringify(context) } : {}),
  };
}
