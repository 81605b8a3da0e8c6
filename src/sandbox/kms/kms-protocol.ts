// KMS's wire protocol, JSON 1.1: POST / with `X-Amz-Target: TrentService.<Operation>` and a JSON body;
// answers are JSON, errors {"__type": "...", "message": "..."} with AWS's status codes.
import { AwsError } from '../errors.js';
import { renderError, type IncomingCall, type ServiceResponse } from '../service-call.js';
import type { KmsCall } from './kms-call.js';
import { resolveKey } from './key-authorization.js';
import { kmsOperations } from './operations.js';

export type { KmsCall, KmsOperation } from './kms-call.js';

export async function handleKmsRequest(call: IncomingCall): Promise<ServiceResponse> {
  const target = String(call.headers['x-amz-target'] ?? '');
  const operation = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
  const fail = (error: AwsError): ServiceResponse => ({ ...renderError('kms', error, call.requestId), operation: `kms:${operation || '?'}` });
  const run = Object.hasOwn(kmsOperations, operation) ? kmsOperations[operation] : undefined;
  if (!run) return fail(new AwsError('UnknownOperationException', '', 400));
  let input: unknown;
  try {
    input = call.body.length === 0 ? {} : JSON.parse(call.body.toString('utf8'));
  } catch {
    return fail(new AwsError('SerializationException', 'Start of structure or map found where not expected.', 400));
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail(new AwsError('SerializationException', 'Start of structure or map found where not expected.', 400));
  }
  const record = (error?: AwsError) => recordInTrail(call, operation, input as Record<string, unknown>, error);
  try {
    const output = await run({ ...call, operation, input: input as Record<string, unknown> });
    record();
    return { status: 200, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(output), operation: `kms:${operation}` };
  } catch (error) {
    if (error instanceof AwsError) {
      record(error);
      return fail(error);
    }
    throw error;
  }
}

/** Records the call in the sandbox's CloudTrail, with the key's ARN when its KeyId names one that exists. */
function recordInTrail(call: IncomingCall, operation: string, input: Readonly<Record<string, unknown>>, error: AwsError | undefined): void {
  let keyArn: string | undefined;
  if (typeof input.KeyId === 'string') {
    try {
      keyArn = resolveKey(call.world.state, call, input.KeyId, 'key-or-alias-arn').key.arn;
    } catch {
      keyArn = undefined;
    }
  }
  call.world.trail.recordKmsCall({
    caller: call.caller,
    operation,
    region: call.region,
    input,
    requestId: call.requestId,
    ...(keyArn ? { keyArn } : {}),
    ...(call.viaService ? { viaService: call.viaService } : {}),
    ...(error ? { error: { code: error.code, message: error.message } } : {}),
  });
}
