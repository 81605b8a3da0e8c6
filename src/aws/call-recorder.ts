// One record per HTTP exchange with AWS, for `--debug` traces (our own structured events: SDK loggers
// print whole inputs and outputs, credentials included, aws/aws-sdk-js-v3#4674) and for tests that
// count how many round trips a diagnosis needs one after the other.
import type { FinalizeRequestMiddleware, MetadataBearer, Pluggable } from '@smithy/types';

export interface AwsCallRecord {
  /** e.g. kms:DescribeKey, sts:AssumeRole */
  readonly call: string;
  readonly region: string | undefined;
  /** performance.now() when the signed request left, and when its answer was read. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly httpStatusCode?: number;
  /** The error name when the exchange failed (AccessDeniedException, ECONNREFUSED…). */
  readonly errorCode?: string;
  /** Where the request went (scheme, host, port; no path or query). */
  readonly endpoint?: string;
  /** AWS's request ID, for a support case or CloudTrail. */
  readonly requestId?: string;
}

export type AwsCallObserver = (record: AwsCallRecord) => void;

/** KMSClient + DescribeKeyCommand → kms:DescribeKey. */
function callName(clientName: string | undefined, commandName: string | undefined): string {
  const service = (clientName ?? 'aws').replace(/Client$/, '').toLowerCase();
  return `${service}:${(commandName ?? 'Unknown').replace(/Command$/, '')}`;
}

/**
 * A plugin that reports each attempt. It sits right after signing, so credential resolution (which
 * may itself call STS, reported by the role assumer's own client) is not counted inside the call.
 */
export function callRecorderPlugin<Input extends object, Output extends MetadataBearer>(observe: AwsCallObserver, region: string | undefined): Pluggable<Input, Output> {
  const middleware: FinalizeRequestMiddleware<Input, Output> = (next, context) => async (args) => {
    const call = callName(context.clientName, context.commandName);
    const startedAt = performance.now();
    const request = args.request as { protocol?: unknown; hostname?: unknown; port?: unknown } | undefined;
    const endpoint =
      typeof request?.hostname === 'string' ? `${String(request.protocol ?? 'https:')}//${request.hostname}${typeof request.port === 'number' ? `:${request.port}` : ''}` : undefined;
    const where = endpoint !== undefined ? { endpoint } : {};
    try {
      const result = await next(args);
      const response = result.response as { statusCode?: unknown; headers?: Record<string, string | undefined> } | undefined;
      const status = response?.statusCode;
      const requestId = response?.headers?.['x-amzn-requestid'] ?? response?.headers?.['x-amz-request-id'];
      observe({ call, region, startedAt, endedAt: performance.now(), ...where, ...(typeof status === 'number' ? { httpStatusCode: status } : {}), ...(requestId ? { requestId } : {}) });
      return result;
    } catch (error) {
      const e = error as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown; requestId?: unknown } };
      const errorCode = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'Error';
      const status = e.$metadata?.httpStatusCode;
      const requestId = e.$metadata?.requestId;
      observe({
        call,
        region,
        startedAt,
        endedAt: performance.now(),
        errorCode,
        ...where,
        ...(typeof status === 'number' ? { httpStatusCode: status } : {}),
        ...(typeof requestId === 'string' ? { requestId } : {}),
      });
      throw error;
    }
  };
  return {
    applyToStack(stack) {
      stack.addRelativeTo(middleware, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'kmsDoctorCallRecorder', override: true });
    },
  };
}

/**
 * The calls grouped in waves: a call's wave is 1 + the highest wave among the calls that had ended
 * before it started. The number of waves is the number of round trips that had to happen one after
 * the other, however fast or slow the machine is.
 */
export function callWaves(records: readonly AwsCallRecord[]): string[][] {
  const depth = new Map<AwsCallRecord, number>();
  // By end time: every call that ended before another started has its depth already.
  for (const record of [...records].sort((a, b) => a.endedAt - b.endedAt)) {
    const before = records.filter((r) => r.endedAt <= record.startedAt).map((r) => depth.get(r) ?? 0);
    depth.set(record, Math.max(0, ...before) + 1);
  }
  const result: string[][] = [];
  for (const record of records) (result[depth.get(record)! - 1] ??= []).push(record.call);
  return Array.from(result, (wave) => (wave ?? []).sort());
}

/** One `--debug` line: service and operation, Region, endpoint, status, duration, request ID. Never a header, body or credential. */
export function debugLine(record: AwsCallRecord): string {
  const status = record.httpStatusCode !== undefined ? String(record.httpStatusCode) : 'no response';
  const parts = [
    record.call,
    record.region ?? '-',
    record.endpoint ?? '-',
    record.errorCode !== undefined ? `${status} ${record.errorCode}` : status,
    `${Math.round(record.endedAt - record.startedAt)}ms`,
    ...(record.requestId !== undefined ? [`request-id ${record.requestId}`] : []),
  ];
  return `kms-doctor debug: ${parts.join(' ')}`;
}
