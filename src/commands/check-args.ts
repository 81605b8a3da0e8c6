// The flags of `kms-doctor check` (and, later, `fix` and the wizard, which share them), validated into
// one options object. Every mistake is a UsageError: one line, exit code 2.
import { parseArgs } from 'node:util';
import { findOperation, operationRequirements, type OperationRequirement } from '../engine/operations.js';
import { readPastedError } from '../engine/cloudtrail-event.js';
import type { ParsedError } from '../engine/error-message-parser.js';
import { answersFromError } from '../engine/error-prefill.js';
import { parseDiagnosablePrincipal, parseKeyRef, type DiagnosablePrincipal, type KeyRef } from '../engine/identifiers.js';
import { didYouMean } from '../did-you-mean.js';
import { UsageError } from '../usage-error.js';

export interface ConnectionOptions {
  readonly profile?: string;
  readonly keyProfile?: string;
  /** Credentials in the organization's management account (or a delegated administrator), for SCPs and RCPs. */
  readonly orgProfile?: string;
  readonly region?: string;
  readonly endpointUrl?: string;
  /** --debug: one line per AWS call on stderr. */
  readonly debug?: boolean;
}

export interface CheckOptions extends ConnectionOptions {
  /** Parsed once here; everything after reads the typed value. */
  readonly key: KeyRef;
  readonly operation: OperationRequirement;
  readonly principal?: DiagnosablePrincipal;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** --context KEY=VALUE: condition-key values kms-doctor cannot read (aws:SourceIp, aws:SourceVpce…). */
  readonly givenContext?: Readonly<Record<string, string>>;
  /** --grant-token-for GRANT_ID: the grants whose grant token the call passes (GrantTokens). */
  readonly grantTokensFor?: readonly string[];
  readonly json: boolean;
  /** What a pasted error message (--error) said; it pre-fills key, operation and principal. */
  readonly parsedError?: ParsedError;
  /** check --fix-files DIR: where to write the documents the fixes' aws CLI commands read. */
  readonly fixFilesDir?: string;
  /** check --transcript FILE: the session as Markdown for a ticket, created new. */
  readonly transcriptPath?: string;
}

/** --error was given, but the message lacks what the diagnosis needs (an obscured message names no key). */
export class IncompleteErrorMessage extends UsageError {
  constructor(
    readonly parsedError: ParsedError,
    readonly missing: readonly string[],
  ) {
    super(`the error message does not say ${missing.join(' or ')}: give ${missing.map((m) => `--${m}`).join(' and ')}`);
  }

  /** What the --json error document carries besides the error: the parsed fields still help a script. */
  get jsonFields(): Record<string, unknown> {
    return { parsedError: this.parsedError, missing: this.missing };
  }
}

export const checkUsage = `Usage: kms-doctor check --key KEY --operation OP [--principal ARN] [--encryption-context JSON]
                       [--context KEY=VALUE]... [--grant-token-for GRANT_ID]... [--error TEXT|- | --from-cloudtrail [--since DURATION]] [--fix-files DIR] [--transcript FILE]
                       [--profile P] [--key-profile P] [--org-profile P] [--region R] [--endpoint-url URL] [--debug] [--json]

Diagnoses whether PRINCIPAL (default: you) may perform OP with KEY, and why not.
  --key KEY              key ID, alias name (alias/…), key ARN or alias ARN
  --operation OP         KMS API name (Decrypt, kms:GenerateDataKey…) or service operation (s3:PutObject…);
                         kms-doctor operations lists them
  --principal ARN        diagnose for this user, role or role session instead of the caller
  --encryption-context   the request's encryption context as JSON, e.g. '{"aws:s3:arn":"arn:aws:s3:::b/k"}'
  --context KEY=VALUE    a condition-key value kms-doctor cannot read (aws:SourceIp=203.0.113.5,
                         aws:SourceVpce=vpce-…); repeatable. Without it such keys are evaluated both ways
  --grant-token-for ID   the call passes the grant token of grant ID (aws CLI --grant-tokens); repeatable.
                         A grant younger than five minutes counts only then (else: could not determine)
  --error TEXT|-         the error AWS gave (- reads it from stdin): pre-fills key, operation and principal;
                         a CloudTrail event (one record, Records, or lookup-events output) works too
  --from-cloudtrail      diagnose the most recent refused KMS call in CloudTrail (with --principal: that
                         principal's); --since DURATION looks back that far (90m, 24h, 7d; default 24h)
  --fix-files DIR        write the documents the fixes' aws CLI commands read (file://…) into DIR
  --transcript FILE      write the diagnosis as Markdown for a ticket into FILE (a new file)
  --profile P            AWS profile for the calls (default: the standard credential chain)
  --key-profile P        credentials in the key's account, to read its policy and grants cross-account
  --org-profile P        credentials in the organization's management account (or a delegated
                         administrator), to read the SCPs and RCPs that apply
  --region R             Region (a key ARN's Region wins)
  --endpoint-url URL     send every AWS call to URL (e.g. a kms-doctor sandbox)
  --debug                one line per AWS call on stderr (service, operation, Region, endpoint, status,
                         duration, request ID; never a credential)
  --json                 one JSON document on stdout

Exit codes: 0 allowed, 1 denied (causes found), 2 usage or input error, 3 could not determine.`;

export const checkExamples = `Examples:
  kms-doctor check --key alias/orders-data --operation Decrypt
  kms-doctor check --key arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab \\
      --operation s3:GetObject --principal arn:aws:iam::111122223333:role/AppRole --profile admin --json
  pbpaste | kms-doctor check --error - --profile prod --fix-files ./fix`;

/** --key's value as a key reference, or the one-line error every command gives for it. */
export function keyFlag(value: string, flag = '--key'): KeyRef {
  const key = parseKeyRef(value);
  if (!key) throw new UsageError(`${flag} '${value}' is not a key ID, alias name (alias/…), key ARN or alias ARN`);
  return key;
}

/** --principal's value as a principal reference, or the one-line error every command gives for it. */
export function principalFlag(value: string, flag = '--principal'): DiagnosablePrincipal {
  const principal = parseDiagnosablePrincipal(value);
  if (!principal) throw new UsageError(`${flag} '${value}' is not an IAM user, role or role session ARN`);
  return principal;
}

export const connectionFlags = {
  profile: { type: 'string' },
  'key-profile': { type: 'string' },
  'org-profile': { type: 'string' },
  region: { type: 'string' },
  'endpoint-url': { type: 'string' },
  debug: { type: 'boolean' },
} as const;

const diagnosisFlags = {
  ...connectionFlags,
  key: { type: 'string' },
  operation: { type: 'string' },
  principal: { type: 'string' },
  'encryption-context': { type: 'string' },
  context: { type: 'string', multiple: true },
  'grant-token-for': { type: 'string', multiple: true },
  error: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** Parses flags strictly; a mistake becomes a one-line UsageError. */
export function parseFlags<T extends FlagSpec>(args: readonly string[], extra: T) {
  const options = { ...diagnosisFlags, ...extra };
  try {
    return parseArgs({ args: [...args], options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw flagError(error, Object.keys(options));
  }
}

/** parseArgs's error as one line; an unknown flag gets the closest known one. */
export function flagError(error: unknown, flags: readonly string[]): UsageError {
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
  if (unknown === undefined) return new UsageError(message);
  return new UsageError(`unknown flag ${unknown}${didYouMean(unknown, flags.map((flag) => `--${flag}`))}; --help lists the flags`);
}

/** An --operation kms-doctor does not know, with the closest one it does. */
export function unknownOperationMessage(operation: string): string {
  const names = operationRequirements.flatMap((op) => [op.name, ...op.aliases]);
  return `unknown operation '${operation}'${didYouMean(operation, names)} (kms-doctor operations lists the ${operationRequirements.length} it knows)`;
}

export async function parseCheckArgs(
  args: readonly string[],
  readStdin: () => Promise<string> = readStandardInput,
  /** The failed call when it came from elsewhere (--from-cloudtrail). */
  fromElsewhere?: ParsedError,
): Promise<CheckOptions | 'help'> {
  const values = parseFlags(args, { 'fix-files': { type: 'string' }, transcript: { type: 'string' } });
  if (values.help) return 'help';
  const options = checkOptionsOf(values, fromElsewhere ?? (await parsedErrorOf(values.error, readStdin)));
  return {
    ...options,
    ...(values['fix-files'] !== undefined ? { fixFilesDir: values['fix-files'] } : {}),
    ...(values.transcript !== undefined ? { transcriptPath: values.transcript } : {}),
  };
}

/** The most `--error -` reads from stdin: an AWS error message, even a CloudTrail record, is a few KB. */
export const maxErrorInputBytes = 1024 * 1024;

/**
 * Reads stdin to its end, but never more than `limit` bytes: past it, reading stops and a usage error
 * says so (`--error - < /dev/zero` would otherwise fill the memory).
 */
export async function readStandardInput(input: NodeJS.ReadableStream = process.stdin, limit = maxErrorInputBytes): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    if (size > limit) {
      (input as { destroy?: () => void }).destroy?.();
      throw new UsageError(`--error -: standard input is longer than ${limit / 1024} KiB; give only the error message AWS printed`);
    }
    chunks.push(bytes);
  }
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
  context?: string[];
  'grant-token-for'?: string[];
  json?: boolean;
  profile?: string;
  'key-profile'?: string;
  'org-profile'?: string;
  region?: string;
  'endpoint-url'?: string;
  debug?: boolean;
  },
  parsedError?: ParsedError,
): CheckOptions {
  const values = { ...given, ...prefilledFrom(parsedError, given) };
  if (parsedError && (values.key === undefined || values.operation === undefined)) {
    const missing = [...(values.key === undefined ? ['key'] : []), ...(values.operation === undefined ? ['operation'] : [])];
    throw new IncompleteErrorMessage(parsedError, missing);
  }
  if (values.key === undefined) throw new UsageError('--key is required (key ID, alias name, key ARN or alias ARN)');
  const key = keyFlag(values.key);
  if (values.operation === undefined) throw new UsageError('--operation is required (e.g. Decrypt or s3:PutObject; see kms-doctor operations)');
  const operation = findOperation(values.operation);
  if (!operation) {
    throw new UsageError(unknownOperationMessage(values.operation));
  }
  const principal = values.principal !== undefined ? principalFlag(values.principal) : undefined;
  return {
    key,
    operation,
    json: values.json ?? false,
    ...(parsedError ? { parsedError } : {}),
    ...(principal !== undefined ? { principal } : {}),
    ...(values['encryption-context'] !== undefined ? { encryptionContext: parseEncryptionContext(values['encryption-context']) } : {}),
    ...(values.context !== undefined && values.context.length > 0 ? { givenContext: parseGivenContext(values.context) } : {}),
    ...(values['grant-token-for'] !== undefined && values['grant-token-for'].length > 0 ? { grantTokensFor: parseGrantTokensFor(values['grant-token-for']) } : {}),
    ...connectionOptionsOf(values),
  };
}

export function connectionOptionsOf(values: { profile?: string; 'key-profile'?: string; 'org-profile'?: string; region?: string; 'endpoint-url'?: string; debug?: boolean }): ConnectionOptions {
  const endpointUrl = values['endpoint-url'];
  if (endpointUrl !== undefined && !isHttpUrl(endpointUrl)) {
    throw new UsageError(`--endpoint-url '${endpointUrl}' is not an http(s) URL`);
  }
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(values.region)) {
    throw new UsageError(`--region '${values.region}' is not an AWS Region name (like us-east-1)`);
  }
  return {
    ...(values.profile !== undefined ? { profile: values.profile } : {}),
    ...(values['key-profile'] !== undefined ? { keyProfile: values['key-profile'] } : {}),
    ...(values['org-profile'] !== undefined ? { orgProfile: values['org-profile'] } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(endpointUrl !== undefined ? { endpointUrl } : {}),
    ...(values.debug ? { debug: true } : {}),
  };
}

/**
 * An http(s) URL that parses as the SDK will parse it (WHATWG URL): a regular expression let
 * `http://[::1` through, which then failed inside the SDK as if the endpoint were unreachable (exit 3).
 */
function isHttpUrl(text: string): boolean {
  if (/\s/.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
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

/** A condition key as IAM spells one: service prefix, colon, name (with /tag-key for tag keys). */
const conditionKeyPattern = /^[a-zA-Z0-9-]+:[a-zA-Z0-9_.:/@+=-]+$/;

/** --context KEY=VALUE, repeated: the values of condition keys that kms-doctor cannot read. */
export function parseGivenContext(entries: readonly string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const key = at > 0 ? entry.slice(0, at).trim() : '';
    if (!conditionKeyPattern.test(key)) {
      throw new UsageError(`--context '${entry}' is not KEY=VALUE with a condition key such as aws:SourceIp=203.0.113.5`);
    }
    if (Object.keys(context).some((k) => k.toLowerCase() === key.toLowerCase())) throw new UsageError(`--context gives ${key} twice`);
    Object.defineProperty(context, key, { value: entry.slice(at + 1), enumerable: true, writable: true, configurable: true });
  }
  return context;
}

/**
 * --grant-token-for GRANT_ID, repeated: the grant IDs (ListGrants GrantId: 1 to 128 characters, 64 hex
 * digits from KMS) whose tokens the call passes. The token itself never goes on the command line here:
 * it is what kms-doctor must not print, and the ID is what ListGrants shows.
 */
export function parseGrantTokensFor(entries: readonly string[]): string[] {
  for (const entry of entries) {
    if (!/^[A-Za-z0-9]{1,128}$/.test(entry)) {
      throw new UsageError(
        entry.length > 128 || /[+/=]/.test(entry)
          ? '--grant-token-for takes the grant ID (GrantId, as aws kms list-grants shows it), not the grant token itself'
          : `--grant-token-for '${entry}' is not a grant ID (letters and digits, as aws kms list-grants shows GrantId)`,
      );
    }
  }
  return [...new Set(entries)];
}
