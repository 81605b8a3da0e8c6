// CloudTrail's LookupEvents on the sandbox's trail, over CloudTrail's wire protocol (JSON 1.1, X-Amz-Target
// CloudTrail_20131101.LookupEvents, or the long form com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.…), with its documented limits: at
// most 50 results a page, one lookup attribute, and 2 requests per second per account and Region
// (ThrottlingException beyond that). https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
import { AwsError } from '../errors.js';
import type { IncomingCall, ServiceResponse } from '../service-call.js';
import type { TrailRecord } from './trail.js';

/** The X-Amz-Target of CloudTrail's operations (the SDK sends the short form; older clients the long one). */
export const isCloudTrailTarget = (target: string): boolean => /^(?:com\.amazonaws\.cloudtrail\.v20131101\.)?CloudTrail_20131101\./.test(target);
/** LookupEvents' rate: 2 requests per second per account per Region. */
export const lookupEventsPerSecond = 2;

const attributeKeys = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;

/** Recent LookupEvents calls per account and Region, for the rate limit. */
const recentCalls = new WeakMap<object, Map<string, number[]>>();

function throttled(call: IncomingCall, now: number): boolean {
  const byAccount = recentCalls.get(call.world) ?? new Map<string, number[]>();
  recentCalls.set(call.world, byAccount);
  const key = `${call.caller.accountId}/${call.region}`;
  const times = (byAccount.get(key) ?? []).filter((t) => now - t < 1000);
  if (times.length >= lookupEventsPerSecond) {
    byAccount.set(key, times);
    return true;
  }
  byAccount.set(key, [...times, now]);
  return false;
}

const seconds = (value: unknown, name: string): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new AwsError('InvalidTimeRangeException', `${name} must be a timestamp`);
  return value * 1000;
};

function matches(record: TrailRecord, key: (typeof attributeKeys)[number], value: string): boolean {
  const identity = (record.userIdentity ?? {}) as Record<string, unknown>;
  const resources = (Array.isArray(record.resources) ? record.resources : []) as Record<string, unknown>[];
  switch (key) {
    case 'EventId':
      return record.eventID === value;
    case 'EventName':
      return record.eventName === value;
    case 'ReadOnly':
      return String(record.readOnly) === value;
    case 'Username':
      return identity.userName === value || (identity.sessionContext as { sessionIssuer?: { userName?: string } } | undefined)?.sessionIssuer?.userName === value;
    case 'ResourceType':
      return resources.some((r) => r.type === value);
    case 'ResourceName':
      return resources.some((r) => r.ARN === value);
    case 'EventSource':
      return record.eventSource === value;
    case 'AccessKeyId':
      return identity.accessKeyId === value;
  }
}

function eventOf(record: TrailRecord): Record<string, unknown> {
  const identity = (record.userIdentity ?? {}) as Record<string, unknown>;
  const resources = (Array.isArray(record.resources) ? record.resources : []) as Record<string, unknown>[];
  const username = identity.userName ?? (identity.sessionContext as { sessionIssuer?: { userName?: string } } | undefined)?.sessionIssuer?.userName;
  return {
    EventId: record.eventID,
    EventName: record.eventName,
    ReadOnly: String(record.readOnly),
    ...(identity.accessKeyId ? { AccessKeyId: identity.accessKeyId } : {}),
    EventTime: Date.parse(String(record.eventTime)) / 1000,
    EventSource: record.eventSource,
    ...(username ? { Username: username } : {}),
    Resources: resources.map((r) => ({ ResourceType: r.type, ResourceName: r.ARN })),
    CloudTrailEvent: JSON.stringify(record),
  };
}

export async function handleCloudTrailRequest(call: IncomingCall): Promise<ServiceResponse> {
  const target = String(call.headers['x-amz-target'] ?? '');
  const operation = isCloudTrailTarget(target) ? target.slice(target.lastIndexOf('.') + 1) : '';
  const respond = (status: number, body: unknown, errorCode?: string): ServiceResponse => ({
    status,
    contentType: 'application/x-amz-json-1.1',
    body: JSON.stringify(body),
    operation: `cloudtrail:${operation || '?'}`,
    ...(errorCode ? { errorCode } : {}),
  });
  const fail = (error: AwsError) => respond(error.status, { __type: error.code, message: error.message }, error.code);
  if (operation !== 'LookupEvents') return fail(new AwsError('UnknownOperationException', `The sandbox's CloudTrail answers LookupEvents only, not ${operation || 'this request'}`, 400));
  if (throttled(call, Date.now())) return fail(new AwsError('ThrottlingException', 'Rate exceeded', 400));
  try {
    const input = (call.body.length === 0 ? {} : JSON.parse(call.body.toString('utf8'))) as Record<string, unknown>;
    const attributes = Array.isArray(input.LookupAttributes) ? (input.LookupAttributes as Record<string, unknown>[]) : [];
    if (attributes.length > 1) throw new AwsError('InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.');
    const attribute = attributes[0];
    if (attribute && !attributeKeys.includes(attribute.AttributeKey as never)) throw new AwsError('InvalidLookupAttributesException', `Invalid AttributeKey ${String(attribute.AttributeKey)}`);
    const maxResults = input.MaxResults === undefined ? 50 : Number(input.MaxResults);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50) throw new AwsError('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
    const start = seconds(input.StartTime, 'StartTime');
    const end = seconds(input.EndTime, 'EndTime');
    if (start !== undefined && end !== undefined && start > end) throw new AwsError('InvalidTimeRangeException', 'StartTime must be before EndTime.');
    const offset = input.NextToken === undefined ? 0 : Number.parseInt(String(input.NextToken), 10);
    if (!Number.isInteger(offset) || offset < 0) throw new AwsError('InvalidNextTokenException', 'Invalid NextToken.');
    const matching = call.world.trail
      .eventsOf(call.caller.accountId, call.region)
      .filter((record) => {
        const time = Date.parse(String(record.eventTime));
        return (start === undefined || time >= start) && (end === undefined || time <= end);
      })
      .filter((record) => !attribute || matches(record, attribute.AttributeKey as (typeof attributeKeys)[number], String(attribute.AttributeValue ?? '')));
    const page = matching.slice(offset, offset + maxResults);
    return respond(200, { Events: page.map(eventOf), ...(offset + maxResults < matching.length ? { NextToken: String(offset + maxResults) } : {}) });
  } catch (error) {
    if (error instanceof AwsError) return fail(error);
    if (error instanceof SyntaxError) return fail(new AwsError('SerializationException', 'Start of structure or map found where not expected.', 400));
    throw error;
  }
}
