// CloudTrail events as input: a record pasted into `--error` or the wizard (one record, a trail file's
// `{"Records": [...]}`, or `aws cloudtrail lookup-events` output with its `CloudTrailEvent` strings),
// and the events the CloudTrail picker lists. From a KMS event it takes what the diagnosis needs: who
// called (userIdentity), which operation (eventName), which key (requestParameters.keyId or the
// AWS::KMS::Key resource), the encryption context, the service that called for the principal
// (userIdentity.invokedBy) and the VPC endpoint. Record format:
// https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html and
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html.
// Pure: no I/O, never throws.
import { parseKmsError, type ParsedError } from './error-message-parser.js';
import type { CloudTrailKmsEvent } from './error-messages/parsed-error.js';
import { isPrincipalArn } from './identifiers.js';
import { operationRequirements } from './operations.js';

export type { CloudTrailKmsEvent } from './error-messages/parsed-error.js';


type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The raw records in a pasted text: a record, `Records`, or lookup-events' `Events[].CloudTrailEvent`. */
function recordsOf(value: unknown): Json[] {
  if (Array.isArray(value)) return value.flatMap(recordsOf);
  if (!isObject(value)) return [];
  if (Array.isArray(value.Records)) return value.Records.flatMap(recordsOf);
  if (Array.isArray(value.Events)) return value.Events.flatMap(recordsOf);
  if (typeof value.CloudTrailEvent === 'string') {
    try {
      return recordsOf(JSON.parse(value.CloudTrailEvent));
    } catch {
      return [];
    }
  }
  return typeof value.eventName === 'string' && typeof value.eventSource === 'string' ? [value] : [];
}

function kmsEventOf(record: Json): CloudTrailKmsEvent | undefined {
  if (record.eventSource !== 'kms.amazonaws.com') return undefined;
  const operation = text(record.eventName);
  if (!operation) return undefined;
  const identity = isObject(record.userIdentity) ? record.userIdentity : {};
  const request = isObject(record.requestParameters) ? record.requestParameters : {};
  const resources = Array.isArray(record.resources) ? record.resources.filter(isObject) : [];
  const keyResource = resources.find((r) => r.type === 'AWS::KMS::Key' && typeof r.ARN === 'string');
  const key = text(request.keyId) !== undefined && text(request.keyId)!.startsWith('arn:') ? text(request.keyId) : (text(keyResource?.ARN) ?? text(request.keyId));
  const principal = text(identity.arn);
  const fields: Partial<Record<keyof CloudTrailKmsEvent, unknown>> = {
    eventTime: text(record.eventTime),
    operation,
    principal: principal !== undefined && isPrincipalArn(principal) ? principal : undefined,
    accountId: text(identity.accountId) ?? text(record.recipientAccountId),
    key,
    region: text(record.awsRegion),
    encryptionContext: stringMap(request.encryptionContext),
    invokedBy: text(identity.invokedBy),
    vpcEndpointId: text(record.vpcEndpointId),
    errorCode: text(record.errorCode),
    errorMessage: text(record.errorMessage),
    requestId: text(record.requestID),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as unknown as CloudTrailKmsEvent;
}

/** The KMS events in a pasted text, in the order given; undefined when the text is not CloudTrail JSON. */
export function readCloudTrailEvents(pasted: string): CloudTrailKmsEvent[] | undefined {
  const trimmed = pasted.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  const records = recordsOf(value);
  if (records.length === 0) return undefined;
  return records.flatMap((record) => kmsEventOf(record) ?? []);
}

/** A refusal among events: an error the diagnosis is about (AccessDenied and the key-state errors). */
export const isDenial = (event: CloudTrailKmsEvent): boolean => event.errorCode !== undefined;

/** The event a pasted text is about: the most recent refused KMS call, else the most recent KMS call. */
export function pickedCloudTrailEvent(pasted: string): CloudTrailKmsEvent | undefined {
  const events = readCloudTrailEvents(pasted);
  if (!events || events.length === 0) return undefined;
  const byTime = [...events].sort((a, b) => (b.eventTime ?? '').localeCompare(a.eventTime ?? ''));
  return byTime.find(isDenial) ?? byTime[0];
}

/**
 * The operation to diagnose: the KMS API itself, or, when a service called for the principal
 * (invokedBy s3.amazonaws.com), that service's operation whose first KMS action this is (an S3 upload
 * for GenerateDataKey through S3), so the request carries kms:ViaService as the real one did.
 */
export function operationOfEvent(event: CloudTrailKmsEvent): string {
  const service = /^([a-z0-9-]+)\.amazonaws\.com$/.exec(event.invokedBy ?? '')?.[1];
  if (service === undefined) return event.operation;
  const action = `kms:${event.operation}`;
  const candidates = operationRequirements.filter((op) => op.viaService === service && op.actions[0] === action);
  return (candidates.find((op) => op.note !== undefined) ?? candidates[0])?.name ?? event.operation;
}

/** CloudTrail's errorCode for KMS's AccessDeniedException is AccessDenied; the SDK's name is the exception. */
const exceptionOf = (code: string): string => (code === 'AccessDenied' ? 'AccessDeniedException' : code);

/**
 * The event read as a pasted error: its errorMessage read by the error parser (for the policy type AWS
 * blamed), completed with what the record says for certain (principal, operation, key, Region), and the
 * record itself. Undefined for a text that is not a CloudTrail KMS event.
 */
export function parsedErrorFromCloudTrail(pasted: string): ParsedError | undefined {
  const event = pickedCloudTrailEvent(pasted);
  return event ? parsedErrorOfEvent(event) : undefined;
}

/** One event read as a pasted error (see parsedErrorFromCloudTrail). */
export function parsedErrorOfEvent(event: CloudTrailKmsEvent): ParsedError {
  const code = event.errorCode !== undefined ? exceptionOf(event.errorCode) : undefined;
  const fromMessage = code !== undefined ? parseKmsError(`An error occurred (${code}) when calling the ${event.operation} operation: ${event.errorMessage ?? ''}`) : undefined;
  const keyArn = event.key?.startsWith('arn:') ? event.key : undefined;
  const base: ParsedError = fromMessage ?? { kind: code === undefined ? 'other' : 'access-denied', missing: [] };
  const operation = operationOfEvent(event);
  const parsed: ParsedError = {
    ...base,
    ...(code !== undefined ? { errorCode: code } : {}),
    operation,
    action: `kms:${event.operation}`,
    ...(event.principal !== undefined ? { principal: event.principal } : {}),
    ...(keyArn !== undefined ? { keyArn } : {}),
    ...(event.key !== undefined && keyArn === undefined ? { resource: event.key } : {}),
    ...(event.accountId !== undefined ? { accountId: event.accountId } : {}),
    ...(event.region !== undefined ? { region: event.region } : {}),
    ...(event.requestId !== undefined ? { requestId: event.requestId } : {}),
    cloudTrail: event,
  };
  const missing = [...(parsed.principal === undefined ? ['principal' as const] : []), ...(event.key === undefined ? ['key' as const] : [])];
  return { ...parsed, missing };
}

/** A pasted error as the diagnosis reads it: a CloudTrail event, else an error message. */
export function readPastedError(pasted: string): ParsedError | undefined {
  return parsedErrorFromCloudTrail(pasted) ?? parseKmsError(pasted);
}
