// SDK failures in our own vocabulary. Classification goes by `err.name` only: KMS has no
// AccessDeniedException class, IAM's unmodelled errors (AccessDenied, Throttling) have none either, and
// a name survives every SDK version bump where an `instanceof` would not (SDK-AND-SAFETY §0.2, §2.6).
// Messages keep AWS's wording but never the raw error: `$response` holds HTTP data, and nothing that
// looks like a credential may reach a terminal, a log or `--json` output.

export type AwsCallErrorKind =
  | 'access-denied'
  | 'not-found'
  | 'key-state'
  | 'throttled'
  | 'credentials'
  | 'network'
  /** The endpoint answered, but not like AWS (an HTML page, garbage, an empty body): a wrong --endpoint-url. */
  | 'non-aws'
  | 'validation'
  | 'other';

export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
  readonly kind: AwsCallErrorKind;
  /** AWS's error code (AccessDeniedException, NoSuchEntity…) or Node's network code (ECONNREFUSED). */
  readonly code: string;
  /** The call that failed, e.g. kms:GetKeyPolicy; `credentials` while getting credentials. */
  readonly call: string;
  readonly httpStatusCode?: number;
  readonly requestId?: string;

  constructor(fields: { kind: AwsCallErrorKind; code: string; call: string; message: string; httpStatusCode?: number; requestId?: string }) {
    super(redactSecrets(fields.message));
    this.kind = fields.kind;
    this.code = fields.code;
    this.call = fields.call;
    if (fields.httpStatusCode !== undefined) this.httpStatusCode = fields.httpStatusCode;
    if (fields.requestId !== undefined) this.requestId = fields.requestId;
  }
}

/** Failures after which no further call can succeed: the diagnosis stops instead of collecting them as facts. */
export const isStopping = (error: AwsCallError): boolean => error.kind === 'credentials' || error.kind === 'network' || error.kind === 'non-aws';

const names: Readonly<Record<Exclude<AwsCallErrorKind, 'network' | 'non-aws' | 'other'>, readonly string[]>> = {
  'access-denied': ['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnauthorizedException'],
  'not-found': ['NotFoundException', 'NoSuchEntityException', 'NoSuchEntity'],
  'key-state': ['KMSInvalidStateException', 'DisabledException', 'KeyUnavailableException', 'InvalidStateException'],
  throttled: ['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown'],
  credentials: [
    'CredentialsProviderError',
    'ProviderError',
    'TokenProviderError',
    'UnrecognizedClientException',
    'InvalidClientTokenId',
    'ExpiredToken',
    'ExpiredTokenException',
    'InvalidSignatureException',
    'SignatureDoesNotMatch',
    'MissingAuthenticationToken',
    'MissingAuthenticationTokenException',
    'IncompleteSignature',
    'IncompleteSignatureException',
    'InvalidAccessKeyId',
    'AuthFailure',
  ],
  validation: [
    'ValidationException',
    'ValidationError',
    'InvalidInput',
    'InvalidInputException',
    'InvalidParameterValue',
    'InvalidArnException',
    'InvalidAliasNameException',
    'InvalidMarkerException',
    'InvalidGrantTokenException',
    'MalformedPolicyDocumentException',
    'MalformedPolicyDocument',
  ],
};

/** Node's codes for a peer that cannot be reached, and the SDK's names for timeouts. */
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED', 'EPROTO', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
const timeoutNames = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

interface ErrorFields {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly httpStatusCode?: number;
  readonly requestId?: string;
}

/** Reads the few fields we use from anything thrown, without keeping the object (it may hold the raw response). */
function fieldsOf(error: unknown): ErrorFields {
  if (typeof error !== 'object' || error === null) return { name: 'Error', message: String(error) };
  const e = error as { name?: unknown; message?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown; requestId?: unknown } };
  const status = e.$metadata?.httpStatusCode;
  const requestId = e.$metadata?.requestId;
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : '',
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof status === 'number' ? { httpStatusCode: status } : {}),
    ...(typeof requestId === 'string' ? { requestId } : {}),
  };
}

/**
 * Why an answer was not one AWS gives, or undefined when it may be. The SDK's deserializers fail with
 * SyntaxError (JSON protocols: KMS), "XML parse error" (query protocols: IAM, STS) or a "Deserialization
 * error" (any), and an HTTP error without any AWS error in its body comes back as name "Unknown"-ish
 * with message "Unknown" and no request ID (AWS always sends one). EmptyResponse is ours: a 200 without
 * the fields every AWS answer to that call has.
 */
function nonAwsAnswer(f: ErrorFields): string | undefined {
  const status = f.httpStatusCode !== undefined ? `HTTP ${f.httpStatusCode}, ` : '';
  const firstLine = f.message.split('\n')[0]!.trim();
  if (f.name === 'SyntaxError') return `${status}not the JSON AWS sends: ${firstLine}`;
  if (/XML parse error/i.test(f.message)) return `${status}not the XML AWS sends`;
  if (/Deserialization error/i.test(f.message)) return `${status}an answer the AWS SDK could not read${firstLine && !/Deserialization error/i.test(firstLine) ? `: ${firstLine}` : ''}`;
  if (f.name === 'EmptyResponse') return `${status}${firstLine}`;
  if (f.message === 'Unknown' && f.requestId === undefined && f.httpStatusCode !== undefined) return `HTTP ${f.httpStatusCode} with no AWS error and no request ID`;
  return undefined;
}

const nonAwsMessage = (where: string, call: string, detail: string) =>
  `${where} does not answer like AWS (${call}: ${detail}). Check --endpoint-url, AWS_ENDPOINT_URL and the profile's endpoint_url.`;

/**
 * The HTTP handler's time limits in words ("did not answer within 30 s"), or undefined for any other
 * failure. @smithy/node-http-handler names all three TimeoutError and puts the limit in its message:
 * connectionTimeout ("did not establish a connection … within the configured timeout of N ms"),
 * requestTimeout ("exceeded the configured N ms requestTimeout") and socketTimeout ("timed out after N ms
 * of inactivity").
 */
function timeoutSentence(f: ErrorFields): string | undefined {
  // A body that stalls after the headers reaches us wrapped in the deserializer's error.
  const stalledBody = /socket timed out after \d+ ?ms of inactivity/i.test(f.message);
  if (f.name !== 'TimeoutError' && !stalledBody) return undefined;
  const ms = /(\d+) ?ms/.exec(f.message)?.[1];
  const limit = ms !== undefined ? ` within ${Number(ms) / 1000} s` : ' in time';
  if (/establish a connection/i.test(f.message)) return `did not accept a connection${limit}`;
  if (/inactivity/i.test(f.message)) return `stopped sending its answer for longer than${limit.replace(' within', '')}`;
  return `accepted the connection but did not answer${limit}${ms !== undefined ? ' per attempt' : ''}`;
}

export function isNetworkFailure(error: unknown): boolean {
  const f = fieldsOf(error);
  return (f.code !== undefined && networkCodes.has(f.code)) || timeoutNames.has(f.name);
}

function kindOf(f: ErrorFields): AwsCallErrorKind {
  if ((f.code !== undefined && networkCodes.has(f.code)) || timeoutNames.has(f.name) || timeoutSentence(f) !== undefined) return 'network';
  for (const [kind, list] of Object.entries(names) as [AwsCallErrorKind, readonly string[]][]) {
    if (list.includes(f.name)) return kind;
  }
  return f.httpStatusCode === 429 ? 'throttled' : 'other';
}

export interface CallContext {
  /** e.g. kms:DescribeKey */
  readonly call: string;
  /** Where the call went (the configured endpoint, or AWS's own), for network messages. */
  readonly endpoint?: string;
}

/** Turns anything an SDK call threw into an AwsCallError; an AwsCallError passes through unchanged. */
export function classifyAwsError(error: unknown, context: CallContext): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const f = fieldsOf(error);
  const where = context.endpoint ?? 'the AWS endpoint';
  const notAws = timeoutSentence(f) === undefined ? nonAwsAnswer(f) : undefined;
  if (notAws !== undefined) {
    return new AwsCallError({
      kind: 'non-aws',
      code: f.name,
      call: context.call,
      message: nonAwsMessage(where, context.call, notAws),
      ...(f.httpStatusCode !== undefined ? { httpStatusCode: f.httpStatusCode } : {}),
    });
  }
  const kind = kindOf(f);
  const timedOut = timeoutSentence(f);
  const message =
    timedOut !== undefined
      ? `${context.call}: ${where} ${timedOut}. Check --endpoint-url, AWS_ENDPOINT_URL, the network and any proxy; KMS_DOCTOR_REQUEST_TIMEOUT sets the limit (seconds).`
      : kind === 'network'
      ? `${context.call}: could not reach ${where} (${f.code ?? f.name}: ${f.message}). Check --endpoint-url, AWS_ENDPOINT_URL, the network and any proxy.`
      : f.message || `${f.name} (no message from AWS)`;
  return new AwsCallError({
    kind,
    code: kind === 'network' ? (f.code ?? f.name) : f.name,
    call: context.call,
    message,
    ...(f.httpStatusCode !== undefined ? { httpStatusCode: f.httpStatusCode } : {}),
    ...(f.requestId !== undefined ? { requestId: f.requestId } : {}),
  });
}

/**
 * A failure of the credential provider chain: whatever the SDK threw (CredentialsProviderError, STS's
 * AccessDenied for a role profile whose trust policy refuses, a network error on the way to STS) means
 * "no usable credentials", except an unreachable endpoint, which keeps its own kind.
 */
export function classifyCredentialError(error: unknown, context: { profile: string | undefined; endpoint?: string; instanceMetadataTried?: boolean }): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const forProfile = context.profile !== undefined ? ` for profile '${context.profile}'` : '';
  const f = fieldsOf(error);
  const timedOut = timeoutSentence(f);
  if (isNetworkFailure(error) || timedOut !== undefined) {
    const where = context.endpoint ?? 'the credentials endpoint';
    return new AwsCallError({
      kind: 'network',
      code: f.code ?? f.name,
      call: 'credentials',
      message:
        timedOut !== undefined
          ? `Getting credentials${forProfile}: ${where} ${timedOut}. Check --endpoint-url, the profile's endpoint_url, the network and any proxy; KMS_DOCTOR_REQUEST_TIMEOUT sets the limit (seconds).`
          : `Getting credentials${forProfile}: could not reach ${where} (${f.code ?? f.name}: ${f.message}). Check --endpoint-url, the profile's endpoint_url, the network and any proxy.`,
    });
  }
  const notAws = nonAwsAnswer(f);
  if (notAws !== undefined) {
    return new AwsCallError({
      kind: 'non-aws',
      code: f.name,
      call: 'credentials',
      message: nonAwsMessage(context.endpoint ?? 'the credentials endpoint', `getting credentials${forProfile}`, notAws),
    });
  }
  // STS throttling an AssumeRole says nothing about the credentials: it is throttling, and is said so.
  if (names.throttled.includes(f.name) || f.httpStatusCode === 429) {
    return new AwsCallError({
      kind: 'throttled',
      code: f.name,
      call: 'credentials',
      message: `Getting credentials${forProfile}: AWS throttled the call (${f.name}: ${f.message || 'too many requests'}); run again in a minute, or lower the request rate of other clients using this account.`,
      ...(f.httpStatusCode !== undefined ? { httpStatusCode: f.httpStatusCode } : {}),
    });
  }
  const named = context.profile !== undefined ? namedProfileFailure(context.profile, f.message) : undefined;
  if (named !== undefined) return new AwsCallError({ kind: 'credentials', code: named.code, call: 'credentials', message: redactSecrets(named.message) });
  const nothingFound = /Could not load credentials from any providers/i.test(f.message);
  const tried =
    context.instanceMetadataTried === false
      ? 'environment, shared config and credentials files, SSO, credential_process and web identity were tried; not the container or instance metadata endpoints, because the endpoint is on this machine'
      : 'environment, shared config and credentials files, SSO, credential_process, web identity, container and instance metadata were tried';
  const message = nothingFound
    ? `No AWS credentials found (${tried}). ` + 'Pass --profile NAME, set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.'
    : `Could not get AWS credentials${forProfile}: ${f.name}: ${f.message || 'no details'}`;
  return new AwsCallError({
    kind: 'credentials',
    code: nothingFound ? 'NoCredentials' : f.name,
    call: 'credentials',
    message,
    ...(f.httpStatusCode !== undefined ? { httpStatusCode: f.httpStatusCode } : {}),
  });
}

/** A named profile's own failure, in one line with the next step (the aws CLI's advice where it has one). */
function namedProfileFailure(profile: string, message: string): { code: string; message: string } | undefined {
  if (/requires multi-factor authentication/i.test(message)) {
    return {
      code: 'MfaCodeRequired',
      message: `profile '${profile}' assumes its role with MFA (mfa_serial), and there is no terminal to ask for the code: run kms-doctor on a terminal, or export the credentials of 'aws sts assume-role … --serial-number … --token-code …' instead`,
    };
  }
  if (/\bSSO\b/.test(message) && /(expired|not found|invalid|refresh|sso login)/i.test(message)) {
    return { code: 'SsoSessionExpired', message: `the SSO session of profile '${profile}' has expired or was never started: run aws sso login --profile ${profile}` };
  }
  const commandFailed = /^Command failed: [^\n]*\n([\s\S]*)$/.exec(message);
  if (commandFailed) {
    // exec's message: the command line, then its stderr. The command may hold arguments we need not repeat.
    const said = commandFailed[1]!.split('\n').map((line) => line.trim()).filter(Boolean).join('; ');
    return { code: 'CredentialProcessFailed', message: `the credential_process of profile '${profile}' failed: ${said || 'it printed nothing on stderr'}` };
  }
  if (/credential_process/.test(message)) return { code: 'CredentialProcessFailed', message: `profile '${profile}': ${message.split('\n')[0]}` };
  return undefined;
}

/**
 * AWS messages carry no secrets, but provider errors can quote configuration; strip anything shaped
 * like an access key ID, and the value of any secret-looking setting, before a message leaves us.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/\b((?:AKIA|ASIA)[A-Z0-9]{4})[A-Z0-9]{12}\b/g, '$1************')
    .replace(/((?:aws_secret_access_key|aws_session_token|secretAccessKey|sessionToken|x-amz-security-token|Authorization)["']?\s*[:=]\s*["']?)[^\s"',;]+/gi, '$1[redacted]');
}
