// Putting the facts together: the parsed error from the refusal found and the framing around it.
import type { MissingFact, ParsedError } from './parsed-error.js';
import { accountOf, asArn, kmsKeyArn, lastOf, optional, regionOf, withoutNamespace } from './arn-helpers.js';
import type { Finding } from './find-refusal.js';
import { KMS_OPERATIONS } from './kms-operations.js';
import { CODE_BEFORE_MESSAGE, nearestBefore, STRUCTURED_CODE, type Context } from './sdk-envelopes.js';
import { wrappingService } from './service-wrappers.js';

export function assemble(text: string, context: Context, finding: Finding): ParsedError {
  const sentence = finding.sentence;
  const principal = asArn(sentence?.principalText);
  const resource = asArn(sentence?.resourceText);
  const keyArn = kmsKeyArn(resource) ?? kmsKeyArn(asArn(finding.keyText));
  const service = wrappingService(text, context);
  const statedOperation = operationNamed(context, finding.index);
  const action = sentence?.action ?? impliedAction(statedOperation, service, context);
  const operation = statedOperation ?? kmsOperationOf(action);
  const denial = sentence?.denial ?? (finding.obscured === true ? 'obscured' : undefined);
  const resourceDescription =
    sentence?.resourceDescription ?? (finding.kind === 'ciphertext-key-unknown' ? 'ciphertext' : undefined);

  const missing: MissingFact[] = [];
  if (principal === undefined) missing.push('principal');
  if (operation === undefined) missing.push('operation');
  if (keyArn === undefined) missing.push('key');

  return {
    kind: finding.kind,
    ...optional('errorCode', reportedCode(text, context, finding)),
    ...optional('operation', operation),
    ...optional('principal', principal),
    ...optional('action', action),
    ...optional('resource', resource),
    ...optional('keyArn', keyArn),
    ...optional('resourceDescription', resourceDescription),
    ...optional('policyType', sentence?.policyType),
    ...optional('denial', denial),
    ...optional('denyingPolicyArn', sentence?.denyingPolicyArn),
    ...optional('service', service),
    // The last one: the outermost call when a service quotes KMS's own request ID before its own.
    ...optional('requestId', context.requestIds.at(-1)?.requestId),
    ...optional('accountId', accountOf(principal) ?? accountOf(resource) ?? accountOf(keyArn)),
    ...optional('region', regionOf(keyArn) ?? regionOf(resource)),
    missing,
  };
}

/** The code the refusal was reported with, KMS's own first when a service quotes it. */
export function reportedCode(text: string, context: Context, finding: Finding): string | undefined {
  const before = CODE_BEFORE_MESSAGE.exec(text.slice(Math.max(0, finding.index - 120), finding.index))?.[1];
  const framing = nearestBefore(context.cliClauses, finding.index)?.code;
  const structured = STRUCTURED_CODE.exec(text);
  const structuredCode = structured?.slice(1).find((group) => group !== undefined);
  const candidates = [
    context.kmsClauseCode,
    context.lambdaKmsCode,
    finding.namedCode,
    before === undefined ? undefined : withoutNamespace(before),
    framing,
    lastOf(context.javaClauses, (clause) => clause.code !== undefined)?.code,
    structuredCode === undefined ? undefined : withoutNamespace(structuredCode),
  ];
  return candidates.find((code) => code !== undefined && code !== '');
}

/** The operation the message says was called: the CLI clause that frames the refusal, else the Go SDK's. */
export function operationNamed(context: Context, index: number): string | undefined {
  const clause = nearestBefore(context.cliClauses, index) ?? context.cliClauses[0];
  return clause?.operation ?? context.goClauses[0]?.operation;
}

/** Lambda decrypts environment variables with kms:Decrypt; a KMS operation names its own action. */
export function impliedAction(operation: string | undefined, service: string | undefined, context: Context): string | undefined {
  if (operation !== undefined && KMS_OPERATIONS.has(operation)) return `kms:${operation}`;
  if (service === 'Lambda' && context.lambdaEnvironment) return 'kms:Decrypt';
  return undefined;
}

export function kmsOperationOf(action: string | undefined): string | undefined {
  const match = /^kms:([A-Za-z]+)$/i.exec(action ?? '');
  const name = match?.[1];
  if (name === undefined) return undefined;
  return [...KMS_OPERATIONS].find((operation) => operation.toLowerCase() === name.toLowerCase());
}
