// The sandbox's HTTP front door: one loopback endpoint for KMS, IAM and STS, as `--endpoint-url`
// expects. Each request is read (bounded), authenticated with SigV4, attributed to a principal and
// handed to its service's protocol; every failure becomes an AWS-shaped error, never a crash.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callerFor, type Caller } from './caller.js';
import { AwsError } from './errors.js';
import { newRequestId } from './ids.js';
import { handleKmsRequest } from './kms/kms-protocol.js';
import { handleIamRequest, handleStsRequest } from './iam/query-services.js';
import { errorXml } from './query-protocol.js';
import { parseAuthorization, requestTime, signatureMatches } from './sigv4.js';
import type { SandboxWorld } from './world.js';

/** Largest request body accepted; KMS's own limits (4 KiB plaintext, 32 KiB policies) are far below it. */
export const maxBodyBytes = 1024 * 1024;
/** AWS rejects signatures more than 15 minutes away from its clock. */
const maxClockSkewMs = 15 * 60 * 1000;

export type ServiceName = 'kms' | 'iam' | 'sts';

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

export interface SandboxServerOptions {
  readonly world: SandboxWorld;
  readonly host?: string;
  readonly port?: number;
  /** Delay added to every response, to model real AWS round trips in benchmarks. */
  readonly latencyMs?: number;
  /** One line per request (never with secrets). */
  readonly log?: (line: string) => void;
}

export interface RunningSandbox {
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

const jsonContentType = 'application/x-amz-json-1.1';
const xmlContentType = 'text/xml';

function serviceFromUnsignedRequest(req: IncomingMessage, body: Buffer): ServiceName {
  if (String(req.headers['x-amz-target'] ?? '').startsWith('TrentService.')) return 'kms';
  const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? '';
  return ['AssumeRole', 'GetCallerIdentity', 'GetSessionToken', 'AssumeRoleWithWebIdentity', 'DecodeAuthorizationMessage'].includes(action)
    ? 'sts'
    : 'iam';
}

/** Renders an authentication failure the way the service in question does. */
function authenticationError(service: ServiceName, kind: 'missing' | 'unknown-key' | 'bad-signature' | 'expired' | 'skew', detail = ''): AwsError {
  const invalidToken = 'The security token included in the request is invalid.';
  const badSignature =
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
  if (service === 'kms') {
    switch (kind) {
      case 'missing':
        return new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
      case 'unknown-key':
        return new AwsError('UnrecognizedClientException', invalidToken, 400);
      case 'bad-signature':
        return new AwsError('InvalidSignatureException', badSignature, 400);
      case 'expired':
        return new AwsError('ExpiredTokenException', 'The security token included in the request is expired', 400);
      case 'skew':
        return new AwsError('InvalidSignatureException', `Signature expired: ${detail}`, 400);
    }
  }
  switch (kind) {
    case 'missing':
      return new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    case 'unknown-key':
      return new AwsError('InvalidClientTokenId', invalidToken, 403);
    case 'bad-signature':
      return new AwsError('SignatureDoesNotMatch', badSignature, 403);
    case 'expired':
      return new AwsError('ExpiredToken', 'The security token included in the request is expired', 403);
    case 'skew':
      return new AwsError('SignatureDoesNotMatch', `Signature expired: ${detail}`, 403);
  }
}

export function renderError(service: ServiceName, error: AwsError, requestId: string): ServiceResponse {
  if (service === 'kms') {
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

/** Reads the body, or reports that it is larger than we accept (then drains the rest). */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function route(req: IncomingMessage, body: Buffer, world: SandboxWorld, requestId: string): Promise<ServiceResponse> {
  const authorizationHeader = req.headers.authorization;
  const auth = parseAuthorization(authorizationHeader);
  const service: ServiceName =
    auth && (auth.service === 'kms' || auth.service === 'iam' || auth.service === 'sts')
      ? auth.service
      : serviceFromUnsignedRequest(req, body);
  const fail = (error: AwsError) => renderError(service, error, requestId);
  if (!auth) {
    return fail(
      authorizationHeader
        ? new AwsError(
            service === 'kms' ? 'IncompleteSignatureException' : 'IncompleteSignature',
            `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${authorizationHeader.split(' ')[0]}`,
            service === 'kms' ? 400 : 403,
          )
        : authenticationError(service, 'missing'),
    );
  }
  if (auth.service !== service) {
    return fail(new AwsError('InvalidSignatureException', `Credential should be scoped to correct service: '${service}'.`, 400));
  }
  const state = world.state;
  const credential = state.credentials[auth.accessKeyId];
  if (!credential || (credential.kind === 'long-term' && credential.status !== 'Active')) {
    return fail(authenticationError(service, 'unknown-key'));
  }
  if (credential.kind === 'session') {
    if (req.headers['x-amz-security-token'] !== credential.sessionToken) return fail(authenticationError(service, 'unknown-key'));
    if (Date.parse(credential.expiration) <= Date.now()) return fail(authenticationError(service, 'expired'));
  }
  const signedAt = requestTime(req.rawHeaders);
  if (signedAt && Math.abs(signedAt.getTime() - Date.now()) > maxClockSkewMs) {
    return fail(authenticationError(service, 'skew', `${req.headers['x-amz-date']} is too far from the server time`));
  }
  const signed = { method: req.method ?? 'POST', rawUrl: req.url ?? '/', rawHeaders: req.rawHeaders, body };
  if (!signatureMatches(signed, auth, credential.secretAccessKey)) return fail(authenticationError(service, 'bad-signature'));
  const caller = callerFor(state, credential);
  if (!caller) return fail(authenticationError(service, 'unknown-key'));
  const rawUrl = req.url ?? '/';
  const viaService = /^\/via\/([a-z0-9.-]+\.amazonaws\.com)(?:\/|\?|$)/.exec(rawUrl)?.[1];
  const call: IncomingCall = {
    service,
    region: auth.region,
    caller,
    requestId,
    body,
    headers: req.headers,
    rawQuery: rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '',
    world,
    ...(viaService ? { viaService } : {}),
  };
  const handler = service === 'kms' ? handleKmsRequest : service === 'iam' ? handleIamRequest : handleStsRequest;
  return { ...(await handler(call)), caller: caller.arn };
}

export async function startSandboxServer(options: SandboxServerOptions): Promise<RunningSandbox> {
  const { world, latencyMs = 0, log } = options;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = newRequestId();
    const started = Date.now();
    let response: ServiceResponse;
    try {
      const body = await readBody(req);
      if (body === 'too-large') {
        const service = String(req.headers['x-amz-target'] ?? '').startsWith('TrentService.') ? 'kms' : 'iam';
        response = renderError(
          service,
          new AwsError(service === 'kms' ? 'ValidationException' : 'ValidationError', `Request body is larger than ${maxBodyBytes} bytes`, 413),
          requestId,
        );
      } else {
        response = await route(req, body, world, requestId);
      }
    } catch (error) {
      // A bug of ours must still answer like AWS does, not hang or drop the connection.
      response = renderError('kms', new AwsError('InternalFailure', 'The sandbox failed to process the request.', 500), requestId);
      log?.(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    res.writeHead(response.status, {
      'Content-Type': response.contentType,
      'Content-Length': Buffer.byteLength(response.body),
      'x-amzn-RequestId': requestId,
      ...(response.errorCode ? { 'x-amzn-ErrorType': response.errorCode } : {}),
    });
    res.end(response.body);
    const outcome = response.errorCode ? `${response.status} ${response.errorCode}` : String(response.status);
    log?.(`${response.operation} by ${response.caller ?? 'unauthenticated caller'} -> ${outcome} (${Date.now() - started} ms)`);
  };
  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4599, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    endpoint: `http://${urlHost}:${port}`,
    host,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
