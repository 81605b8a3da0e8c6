// The flags of `kms-doctor check` (and, later, `fix` and the wizard, which share them), validated into
// one options object. Every mistake is a UsageError: one line, exit code 2.
import { parseArgs } from 'node:util';
import { findOperation, operationRequirements, type OperationRequirement } from '../engine/operations.js';
import { readPastedError } from '../engine/cloudtrail-event.js';
import type { ParsedError } from '../engine/error-message-parser.js';
import { answersFromError } from '../engine/error-prefill.js';
import { isKeyIdentifier, isPrincipalArn } from '../engine/identifiers.js';
import { UsageError } from '../usage-error.js';

export interface ConnectionOptions {
  readonly profile?: string;
  readonly keyProfile?: string;
  readonly region?: string;
  readonly endpointUrl?: string;
}

export interface CheckOptions extends ConnectionOptions {
  readonly key: string;
  readonly operation: OperationRequirement;
  readonly principal?: string;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  readonly json: boolean;
  /** What a pasted error message (--error) said; it pre-fills key, operation and principal. */
  readonly parsedError?: ParsedError;
  /** check --fix-files DIR: where to write the documents the fixes' aws CLI commands read. */
  readonly fixFilesDir?: string;
}

/** --error was given, but the message lacks what the diagnosis needs (an obscured message names no key). */
export class IncompleteErrorMessage extends UsageError {
  constructor(
    readonly parsedError: ParsedError,
    readonly missing: readonly string[],
  ) {
    super(`the error message does not say ${missing.join(' or ')}: give ${missing.map((m) => `--${m}`).join(' and ')}`);
  }
}

export const checkUsage = `Usage: kms-doctor check --key KEY --operation OP [--principal ARN] [--encryption-context JSON]
                       [--error TEXT|- | --from-cloudtrail [--since DURATION]] [--fix-files DIR] [--profile P] [--key-profile P] [--region R] [--endpoint-url URL] [--json]

Diagnoses whether PRINCIPAL (default: you) may perform OP with KEY, and why not.
  --key KEY              key ID, alias name (alias/…), key ARN or alias ARN
  --operation OP         KMS API name (Decrypt, kms:GenerateDataKey…) or service operation (s3:PutObject…);
                         kms-doctor operations lists them
  --principal ARN        diagnose for this user, role or role session instead of the caller
  --encryption-context   the request's encryption context as JSON, e.g. '{"aws:s3:arn":"arn:aws:s3:::b/k"}'
  --error TEXT|-         the error AWS gave (- reads it from stdin): pre-fills key, operation and principal;
                         a CloudTrail event (one record, Records, or lookup-events output) works too
  --from-cloudtrail      diagnose the most recent refused KMS call in CloudTrail (with --principal: that
                         principal's); --since DURATION looks back that far (90m, 24h, 7d; default 24h)
  --fix-files DIR        write the documents the fixes' aws CLI commands read (file://…) into DIR
  --profile P            AWS profile for the calls (default: the standard credential chain)
  --key-profile P        credentials in the key's account, to read its policy and grants cross-account
  --region R             Region (a key ARN's Region wins)
  --endpoint-url URL     send every AWS call to URL (e.g. a kms-doctor sandbox)
  --json                 one JSON document on stdout

Exit codes: 0 allowed, 1 denied (causes found), 2 usage or input error, 3 could not determine.`;

export { isKeyIdentifier, isPrincipalArn, regionOfKeyArn } from '../engine/identifiers.js';

export const connectionFlags = {
  profile: { type: 'string' },
  'key-profile': { type: 'string' },
  region: { type: 'string' },
  'endpoint-url': { type: 'string' },
} as const;

const diagnosisFlags = {
  ...connectionFlags,
  key: { type: 'string' },
  operation: { type: 'string' },
  principal: { type: 'string' },
  'encryption-context': { type: 'string' },
  error: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Parses flags strictly; a mistake becomes a one-line UsageError. */
export function parseFlags<T extends FlagSpec>(args: readonly string[], extra: T) {
  try {
    return parseArgs({ args: [...args], options: { ...diagnosisFlags, ...extra }, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}

export async function parseCheckArgs(
  args: readonly string[],
  readStdin: () => Promise<string> = readStandardInput,
  /** The failed call when it came from elsewhere (--from-cloudtrail). */
  fromElsewhere?: ParsedError,
): Promise<CheckOptions | 'help'> {
  const values = parseFlags(args, { 'fix-files': { type: 'string' } });
  if (values.help) return 'help';
  const options = checkOptionsOf(values, fromElsewhere ?? (await parsedErrorOf(values.error, readStdin)));
  return values['fix-files'] !== undefined ? { ...options, fixFilesDir: values['fix-files'] } : options;
}

export async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads and parses --error (TEXT, or - for stdin); a message it cannot read is a usage error. */
export async function parsedErrorOf(error: string | undefined, readStdin: () => Promise<string>): Promise<ParsedError | undefined> {
  if (error === undefined) return undefined;
  const text = error === '-' ? await readStdin() : error;
  // A CloudTrail event (one record, Records, or lookup-events output) or an error message.
  const parsed = readPastedError(text);
  if (!parsed) throw new UsageError('--error: that does not read as an AWS KMS or access-denied error message, or a CloudTrail KMS event; give --key and --operation instead');
  return parsed;
}

/** Validates the flags `check`, `fix` and the wizard share. */
export function checkOptionsOf(
  given: {
  key?: string;
  operation?: string;
  principal?: string;
  'encryption-context'?: string;
  json?: boolean;
  profile?: string;
  'key-profile'?: string;
  region?: string;
  'endpoint-url'?: string;
  },
  parsedError?: ParsedError,
): CheckOptions {
  const values = { ...given, ...prefilledFrom(parsedError, given) };
  if (parsedError && (values.key === undefined || values.operation === undefined)) {
    const missing = [...(values.key === undefined ? ['key'] : []), ...(values.operation === undefined ? ['operation'] : [])];
    throw new IncompleteErrorMessage(parsedError, missing);
  }
  if (values.key === undefined) throw new UsageError('--key is required (key ID, alias name, key ARN or alias ARN)');
  if (!isKeyIdentifier(values.key)) {
    throw new UsageError(`--key '${values.key}' is not a key ID, alias name (alias/…), key ARN or alias ARN`);
  }
  if (values.operation === undefined) throw new UsageError('--operation is required (e.g. Decrypt or s3:PutObject; see kms-doctor operations)');
  const operation = findOperation(values.operation);
  if (!operation) {
    throw new UsageError(`unknown operation '${values.operation}' (kms-doctor operations lists the ${operationRequirements.length} it knows)`);
  }
  if (values.principal !== undefined && !isPrincipalArn(values.principal)) {
    throw new UsageError(`--principal '${values.principal}' is not an IAM user, role or role session ARN`);
  }
  return {
    key: values.key,
    operation,
    json: values.json ?? false,
    ...(parsedError ? { parsedError } : {}),
    ...(values.principal !== undefined ? { principal: values.principal } : {}),
    ...(values['encryption-context'] !== undefined ? { encryptionContext: parseEncryptionContext(values['encryption-context']) } : {}),
    ...connectionOptionsOf(values),
  };
}

export function connectionOptionsOf(values: { profile?: string; 'key-profile'?: string; region?: string; 'endpoint-url'?: string }): ConnectionOptions {
  const endpointUrl = values['endpoint-url'];
  if (endpointUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(endpointUrl)) {
    throw new UsageError(`--endpoint-url '${endpointUrl}' is not an http(s) URL`);
  }
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(values.region)) {
    throw new UsageError(`--region '${values.region}' is not an AWS Region name (like us-east-1)`);
  }
  return {
    ...(values.profile !== undefined ? { profile: values.profile } : {}),
    ...(values['key-profile'] !== undefined ? { keyProfile: values['key-profile'] } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(endpointUrl !== undefined ? { endpointUrl } : {}),
  };
}

/** Flags the user did not give, filled from the error message: the flags always win. */
function prefilledFrom(parsed: ParsedError | undefined, given: { key?: string; operation?: string; principal?: string; 'encryption-context'?: string }) {
  if (!parsed) return {};
  const answers = answersFromError(parsed);
  return {
    ...(given.key === undefined && answers.key !== undefined ? { key: answers.key } : {}),
    ...(given.operation === undefined && answers.operation !== undefined ? { operation: answers.operation } : {}),
    ...(given.principal === undefined && answers.principal !== undefined ? { principal: answers.principal } : {}),
    ...(given['encryption-context'] === undefined && answers.encryptionContext !== undefined ? { 'encryption-context': answers.encryptionContext } : {}),
  };
}

function parseEncryptionContext(text: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`--encryption-context is not JSON: ${text}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new UsageError('--encryption-context must be a JSON object of string values, e.g. {"purpose":"backup"}');
  }
  return parsed as Record<string, string>;
}
