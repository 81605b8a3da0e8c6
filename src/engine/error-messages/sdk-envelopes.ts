// What surrounds the refusal: the CLI's and the SDKs' own framing (error code, operation, service,
// request ID), read from the whole paste and narrowed to the refusal it frames.
import { optional, withoutNamespace } from './arn-helpers.js';
import { DENIAL_SENTENCE } from './authorization-sentences.js';
import { KMS_OPERATIONS } from './kms-operations.js';
import { LAMBDA_ENVIRONMENT, serviceOfJavaName } from './service-wrappers.js';

/** Python (boto3, AWS CLI) and the AWS CLI v1 of 2014. */
export const CLI_CLAUSE =
  /(?:An error occurred \(([\w.#]+)\) when calling the (\w+) operation|A client error \(([\w.#]+)\) occurred when calling the (\w+) operation)/g;
/** Go SDK v2: "operation error S3: GetObject, https response error …". */
export const GO_V2_CLAUSE = /operation error ([A-Za-z0-9 ]{1,40}?): (\w+)\b/g;
/** Java SDK v1 "(Service: AWSKMS; Status Code: 400; Error Code: X; Request ID: Y…)" and v2 "(Service: Kms, Status Code: 400, Request ID: Y)". */
export const JAVA_CLAUSE =
  /\(Service:\s*([^;,()]{1,60}?)\s*[;,]\s*Status Code:\s*\d+\s*[;,](?:\s*Error Code:\s*([\w.]+)\s*[;,])?\s*Request ID:\s*([^;,)]*)/gi;
export const LAMBDA_KMS_CODE = /KMS Exception:\s*([A-Za-z.]{1,80}?)\s*(?=KMS Message)/;
export const STRUCTURED_CODE = /<Code>([\w.]+)<\/Code>|"__type"\s*:\s*"([^"]+)"|"errorCode"\s*:\s*"([\w.]+)"|"Code"\s*:\s*"([\w.]+)"/;
export const CODE_BEFORE_MESSAGE = /\b([\w.]*?(?:Exception|Fault|AccessDenied))\s*:\s*$/;
export const REQUEST_ID =
  /(?<!Extended |Host )\bRequest ?ID\s*[:=]\s*"?([A-Za-z0-9-]+)|<RequestId>([^<]+)<\/RequestId>|"requestID"\s*:\s*"([^"]+)"/gi;

export interface CliClause {
  readonly index: number;
  readonly code: string;
  readonly operation: string;
}

export interface GoClause {
  readonly index: number;
  readonly service: string;
  readonly operation: string;
}

export interface JavaClause {
  readonly index: number;
  readonly service: string;
  readonly code?: string;
}

export interface RequestIdMention {
  readonly index: number;
  readonly requestId: string;
}

export interface Context {
  readonly cliClauses: readonly CliClause[];
  readonly goClauses: readonly GoClause[];
  readonly javaClauses: readonly JavaClause[];
  readonly requestIds: readonly RequestIdMention[];
  readonly lambdaEnvironment: boolean;
  readonly lambdaKmsCode?: string;
  /** The code a service's clause attributes to KMS itself. */
  readonly kmsClauseCode?: string;
}

export function readContext(text: string): Context {
  const cliClauses = [...text.matchAll(CLI_CLAUSE)].map((match) => ({
    index: match.index,
    code: withoutNamespace(match[1] ?? match[3] ?? ''),
    operation: match[2] ?? match[4] ?? '',
  }));
  const goClauses = [...text.matchAll(GO_V2_CLAUSE)].map((match) => ({
    index: match.index,
    service: serviceOfJavaName(match[1] ?? ''),
    operation: match[2] ?? '',
  }));
  const javaClauses = [...text.matchAll(JAVA_CLAUSE)].map((match): JavaClause => {
    const service = serviceOfJavaName(match[1] ?? '');
    const code = match[2];
    return code === undefined ? { index: match.index, service } : { index: match.index, service, code: withoutNamespace(code) };
  });
  const lambdaKmsCode = LAMBDA_KMS_CODE.exec(text)?.[1];
  return {
    cliClauses,
    goClauses,
    javaClauses,
    requestIds: requestIdsIn(text),
    lambdaEnvironment: LAMBDA_ENVIRONMENT.test(text),
    ...optional('lambdaKmsCode', lambdaKmsCode === undefined ? undefined : withoutNamespace(lambdaKmsCode)),
    ...optional('kmsClauseCode', javaClauses.find((clause) => clause.service === 'KMS' && clause.code !== undefined)?.code),
  };
}

/**
 * The part of the context that belongs to the refusal at `index`: from the client's framing of that
 * error (its CLI or Go SDK clause) to the framing of the next one, so a paste of several errors does
 * not lend one error's request ID or service to another.
 */
export function contextAround(context: Context, index: number, text: string): Context {
  const frameStarts = [...context.cliClauses, ...context.goClauses].map((clause) => clause.index);
  const nextSentences = [...text.matchAll(DENIAL_SENTENCE)].map((match) => match.index).filter((at) => at > index);
  const start = frameStarts.filter((at) => at <= index).sort((a, b) => a - b).at(-1) ?? Math.max(0, index - 400);
  const end = Math.min(...frameStarts.filter((at) => at > index), ...nextSentences, text.length);
  const inFrame = (clause: { readonly index: number }): boolean => clause.index >= start && clause.index < end;
  const javaClauses = context.javaClauses.filter(inFrame);
  return {
    lambdaEnvironment: context.lambdaEnvironment,
    ...optional('lambdaKmsCode', context.lambdaKmsCode),
    cliClauses: context.cliClauses.filter(inFrame),
    goClauses: context.goClauses.filter(inFrame),
    javaClauses,
    requestIds: context.requestIds.filter(inFrame),
    ...optional('kmsClauseCode', javaClauses.find((clause) => clause.service === 'KMS' && clause.code !== undefined)?.code),
  };
}


/** Request IDs in the paste, placeholders (xxx, <id>, ****) skipped. */
export function requestIdsIn(text: string): RequestIdMention[] {
  const mentions: RequestIdMention[] = [];
  for (const match of text.matchAll(REQUEST_ID)) {
    const candidate = (match[1] ?? match[2] ?? match[3] ?? '').trim();
    if (/^[A-Za-z0-9-]{8,}$/.test(candidate) && !/^(.)\1*$/.test(candidate)) mentions.push({ index: match.index, requestId: candidate });
  }
  return mentions;
}

/** True when something in the paste says the call went to KMS (or a KMS error was quoted). */
export function attributedToKms(context: Context): boolean {
  return (
    context.kmsClauseCode !== undefined ||
    context.lambdaKmsCode !== undefined ||
    context.goClauses.some((clause) => clause.service === 'KMS') ||
    context.cliClauses.some((clause) => KMS_OPERATIONS.has(clause.operation))
  );
}

export function nearestBefore(clauses: readonly CliClause[], index: number): CliClause | undefined {
  return clauses.filter((clause) => clause.index <= index).at(-1);
}
