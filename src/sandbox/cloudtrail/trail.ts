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

export class CloudTrailLog {
  /**
   * A ring of the newest `trailCapacity` events: once full, each new event overwrites the oldest, so
   * recording costs the same whatever the log holds (dropping from the front of an array moved all of
   * it on every request).
   */
  readonly #records: TrailRecord[] = [];
  /** Where the next event goes once the ring is full (the oldest event's place). */
  #next = 0;

  /** Records one KMS call, in each account that logs it. */
  recordKmsCall(call: KmsCallRecord, now: Date = new Date()): void {
    const keyAccount = call.keyArn?.split(':')[4];
    const accounts = keyAccount && keyAccount !== call.caller.accountId ? [call.caller.accountId, keyAccount] : [call.caller.accountId];
    const invokedBy = call.viaService?.replace(/^([a-z0-9-]+)\..*$/, '$1.amazonaws.com');
    const roleArn = call.caller.kind === 'assumed-role' ? call.caller.principalArn : undefined;
    for (const account of accounts) {
      this.#add({
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
        eventTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        eventSource: 'kms.amazonaws.com',
        eventName: call.operation,
        awsRegion: call.region,
        sourceIPAddress: invokedBy ?? '127.0.0.1',
        userAgent: invokedBy ?? 'kms-doctor-sandbox',
        ...(call.error ? { errorCode: call.error.code === 'AccessDeniedException' ? 'AccessDenied' : call.error.code, errorMessage: call.error.message } : {}),
        requestParameters: requestParametersOf(call.input),
        responseElements: null,
        requestID: call.requestId,
        eventID: randomUUID(),
        readOnly: !/^(Create|Put|Update|Delete|Enable|Disable|Schedule|Cancel|Tag|Untag|Revoke|Retire|Import|Replicate|Rotate)/.test(call.operation),
        ...(call.keyArn ? { resources: [{ accountId: keyAccount, type: 'AWS::KMS::Key', ARN: call.keyArn }] } : {}),
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: account,
        eventCategory: 'Management',
      });
    }
  }

  #add(record: TrailRecord): void {
    if (this.#records.length < trailCapacity) {
      this.#records.push(record);
      return;
    }
    this.#records[this.#next] = record;
    this.#next = (this.#next + 1) % trailCapacity;
  }

  /** The events of an account (recipientAccountId) in a Region, newest first. */
  eventsOf(accountId: string, region: string): TrailRecord[] {
    const events: TrailRecord[] = [];
    const count = this.#records.length;
    // The newest event sits just before #next (at the end of the list while the ring is filling).
    for (let i = 1; i <= count; i++) {
      const record = this.#records[(this.#next - i + count) % count]!;
      if (record.recipientAccountId === accountId && record.awsRegion === region) events.push(record);
    }
    return events;
  }
}
