// `check --from-cloudtrail [--since DURATION] [--principal ARN]`: the most recent refused KMS call in
// CloudTrail (LookupEvents on kms.amazonaws.com), read as if its record had been given to --error.
import { parseArgs } from 'node:util';
import { lookupKmsDenials } from '../aws/cloudtrail-reads.js';
import { parsedErrorOfEvent, type CloudTrailKmsEvent } from '../engine/cloudtrail-event.js';
import type { ParsedError } from '../engine/error-message-parser.js';
import { UsageError } from '../usage-error.js';
import { connectionOptionsOf } from './check-args.js';
import { openSession } from '../live/open-session.js';

/** How far back --since looks by default. */
export const defaultSince = '24h';

/** "90m", "24h", "7d" → milliseconds; LookupEvents keeps 90 days. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*(m|h|d)$/.exec(text.trim());
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  const ms = match ? Number(match[1]) * unit[match[2] as keyof typeof unit] : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0 || ms > 90 * unit.d) throw new UsageError(`--since '${text}' is not a duration like 90m, 24h or 7d (at most 90d, as far back as CloudTrail's event history goes)`);
  return ms;
}

/** The args without --from-cloudtrail and --since, and the lookup they asked for; undefined without --from-cloudtrail. */
export function fromCloudTrailArgs(args: readonly string[]): { readonly rest: string[]; readonly sinceMs: number } | undefined {
  if (!args.includes('--from-cloudtrail')) return undefined;
  const rest: string[] = [];
  let since = defaultSince;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--from-cloudtrail') continue;
    if (arg === '--since') {
      const value = args[i + 1];
      if (value === undefined) throw new UsageError("--since needs a duration, like 24h");
      since = value;
      i += 1;
    } else if (arg.startsWith('--since=')) since = arg.slice('--since='.length);
    else rest.push(arg);
  }
  if (rest.includes('--error')) throw new UsageError('--from-cloudtrail and --error both say which call failed: give one of them');
  return { rest, sinceMs: parseDuration(since) };
}

/** Finds the most recent refused KMS call; a UsageError-free "nothing found" is a one-line failure. */
export async function latestDenial(rest: readonly string[], sinceMs: number, now = new Date()): Promise<{ readonly event: CloudTrailKmsEvent; readonly parsedError: ParsedError }> {
  const { values } = parseArgs({
    args: [...rest],
    options: { profile: { type: 'string' }, 'key-profile': { type: 'string' }, region: { type: 'string' }, 'endpoint-url': { type: 'string' }, principal: { type: 'string' } },
    strict: false,
    allowPositionals: true,
  });
  const connection = connectionOptionsOf(values as Record<string, string | undefined>);
  const session = await openSession(connection);
  try {
    const region = connection.region ?? session.region ?? 'us-east-1';
    const principal = typeof values.principal === 'string' ? values.principal : undefined;
    const denials = await lookupKmsDenials(session, { region, since: new Date(now.getTime() - sinceMs), ...(principal ? { principal } : {}) });
    const event = denials[0];
    if (!event) {
      throw new NoDenialFound(`CloudTrail has no refused KMS call in ${region} since ${new Date(now.getTime() - sinceMs).toISOString()}${principal ? ` for ${principal}` : ''}: widen --since, or give --key and --operation`);
    }
    return { event, parsedError: parsedErrorOfEvent(event) };
  } finally {
    session.destroy();
  }
}

export class NoDenialFound extends Error {
  override name = 'NoDenialFound';
}
