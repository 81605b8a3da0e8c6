// Reads a KMS refusal as a user pastes it (AWS CLI output, an SDK exception, a service's wrapped
// message, a CloudTrail errorMessage, a terminal or log excerpt) and says what the text tells the
// diagnosis: who was refused, which action on which key, which policy type AWS blamed, and what the
// text leaves unsaid. Pure: no AWS SDK, no I/O, never throws.
// Formats: shared/domain/KMS-DENIALS.md §2 (IAM access-denied wording), §1.1 H (key-state texts),
// J (look-alikes) and K (service wrappers).

export type KmsErrorKind =
  | 'access-denied'
  | 'key-disabled'
  | 'key-pending-deletion'
  | 'key-pending-import'
  | 'key-unavailable'
  | 'key-not-found'
  | 'invalid-ciphertext'
  | 'incorrect-key'
  | 'ciphertext-key-unknown'
  | 'other';

/** The policy type AWS names in "because no … allows" or "with an explicit deny in …". */
export type BlamedPolicyType =
  | 'identity-based'
  | 'resource-based'
  | 'session'
  | 'permissions-boundary'
  | 'vpc-endpoint'
  | 'service-control'
  | 'resource-control'
  | 'role-trust';

/** explicit: a Deny statement matched; implicit: nothing allowed; obscured: AWS will not say which. */
export type DenialKind = 'explicit' | 'implicit' | 'obscured';

/** How the message names the resource when it gives no ARN. */
export type ResourceDescription = 'this-resource' | 'ciphertext';

/** A fact the diagnosis needs that the message does not give. */
export type MissingFact = 'principal' | 'operation' | 'key';

/** The diagnosis step the message points at first. */
export type FirstDiagnosisStep = 'key-state' | 'key-policy' | 'identity-policies' | 'grants';

export interface ParsedError {
  /** What kind of refusal the text reports. */
  readonly kind: KmsErrorKind;
  /** The error code as reported, without a namespace prefix (KMS.NotFoundException → NotFoundException); KMS's own code when a wrapping service quotes it. */
  readonly errorCode?: string;
  /** The API operation refused, as the message names it (GetObject, Decrypt), else the KMS operation of `action`. */
  readonly operation?: string;
  /** ARN of the refused caller. */
  readonly principal?: string;
  /** IAM action refused, as written (kms:Decrypt). */
  readonly action?: string;
  /** ARN of the resource the message names (for S3, the bucket or object). */
  readonly resource?: string;
  /** ARN of the KMS key, or of the alias, that the message names. */
  readonly keyArn?: string;
  /** How the message names the resource when it gives no ARN. */
  readonly resourceDescription?: ResourceDescription;
  /** The policy type AWS blamed. */
  readonly policyType?: BlamedPolicyType;
  readonly denial?: DenialKind;
  /** ARN of the policy whose Deny matched, when AWS names it. */
  readonly denyingPolicyArn?: string;
  /** The AWS service that called KMS for the caller and reported the refusal (S3, Lambda, DynamoDB…). */
  readonly service?: string;
  /** Request ID of the refused call, for AWS Support or CloudTrail. */
  readonly requestId?: string;
  /** Account of the principal, else of the resource. */
  readonly accountId?: string;
  /** Region of the key, from its ARN. */
  readonly region?: string;
  /** What the diagnosis still needs that the message does not say. */
  readonly missing: readonly MissingFact[];
}

// ---------------------------------------------------------------------------------------------
// Patterns

const ACTION = String.raw`[A-Za-z0-9-]+:[A-Za-z0-9*]+`;
const POLICY_TYPES = String.raw`identity-based policy|resource-based policy|sessions? policy|permissions boundary|VPC endpoint policy|service control policy|resource control policy|role trust policy`;

/** "User: ARN is not authorized to perform: ACTION"; the user clause is absent from some quotes. */
const DENIAL_SENTENCE = new RegExp(
  String.raw`(?:\bUser:?\s+("?)(\S{1,400}(?:\s\S{1,400}){0,2}?)\1\s+)?is not authorized to perform:?\s+(${ACTION})`,
  'gi',
);
const RESOURCE_CLAUSE =
  /^\s*on\s+(?:resource:?\s*(?:"([^"]*)"|(\S+))|(this resource|the resource associated with this ciphertext))/i;
const IMPLICIT_REASON = new RegExp(String.raw`because (?:no|the) (${POLICY_TYPES}) allows? the ${ACTION} action`, 'i');
const EXPLICIT_REASON = new RegExp(
  String.raw`explicit deny in (?:a|an|the) (VPC endpoint policy transitively through a service control policy|${POLICY_TYPES})(?:\s*:\s*(arn:[^\s"'<>]+))?`,
  'i',
);
const BARE_EXPLICIT_REASON = /with an explicit deny\b/i;
const OBSCURED_REASON = /because the resource does not exist in this Region/i;

/** The older vague denial, and the wording Kinesis and SNS use for the same thing. */
const CLASSIC_DENIAL =
  /The ciphertext refers to a customer master key that does not exist|The ciphertext references a key that doesn't exist or that you don't have access to/i;

/** KMS-DG key-state.md: "DisabledException: <key ARN> is disabled.", "KMSInvalidStateException: <key ARN> is pending import.". */
const KEY_STATE =
  /(?:\b([A-Za-z.]{0,80}Exception)\s*:?\s*)?(arn:aws[\w-]*:kms:[^\s"'<>]{1,400}?)\s+is\s+(disabled|pending deletion|pending replica deletion|pending import|unavailable|creating|updating)\b/i;
const KEY_DOES_NOT_EXIST = /Key '(arn:[^']{1,400})' does not exist/i;
const ALIAS_NOT_FOUND = /Alias (arn:\S{1,400}) is not found/i;
const INVALID_ARN = /\bInvalid arn\b/i;
const INCORRECT_KEY =
  /\bIncorrectKeyException\b|The key ID in the request does not identify a (?:CMK|KMS key) that can perform this operation/i;
const INVALID_CIPHERTEXT = /\bInvalidCiphertextException\b/;
const LAMBDA_ENVIRONMENT = /Lambda was unable to decrypt (?:the |your )?environment variables/i;
const SECRETS_MANAGER_KMS = /Access to KMS is not allowed/i;
const DYNAMODB_KMS = /KMS key access denied error/i;

/** Codes that only KMS, or a service reporting a KMS failure, uses. */
const KMS_ONLY_CODES =
  /\b(?:[A-Za-z]+\.)?(KMSAccessDeniedException|KmsAccessDeniedException|KMSAccessDenied|KMSDisabledException|KMSKeyDisabledException|KMSNotFoundException|KMSInvalidStateException|KMSKeyNotAccessibleFault|InvalidKMSResourceException|KMSOptInRequired|KMSThrottlingException|DisabledException|InvalidKeyUsageException|KeyUnavailableException|InvalidGrantTokenException)\b/;

/** Python (boto3, AWS CLI) and the AWS CLI v1 of 2014. */
const CLI_CLAUSE =
  /(?:An error occurred \(([\w.#]+)\) when calling the (\w+) operation|A client error \(([\w.#]+)\) occurred when calling the (\w+) operation)/g;
/** Go SDK v2: "operation error S3: GetObject, https response error …". */
const GO_V2_CLAUSE = /operation error ([A-Za-z0-9 ]{1,40}?): (\w+)\b/g;
/** Java SDK v1 "(Service: AWSKMS; Status Code: 400; Error Code: X; Request ID: Y…)" and v2 "(Service: Kms, Status Code: 400, Request ID: Y)". */
const JAVA_CLAUSE =
  /\(Service:\s*([^;,()]{1,60}?)\s*[;,]\s*Status Code:\s*\d+\s*[;,](?:\s*Error Code:\s*([\w.]+)\s*[;,])?\s*Request ID:\s*([^;,)]*)/gi;
const LAMBDA_KMS_CODE = /KMS Exception:\s*([A-Za-z.]{1,80}?)\s*(?=KMS Message)/;
const STRUCTURED_CODE = /<Code>([\w.]+)<\/Code>|"__type"\s*:\s*"([^"]+)"|"errorCode"\s*:\s*"([\w.]+)"|"Code"\s*:\s*"([\w.]+)"/;
const CODE_BEFORE_MESSAGE = /\b([\w.]*?(?:Exception|Fault|AccessDenied))\s*:\s*$/;
const REQUEST_ID =
  /(?<!Extended |Host )\bRequest ?ID\s*[:=]\s*"?([A-Za-z0-9-]+)|<RequestId>([^<]+)<\/RequestId>|"requestID"\s*:\s*"([^"]+)"/gi;
const S3_ONLY_DETAIL = /<HostId>|\bhost ?id:|Extended Request ID:/i;

const KMS_ARN = /^arn:aws[\w-]*:kms:([^:]*):([^:]*):(key|alias)\/(.+)$/;
const KEY_OR_ALIAS_ID = /^(?:key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const ACCOUNT_IN_ARN = /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/;

const KMS_OPERATIONS = new Set([
  'CancelKeyDeletion', 'ConnectCustomKeyStore', 'CreateAlias', 'CreateGrant', 'CreateKey', 'Decrypt', 'DeleteAlias',
  'DeleteImportedKeyMaterial', 'DeriveSharedSecret', 'DescribeKey', 'DisableKey', 'DisableKeyRotation', 'EnableKey',
  'EnableKeyRotation', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext', 'GenerateMac', 'GenerateRandom', 'GetKeyPolicy', 'GetKeyRotationStatus',
  'GetParametersForImport', 'GetPublicKey', 'ImportKeyMaterial', 'ListAliases', 'ListGrants', 'ListKeyPolicies',
  'ListKeyRotations', 'ListKeys', 'ListResourceTags', 'ListRetirableGrants', 'PutKeyPolicy', 'ReEncrypt', 'ReplicateKey',
  'RetireGrant', 'RevokeGrant', 'RotateKeyOnDemand', 'ScheduleKeyDeletion', 'Sign', 'UpdateAlias', 'UpdateKeyDescription',
  'UpdatePrimaryRegion', 'Verify', 'VerifyMac',
]);

/** Operations of the services that call KMS for their callers (KMS-DENIALS §3), by AWS SDK service ID. */
const SERVICE_OF_OPERATION = new Map<string, string>(
  Object.entries({
    S3: ['GetObject', 'PutObject', 'CopyObject', 'HeadObject', 'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'SelectObjectContent', 'GetObjectAttributes'],
    DynamoDB: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems', 'CreateTable', 'UpdateTable'],
    SSM: ['GetParameter', 'GetParameters', 'GetParametersByPath', 'GetParameterHistory', 'PutParameter'],
    'Secrets Manager': ['GetSecretValue', 'BatchGetSecretValue', 'PutSecretValue', 'CreateSecret', 'UpdateSecret', 'RotateSecret'],
    SNS: ['Publish', 'PublishBatch'],
    SQS: ['SendMessage', 'SendMessageBatch', 'ReceiveMessage'],
    Kinesis: ['PutRecord', 'PutRecords', 'GetRecords'],
    Lambda: ['Invoke', 'CreateFunction', 'UpdateFunctionConfiguration'],
    EC2: ['RunInstances', 'StartInstances', 'CreateVolume', 'AttachVolume', 'CopySnapshot', 'CopyImage'],
    RDS: ['CreateDBInstance', 'RestoreDBInstanceFromDBSnapshot', 'CopyDBSnapshot'],
    'CloudWatch Logs': ['GetLogEvents', 'FilterLogEvents', 'PutLogEvents'],
  }).flatMap(([service, operations]) => operations.map((operation): [string, string] => [operation, service])),
);

/** Java SDK service names ("AmazonDynamoDBv2", "AWSKMS", "Kms") by their lower-cased, space-free form. */
const SERVICE_OF_JAVA_NAME = new Map<string, string>([
  ['awskms', 'KMS'], ['kms', 'KMS'],
  ['amazons3', 'S3'], ['s3', 'S3'],
  ['amazondynamodbv2', 'DynamoDB'], ['amazondynamodb', 'DynamoDB'], ['dynamodb', 'DynamoDB'],
  ['awssecretsmanager', 'Secrets Manager'], ['secretsmanager', 'Secrets Manager'],
  ['awssimplesystemsmanagement', 'SSM'], ['ssm', 'SSM'],
  ['awslambda', 'Lambda'], ['lambda', 'Lambda'],
  ['amazonsns', 'SNS'], ['sns', 'SNS'],
  ['amazonsqs', 'SQS'], ['sqs', 'SQS'],
  ['amazonkinesis', 'Kinesis'], ['kinesis', 'Kinesis'],
  ['amazonec2', 'EC2'], ['ec2', 'EC2'],
  ['amazonrds', 'RDS'], ['rds', 'RDS'],
]);

const KIND_OF_CODE = new Map<string, KmsErrorKind>([
  ['AccessDeniedException', 'access-denied'], ['AccessDenied', 'access-denied'],
  ['KMSAccessDeniedException', 'access-denied'], ['KmsAccessDeniedException', 'access-denied'], ['KMSAccessDenied', 'access-denied'],
  ['DisabledException', 'key-disabled'], ['KMSDisabledException', 'key-disabled'], ['KMSKeyDisabledException', 'key-disabled'],
  ['NotFoundException', 'key-not-found'], ['KMSNotFoundException', 'key-not-found'],
  ['InvalidCiphertextException', 'invalid-ciphertext'],
  ['IncorrectKeyException', 'incorrect-key'],
]);

const KIND_OF_KEY_STATE: Record<string, KmsErrorKind> = {
  disabled: 'key-disabled',
  'pending deletion': 'key-pending-deletion',
  'pending replica deletion': 'key-pending-deletion',
  'pending import': 'key-pending-import',
  unavailable: 'key-unavailable',
  creating: 'other',
  updating: 'other',
};

const STATE_CODES = new Set(['DisabledException', 'KMSInvalidStateException', 'KMSDisabledException', 'KMSKeyDisabledException']);

/** Longer than any real paste needs; keeps the patterns' work bounded. */
const MAX_INPUT_LENGTH = 200_000;

// ---------------------------------------------------------------------------------------------
// Public API

export function parseKmsError(text: string): ParsedError | undefined {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const normalized = normalize(text);
  const context = readContext(normalized);
  const finding = findRefusal(normalized, context);
  if (finding === undefined) return undefined;
  return assemble(normalized, contextAround(context, finding.index, normalized), finding);
}

/**
 * Which diagnosis step the message points at first: the key's state when AWS names it, the key
 * policy for a resource-based or obscured denial, the caller's own policies for an identity-based,
 * permissions-boundary or session denial, and grants when Lambda could not decrypt its environment
 * variables without naming a policy (a stale grant after the role was recreated, KMS-DENIALS GR-5).
 */
export function firstStepFor(parsed: ParsedError): FirstDiagnosisStep | undefined {
  switch (parsed.kind) {
    case 'key-disabled':
    case 'key-pending-deletion':
    case 'key-pending-import':
    case 'key-unavailable':
    case 'key-not-found':
      return 'key-state';
    case 'invalid-ciphertext':
    case 'incorrect-key':
      return undefined;
    case 'other':
      return parsed.errorCode !== undefined && STATE_CODES.has(parsed.errorCode) ? 'key-state' : undefined;
    case 'access-denied':
    case 'ciphertext-key-unknown':
      break;
  }
  switch (parsed.policyType) {
    case 'resource-based':
      return 'key-policy';
    case 'identity-based':
    case 'permissions-boundary':
    case 'session':
      return 'identity-policies';
    case undefined:
      break;
    default:
      return undefined; // Organization and network policies have no step of their own.
  }
  if (parsed.service === 'Lambda' && parsed.action?.toLowerCase() === 'kms:decrypt') return 'grants';
  if (parsed.denial === 'obscured') return 'key-policy';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Normalizing the paste

/** Strips colours and terminal drawing, undoes JSON escaping, and joins wrapped lines into one. */
function normalize(raw: string): string {
  let text = raw.length > MAX_INPUT_LENGTH ? raw.slice(0, MAX_INPUT_LENGTH) : raw;
  text = text
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, '') // OSC sequences (terminal hyperlinks)
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '') // CSI sequences (colours, cursor)
    .replace(/\u001b[@-_]/g, '')
    .replace(/\\{1,4}(?:u001b|x1b|033|e)\[[0-9;]{0,20}m/gi, '') // colour codes written out inside JSON or logs
    .replace(/\[\d{1,3}(?:;\d{1,3})*m/g, ''); // colour codes whose ESC was lost in copying
  // A message quoted inside JSON (sometimes twice) keeps its quotes and line breaks escaped.
  for (let pass = 0; pass < 3 && /\\["\\/nrt]/.test(text); pass++) {
    text = text.replace(/\\(["\\/]|[nrt])/g, (_escape, character: string) =>
      character === 'n' || character === 'r' || character === 't' ? ' ' : character,
    );
  }
  // Box-drawing characters (Terraform's error frame) and line wrapping split sentences.
  return text.replace(/[\u2500-\u257f]/g, ' ').replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// What surrounds the refusal: the client's and the services' own framing

interface CliClause {
  readonly index: number;
  readonly code: string;
  readonly operation: string;
}

interface GoClause {
  readonly index: number;
  readonly service: string;
  readonly operation: string;
}

interface JavaClause {
  readonly index: number;
  readonly service: string;
  readonly code?: string;
}

interface RequestIdMention {
  readonly index: number;
  readonly requestId: string;
}

interface Context {
  readonly cliClauses: readonly CliClause[];
  readonly goClauses: readonly GoClause[];
  readonly javaClauses: readonly JavaClause[];
  readonly requestIds: readonly RequestIdMention[];
  readonly lambdaEnvironment: boolean;
  readonly lambdaKmsCode?: string;
  /** The code a service's clause attributes to KMS itself. */
  readonly kmsClauseCode?: string;
}

function readContext(text: string): Context {
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
function contextAround(context: Context, index: number, text: string): Context {
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

function serviceOfJavaName(name: string): string {
  const trimmed = name.trim();
  return SERVICE_OF_JAVA_NAME.get(trimmed.toLowerCase().replace(/\s+/g, '')) ?? trimmed;
}

/** Request IDs in the paste, placeholders (xxx, <id>, ****) skipped. */
function requestIdsIn(text: string): RequestIdMention[] {
  const mentions: RequestIdMention[] = [];
  for (const match of text.matchAll(REQUEST_ID)) {
    const candidate = (match[1] ?? match[2] ?? match[3] ?? '').trim();
    if (/^[A-Za-z0-9-]{8,}$/.test(candidate) && !/^(.)\1*$/.test(candidate)) mentions.push({ index: match.index, requestId: candidate });
  }
  return mentions;
}

/** True when something in the paste says the call went to KMS (or a KMS error was quoted). */
function attributedToKms(context: Context): boolean {
  return (
    context.kmsClauseCode !== undefined ||
    context.lambdaKmsCode !== undefined ||
    context.goClauses.some((clause) => clause.service === 'KMS') ||
    context.cliClauses.some((clause) => KMS_OPERATIONS.has(clause.operation))
  );
}

// ---------------------------------------------------------------------------------------------
// Finding the refusal itself

interface DenialSentence {
  readonly principalText?: string;
  readonly action: string;
  readonly resourceText?: string;
  readonly resourceDescription?: ResourceDescription;
  readonly policyType?: BlamedPolicyType;
  readonly denial?: DenialKind;
  readonly denyingPolicyArn?: string;
}

interface Finding {
  readonly kind: KmsErrorKind;
  /** Where the refusal starts, to find the code and the CLI clause that frame it. */
  readonly index: number;
  readonly sentence?: DenialSentence;
  readonly keyText?: string;
  /** The exception named in the refusal itself (DisabledException: <arn> is disabled). */
  readonly namedCode?: string;
  readonly obscured?: boolean;
}

/** The refusal the paste reports, by how specific its wording is: a key state, an IAM sentence, then vaguer forms. */
function findRefusal(text: string, context: Context): Finding | undefined {
  const state = KEY_STATE.exec(text);
  if (state?.[2] !== undefined && state[3] !== undefined) {
    return {
      kind: KIND_OF_KEY_STATE[state[3].toLowerCase()] ?? 'other',
      index: state.index,
      keyText: state[2],
      ...optional('namedCode', state[1] === undefined ? undefined : withoutNamespace(state[1])),
    };
  }
  const sentence = readDenialSentence(text);
  if (sentence !== undefined) return { kind: 'access-denied', index: sentence.index, sentence: sentence.sentence };

  const classic = CLASSIC_DENIAL.exec(text);
  if (classic !== null) return { kind: 'ciphertext-key-unknown', index: classic.index, obscured: true };

  const notFound = KEY_DOES_NOT_EXIST.exec(text) ?? ALIAS_NOT_FOUND.exec(text);
  if (notFound?.[1] !== undefined) return { kind: 'key-not-found', index: notFound.index, keyText: notFound[1] };
  const invalidArn = INVALID_ARN.exec(text);
  if (invalidArn !== null && (/\bNotFoundException\b/.test(text) || attributedToKms(context))) {
    return { kind: 'key-not-found', index: invalidArn.index };
  }

  const incorrectKey = INCORRECT_KEY.exec(text);
  if (incorrectKey !== null) return { kind: 'incorrect-key', index: incorrectKey.index };
  const invalidCiphertext = INVALID_CIPHERTEXT.exec(text);
  if (invalidCiphertext !== null) return { kind: 'invalid-ciphertext', index: invalidCiphertext.index };

  const obscured = OBSCURED_REASON.exec(text);
  if (obscured !== null) return { kind: 'access-denied', index: obscured.index, obscured: true };

  const kmsCode = KMS_ONLY_CODES.exec(text);
  if (kmsCode?.[1] !== undefined) {
    return { kind: KIND_OF_CODE.get(kmsCode[1]) ?? 'other', index: kmsCode.index, namedCode: kmsCode[1] };
  }
  for (const phrase of [LAMBDA_ENVIRONMENT, SECRETS_MANAGER_KMS, DYNAMODB_KMS]) {
    const wrapper = phrase.exec(text);
    if (wrapper !== null) return { kind: 'access-denied', index: wrapper.index };
  }
  return codeReportedForKms(context);
}

/** The bare code a KMS call (or a service quoting KMS) returned, when the message itself says nothing we read. */
function codeReportedForKms(context: Context): Finding | undefined {
  const kmsCli = context.cliClauses.find((clause) => KMS_OPERATIONS.has(clause.operation));
  const code = context.kmsClauseCode ?? context.lambdaKmsCode ?? kmsCli?.code;
  if (code === undefined) return undefined;
  const kind = KIND_OF_CODE.get(code);
  return kind === undefined ? undefined : { kind, index: kmsCli?.index ?? 0 };
}

function readDenialSentence(text: string): { readonly index: number; readonly sentence: DenialSentence } | undefined {
  const matches = [...text.matchAll(DENIAL_SENTENCE)];
  const first = matches[0];
  if (first?.[3] === undefined) return undefined;
  const tailStart = first.index + first[0].length;
  const tailEnd = Math.min(matches[1]?.index ?? text.length, tailStart + 1_000);
  const tail = text.slice(tailStart, tailEnd);

  const resource = RESOURCE_CLAUSE.exec(tail);
  const resourceText = resource?.[1] ?? resource?.[2];
  const described = resource?.[3]?.toLowerCase();
  const reasons = tail.slice(resource === null ? 0 : resource[0].length);
  const sentence: DenialSentence = {
    action: first[3],
    ...optional('principalText', first[2]),
    ...optional('resourceText', resourceText),
    ...optional(
      'resourceDescription',
      described === undefined ? undefined : described === 'this resource' ? ('this-resource' as const) : ('ciphertext' as const),
    ),
    ...readReason(reasons),
  };
  return { index: first.index, sentence };
}

function readReason(
  text: string,
): Pick<DenialSentence, 'policyType' | 'denial' | 'denyingPolicyArn'> {
  if (OBSCURED_REASON.test(text)) return { denial: 'obscured' };
  const implicit = IMPLICIT_REASON.exec(text);
  if (implicit?.[1] !== undefined) return { denial: 'implicit', ...optional('policyType', policyTypeOf(implicit[1])) };
  const explicit = EXPLICIT_REASON.exec(text);
  if (explicit?.[1] !== undefined) {
    return {
      denial: 'explicit',
      ...optional('policyType', policyTypeOf(explicit[1])),
      ...optional('denyingPolicyArn', explicit[2] === undefined ? undefined : trimArn(explicit[2])),
    };
  }
  if (BARE_EXPLICIT_REASON.test(text)) return { denial: 'explicit' };
  return {};
}

function policyTypeOf(phrase: string): BlamedPolicyType | undefined {
  const words = phrase.toLowerCase();
  // IAM-UG troubleshoot_access-denied: for this wording "check for an explicit Deny statement … in your SCPs".
  if (words.includes('transitively through a service control policy')) return 'service-control';
  if (words.startsWith('identity-based')) return 'identity-based';
  if (words.startsWith('resource-based')) return 'resource-based';
  if (words.startsWith('session')) return 'session';
  if (words.startsWith('permissions boundary')) return 'permissions-boundary';
  if (words.startsWith('vpc endpoint')) return 'vpc-endpoint';
  if (words.startsWith('service control')) return 'service-control';
  if (words.startsWith('resource control')) return 'resource-control';
  if (words.startsWith('role trust')) return 'role-trust';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Putting the facts together

function assemble(text: string, context: Context, finding: Finding): ParsedError {
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
function reportedCode(text: string, context: Context, finding: Finding): string | undefined {
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
function operationNamed(context: Context, index: number): string | undefined {
  const clause = nearestBefore(context.cliClauses, index) ?? context.cliClauses[0];
  return clause?.operation ?? context.goClauses[0]?.operation;
}

function nearestBefore(clauses: readonly CliClause[], index: number): CliClause | undefined {
  return clauses.filter((clause) => clause.index <= index).at(-1);
}

/** Lambda decrypts environment variables with kms:Decrypt; a KMS operation names its own action. */
function impliedAction(operation: string | undefined, service: string | undefined, context: Context): string | undefined {
  if (operation !== undefined && KMS_OPERATIONS.has(operation)) return `kms:${operation}`;
  if (service === 'Lambda' && context.lambdaEnvironment) return 'kms:Decrypt';
  return undefined;
}

function kmsOperationOf(action: string | undefined): string | undefined {
  const match = /^kms:([A-Za-z]+)$/i.exec(action ?? '');
  const name = match?.[1];
  if (name === undefined) return undefined;
  return [...KMS_OPERATIONS].find((operation) => operation.toLowerCase() === name.toLowerCase());
}

/** The service that called KMS for the caller, from its own wording or its SDK framing. */
function wrappingService(text: string, context: Context): string | undefined {
  if (context.lambdaEnvironment) return 'Lambda';
  if (DYNAMODB_KMS.test(text)) return 'DynamoDB';
  if (SECRETS_MANAGER_KMS.test(text)) return 'Secrets Manager';
  const goService = context.goClauses[0]?.service;
  if (goService !== undefined && goService !== 'KMS') return goService;
  const javaService = lastOf(context.javaClauses, (clause) => clause.service !== 'KMS')?.service;
  if (javaService !== undefined) return javaService;
  for (const clause of context.cliClauses) {
    const service = SERVICE_OF_OPERATION.get(clause.operation);
    if (service !== undefined && !KMS_OPERATIONS.has(clause.operation)) return service;
  }
  if (S3_ONLY_DETAIL.test(text)) return 'S3';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// ARN helpers

/** An ARN as the message gives it, without XML tags or punctuation glued to its end. */
function asArn(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const arn = trimArn(value.split('</')[0] ?? '');
  return arn.startsWith('arn:') ? arn : undefined;
}

function trimArn(value: string): string {
  return value.replace(/["'.,;)\]}]+$/, '');
}

/** A KMS key or alias ARN whose identifier is not masked (key/*****, key/<>). */
function kmsKeyArn(arn: string | undefined): string | undefined {
  const match = KMS_ARN.exec(arn ?? '');
  if (match === null || arn === undefined) return undefined;
  return KEY_OR_ALIAS_ID.test(`${match[3]}/${match[4]}`) ? arn : undefined;
}

function regionOf(arn: string | undefined): string | undefined {
  const region = KMS_ARN.exec(arn ?? '')?.[1];
  return region !== undefined && REGION.test(region) ? region : undefined;
}

function accountOf(arn: string | undefined): string | undefined {
  return ACCOUNT_IN_ARN.exec(arn ?? '')?.[1];
}

/** KMS.NotFoundException → NotFoundException; com.amazonaws.kms#AccessDeniedException → AccessDeniedException. */
function withoutNamespace(code: string): string {
  return code.split(/[.#]/).at(-1) ?? code;
}

function lastOf<T>(items: readonly T[], predicate: (item: T) => boolean): T | undefined {
  return items.filter(predicate).at(-1);
}

/** `{ key: value }` when the value is known, `{}` otherwise, so the JSON carries no undefined fields. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
