// What the sandbox's front door (server.ts) hands a service's protocol handler, and what it gets back:
// the call, the response, and AWS-shaped errors per protocol. Handlers import these from here, never
// from server.ts, so no handler sits in an import circle with the server that imports every handler.
import type { IncomingMessage } from 'node:http';
import type { Caller } from './caller.js';
import type { AwsError } from './errors.js';
import { errorXml } from './query-protocol.js';
import type { SandboxWorld } from './world.js';

export const jsonContentType = 'application/x-amz-json-1.1';
export const xmlContentType = 'text/xml';

export type ServiceName = 'kms' | 'iam' | 'sts' | 'organizations' | 'cloudtrail';

/** KMS, Organizations and CloudTrail speak JSON 1.1 (errors as {"__type", "message"}); IAM and STS the Query protocol's XML. */
export const speaksJson = (service: ServiceName): boolean => service === 'kms' || service === 'organizations' || service === 'cloudtrail';

export interface IncomingCall {
  readonly service: ServiceName;
  readonly region: string;
  readonly caller: Caller;
  readonly requestId: string;
  readonly body: Buffer;
  readonly headers: IncomingMessage['headers'];
  readonly rawQuery: string;
  readonly world: SandboxWorld;
  /**
   * Sandbox extension: requests sent to the endpoint path /via/<service host>/ (e.g. --endpoint-url
   * http://127.0.0.1:4599/via/ec2.us-east-1.amazonaws.com) act as if that AWS service made the call on
   * the caller's behalf: kms:ViaService, aws:ViaAWSService and kms:GrantIsForAWSResource are set.
   */
  readonly viaService?: string;
  /**
   * Sandbox extension: requests sent to the endpoint path /vpce-…/ (e.g. --endpoint-url
   * http://127.0.0.1:4599/vpce-0a1b2c3d4e5f60718) go through that KMS VPC endpoint of the state: its
   * policy is evaluated beside the others, and aws:SourceVpce and aws:SourceVpc are set.
   */
  readonly vpcEndpointId?: string;
  /** The client's address (aws:SourceIp of a direct call); IPv4-mapped IPv6 written as IPv4. */
  readonly sourceIp?: string;
}

export interface ServiceResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** Operation name, for the request log. */
  readonly operation: string;
  /** Error code, when the call failed (for the request log). */
  readonly errorCode?: string;
  /** Who made the call, once authenticated (for the request log; never a secret). */
  readonly caller?: string;
}

export function renderError(service: ServiceName, error: AwsError, requestId: string): ServiceResponse {
  if (speaksJson(service)) {
    return {
      status: error.status,
      contentType: jsonContentType,
      body: JSON.stringify({ __type: error.code, message: error.message }),
      operation: '?',
      errorCode: error.code,
    };
  }
  const namespace = service === 'sts' ? 'https://sts.amazonaws.com/doc/2011-06-15/' : 'https://iam.amazonaws.com/doc/2010-05-08/';
  return { status: error.status, contentType: xmlContentType, body: errorXml(namespace, error, requestId), operation: '?', errorCode: error.code };
}
