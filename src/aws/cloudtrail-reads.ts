// KMS refusals from CloudTrail: LookupEvents on kms.amazonaws.com in one Region since a time, newest
// first, each event read by the engine (engine/cloudtrail-event.ts) into what a diagnosis needs.
// LookupEvents allows 2 requests per second per account and Region: pages are fetched one after
// another at most that fast, and a ThrottlingException is retried by the SDK's standard retries.
import { parsePrincipalRef } from '../engine/identifiers.js';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { isDenial, readCloudTrailEvents, type CloudTrailKmsEvent } from '../engine/cloudtrail-event.js';
import { classifyAwsError } from './aws-errors.js';
import type { AwsSession } from './aws-session.js';
import { defaultEndpoint } from './aws-config.js';

export interface DenialQuery {
  readonly region: string;
  readonly since: Date;
  /** Only events of this principal (its ARN as CloudTrail records it, or the role behind a session). */
  readonly principal?: string;
  /** At most this many pages of 50 events (default 10). */
  readonly maxPages?: number;
}

/** LookupEvents' documented rate per account and Region. */
const pageIntervalMs = 500;

/**
 * A CloudTrail client with the session's credentials; its endpoint is the session's custom endpoint
 * (the sandbox serves CloudTrail on the same one), else CloudTrail's own.
 */
function cloudTrailClient(session: AwsSession, region: string): CloudTrailClient {
  const kms = session.kms(region);
  const kmsEndpoint = session.endpoint('kms', region);
  const custom = kmsEndpoint !== defaultEndpoint('kms', region) ? kmsEndpoint : undefined;
  return new CloudTrailClient({ region, credentials: kms.config.credentials, maxAttempts: 5, ...(custom ? { endpoint: custom } : {}) });
}

const sameEntity = (recorded: string | undefined, wanted: string): boolean => {
  if (recorded === undefined) return false;
  if (recorded === wanted) return true;
  // arn:aws:sts::A:assumed-role/Role/session matches arn:aws:iam::A:role/Role (and any path).
  const session = parsePrincipalRef(recorded);
  const role = parsePrincipalRef(wanted);
  return session?.kind === 'assumed-role' && role?.kind === 'role' && session.account === role.account && session.roleName === role.name;
};

/** Refused KMS calls since `since`, newest first. Rejects with our AwsCallError when CloudTrail refuses or fails. */
export async function lookupKmsDenials(session: AwsSession, query: DenialQuery): Promise<CloudTrailKmsEvent[]> {
  const client = cloudTrailClient(session, query.region);
  const found: CloudTrailKmsEvent[] = [];
  try {
    let nextToken: string | undefined;
    for (let page = 0; page < (query.maxPages ?? 10); page += 1) {
      if (page > 0) await new Promise((resolve) => setTimeout(resolve, pageIntervalMs));
      const output = await client.send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }],
          StartTime: query.since,
          MaxResults: 50,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      for (const event of output.Events ?? []) {
        const read = readCloudTrailEvents(event.CloudTrailEvent ?? '') ?? [];
        found.push(...read.filter(isDenial).filter((e) => query.principal === undefined || sameEntity(e.principal, query.principal)));
      }
      nextToken = output.NextToken;
      if (!nextToken) break;
    }
  } catch (error) {
    throw classifyAwsError(error, { call: 'cloudtrail:LookupEvents', endpoint: session.endpoint('kms', query.region) });
  } finally {
    client.destroy();
  }
  return found.sort((a, b) => (b.eventTime ?? '').localeCompare(a.eventTime ?? ''));
}
