// The sandbox's CloudTrail: every KMS call (refusals included) recorded as a CloudTrail management
// event, in the caller's account and, for a key of another account, in the key's account too (as AWS
// logs cross-account KMS calls in both). In memory only, newest last, bounded. Record shape:
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
import { randomUUID } from 'node:crypto';
import type { Caller } from '../caller.js';

export type TrailRecord = Readonly<Record<string, unknown>>;

/** Events kept per sandbox; older ones are dropped (LookupEvents only looks back 90 days anyway). */
export const trailCapacity = 10_000;

/** Request parameters CloudTrail omits for KMS (ciphertexts, plaintexts, grant tokens are never logged). */
const omitted = new Set(['Plaintext', 'CiphertextBlob', 'GrantTokens', 'Policy', 'SourceCiphertextBlob', 'Recipient']);

const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

function requestParametersOf(input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([name]) => !omitted.has(name)).map(([name, value]) => [lowerFirst(name), value]));
}

export interface KmsCallRecord {
  readonly caller: Caller;
  readonly operation: string;
  readonly region: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** The key's ARN when the call named one that exists. */
  readonly keyArn?: string;
  /** Sandbox extension /via/<service host>/: the service that called for the principal. */
  readonly viaService?: string;
  readonly requestId: string;
  readonly error?: { readonly code: string; readonly message: string };
}

/** What a call's events are made from: the call without its input (only the parameters CloudTrail keeps), and its time. */
interface RecordedCall extends Omit<KmsCallRecord, 'input'> {
  readonly requestParameters: Record<string, unknown>;
  /** Milliseconds since the epoch. */
  readonly time: number;
}

/**
 * One event as the log holds it: the account and Region LookupEvents filters on, and the CloudTrail
 * record, made only when first read. Recording runs on every KMS request and reading rarely, and a
 * record is a dozen objects that would live long enough to burden the garbage collector.
 */
class TrailEvent {
  #record: TrailRecord | undefined;
  constructor(
    readonly call: RecordedCall,
    readonly recipientAccountId: string,
  ) {}

  get record(): TrailRecord {
    this.#record ??= cloudTrailRecord(this.call, this.recipientAccountId);
    return this.#record;
  }
}

function cloudTrailRecord(call: RecordedCall, account: string): TrailRecord {
  const keyAccount = call.keyArn?.split(':')[4];
  const invokedBy = call.viaService?.replace(/^([a-z0-9-]+)\..*$/, '$1.amazonaws.com');
  const roleArn = call.caller.kind === 'assumed-role' ? call.caller.principalArn : undefined;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: call.caller.kind === 'user' ? 'IAMUser' : 'AssumedRole',
      principalId: call.caller.userId,
      arn: call.caller.arn,
      accountId: call.caller.accountId,
      accessKeyId: call.caller.accessKeyId,
      ...(call.caller.kind === 'user' ? { userName: call.caller.name } : {}),
      ...(roleArn ? { sessionContext: { sessionIssuer: { type: 'Role', principalId: call.caller.userId.split(':')[0], arn: roleArn, accountId: call.caller.accountId, userName: call.caller.name } } } : {}),
      ...(invokedBy ? { invokedBy } : {}),
    },
    eventTime: new Date(call.time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'kms.amazonaws.com',
    eventName: call.operation,
    awsRegion: call.region,
    sourceIPAddress: invokedBy ?? '127.0.0.1',
    userAgent: invokedBy ?? 'kms-doctor-sandbox',
    ...(call.error ? { errorCode: call.error.code === 'AccessDeniedException' ? 'AccessDenied' : call.error.code, errorMessage: call.error.message } : {}),
    requestParameters: call.requestParameters,
    responseElements: null,
    requestID: call.requestId,
    eventID: randomUUID(),
    readOnly: !/^(Create|Put|Update|Delete|Enable|Disable|Schedule|Cancel|Tag|Untag|Revoke|Retire|Import|Replicate|Rotate)/.test(call.operation),
    ...(call.keyArn ? { resources: [{ accountId: keyAccount, type: 'AWS::KMS::Key', ARN: call.keyArn }] } : {}),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
  };
}

export class CloudTrailLog {
  /**
   * A ring of the newest `trailCapacity` events: once full, each new event overwrites the oldest, so
   * recording costs the same whatever the log holds (dropping from the front of an array moved all of
   * it on every request).
   */
  readonly #events: TrailEvent[] = [];
  /** Where the next event goes once the ring is full (the oldest event's place). */
  #next = 0;

  /** Records one KMS call, in each account that logs it. */
  recordKmsCall(call: KmsCallRecord, now: Date = new Date()): void {
    const { input, ...rest } = call;
    // The input itself is not kept: it holds ciphertexts and plaintexts, which CloudTrail never logs.
    const recorded: RecordedCall = { ...rest, requestParameters: requestParametersOf(input), time: now.getTime() };
    const keyAccount = call.keyArn?.split(':')[4];
    this.#add(new TrailEvent(recorded, call.caller.accountId));
    if (keyAccount && keyAccount !== call.caller.accountId) this.#add(new TrailEvent(recorded, keyAccount));
  }

  #add(event: TrailEvent): void {
    if (this.#events.length < trailCapacity) {
      this.#events.push(event);
      return;
    }
    this.#events[this.#next] = event;
    this.#next = (this.#next + 1) % trailCapacity;
  }

  /** The events of an account (recipientAccountId) in a Region, newest first. */
  eventsOf(accountId: string, region: string): TrailRecord[] {
    const records: TrailRecord[] = [];
    const count = this.#events.length;
    // The newest event sits just before #next (at the end of the list while the ring is filling).
    for (let i = 1; i <= count; i++) {
      const event = this.#events[(this.#next - i + count) % count]!;
      if (event.recipientAccountId === accountId && event.call.region === region) records.push(event.record);
    }
    return records;
  }
}
