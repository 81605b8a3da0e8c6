// The sandbox's HTTP front door: one loopback endpoint for KMS, IAM and STS, as `--endpoint-url`
// expects. Each request is read (bounded), authenticated with SigV4, attributed to a principal and
// handed to its service's protocol; every failure becomes an AWS-shaped error, never a crash.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callerFor, type Caller } from './caller.js';
import { AwsError } from './errors.js';
import { newRequestId } from './ids.js';
import { handleCloudTrailRequest, isCloudTrailTarget } from './cloudtrail/lookup-events.js';
import { handleKmsRequest } from './kms/kms-protocol.js';
import { handleIamRequest, handleStsRequest } from './iam/query-services.js';
import { errorXml } from './query-protocol.js';
import {
  clockSkewProblem,
  parseAuthorization,
  payloadHashMatches,
  requestTimestamp,
  signatureMatches,
  signingProblem,
  type ParsedAuthorization,
} from './sigv4.js';
import type { SandboxWorld } from './world.js';

/** Largest request body accepted; KMS's own limits (4 KiB plaintext, 32 KiB policies) are far below it. */
export const maxBodyBytes = 1024 * 1024;
/** AWS rejects signatures more than 15 minutes away from its clock. */
const maxClockSkewMs = 15 * 60 * 1000;
/** How long a client may take to send a whole request, and its headers; a stalled one is then disconnected. */
export const defaultRequestTimeoutMs = 30_000;
export const defaultHeadersTimeoutMs = 20_000;

export type ServiceName = 'kms' | 'iam' | 'sts' | 'cloudtrail';

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
  /** Time a client has to send a whole request (default 30 s); then its connection is closed. */
  readonly requestTimeoutMs?: number;
  /** Time a client has to send the request headers (default 20 s, at most requestTimeoutMs). */
  readonly headersTimeoutMs?: number;
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

const isKmsTarget = (req: IncomingMessage): boolean => String(req.headers['x-amz-target'] ?? '').startsWith('TrentService.');
const isOurService = (name: string | undefined): name is ServiceName => name === 'kms' || name === 'iam' || name === 'sts' || name === 'cloudtrail';
const isCloudTrailRequest = (req: IncomingMessage): boolean => isCloudTrailTarget(String(req.headers['x-amz-target'] ?? ''));
const stsActions = ['AssumeRole', 'GetCallerIdentity', 'GetSessionToken', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML', 'DecodeAuthorizationMessage', 'GetAccessKeyInfo', 'GetFederationToken'];

/** The service a request is meant for, judged from the request itself (the body, when it has been read). */
function serviceFromRequestShape(req: IncomingMessage, body?: Buffer): ServiceName {
  if (isKmsTarget(req)) return 'kms';
  if (isCloudTrailRequest(req)) return 'cloudtrail';
  const query = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1) : '';
  const action = new URLSearchParams(query).get('Action') ?? (body ? new URLSearchParams(body.toString('utf8')).get('Action') : null) ?? '';
  return stsActions.includes(action) ? 'sts' : 'iam';
}

/**
 * The service whose error shape a request gets: the one its credential scope names when that is one of
 * ours (there is a single endpoint, so the scope is what routes), else what the request looks like.
 */
function serviceOf(req: IncomingMessage, auth: ParsedAuthorization | undefined, body?: Buffer): ServiceName {
  return isOurService(auth?.service) ? auth.service : serviceFromRequestShape(req, body);
}

/** IncompleteSignature(Exception): the Authorization lacks something SigV4 requires. */
function incompleteSignature(service: ServiceName, message: string): AwsError {
  return service === 'kms' ? new AwsError('IncompleteSignatureException', message, 400) : new AwsError('IncompleteSignature', message, 403);
}

/** The service's signature error, with a message of AWS's for what exactly did not match. */
function signatureMismatch(service: ServiceName, message: string): AwsError {
  return service === 'kms' ? new AwsError('InvalidSignatureException', message, 400) : new AwsError('SignatureDoesNotMatch', message, 403);
}

/** Renders an authentication failure the way the service in question does. */
function authenticationError(service: ServiceName, kind: 'missing' | 'unknown-key' | 'bad-signature' | 'expired'): AwsError {
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
  }
}

export function renderError(service: ServiceName, error: AwsError, requestId: string): ServiceResponse {
  if (service === 'kms' || service === 'cloudtrail') {
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

/**
 * Reads the body, or reports that it is larger than we accept (then drains the rest), or that the client
 * went away (or was disconnected for stalling) before sending all of it.
 */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large' | 'abandoned'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', () => resolve('abandoned'));
  });
}

async function route(req: IncomingMessage, body: Buffer, world: SandboxWorld, requestId: string): Promise<ServiceResponse> {
  const authorizationHeader = req.headers.authorization;
  const auth = parseAuthorization(authorizationHeader);
  const service = serviceOf(req, auth, body);
  const fail = (error: AwsError) => renderError(service, error, requestId);
  if (!auth) {
    return fail(
      authorizationHeader
        ? incompleteSignature(service, `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${authorizationHeader.split(' ')[0]}`)
        : authenticationError(service, 'missing'),
    );
  }
  // A call signed for a service not ours, or a KMS call (by its X-Amz-Target) signed for IAM or STS:
  // answered by the service the request was for, in that service's shape.
  const intended = isKmsTarget(req) ? 'kms' : service;
  if (auth.service !== intended) {
    return renderError(intended, signatureMismatch(intended, `Credential should be scoped to correct service: '${intended}'.`), requestId);
  }
  const signed = { method: req.method ?? 'POST', rawUrl: req.url ?? '/', rawHeaders: req.rawHeaders, body };
  const problem = signingProblem(signed, auth);
  if (problem) return fail(problem.kind === 'incomplete' ? incompleteSignature(service, problem.message) : signatureMismatch(service, problem.message));
  const state = world.state;
  const credential = state.credentials[auth.accessKeyId];
  if (!credential || (credential.kind === 'long-term' && credential.status !== 'Active')) {
    return fail(authenticationError(service, 'unknown-key'));
  }
  if (credential.kind === 'session') {
    if (req.headers['x-amz-security-token'] !== credential.sessionToken) return fail(authenticationError(service, 'unknown-key'));
    if (Date.parse(credential.expiration) <= Date.now()) return fail(authenticationError(service, 'expired'));
  }
  const timestamp = requestTimestamp(req.rawHeaders);
  const skew = timestamp && typeof timestamp !== 'string' ? clockSkewProblem(timestamp, new Date(), maxClockSkewMs) : undefined;
  if (skew) return fail(signatureMismatch(service, skew));
  // The body must be the one that was signed: a client's x-amz-content-sha256 is checked, never trusted.
  if (!payloadHashMatches(signed) || !signatureMatches(signed, auth, credential.secretAccessKey)) {
    return fail(authenticationError(service, 'bad-signature'));
  }
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
  const handler = service === 'kms' ? handleKmsRequest : service === 'cloudtrail' ? handleCloudTrailRequest : service === 'iam' ? handleIamRequest : handleStsRequest;
  return { ...(await handler(call)), caller: caller.arn };
}

/** The host to put in the endpoint URL: a wildcard bind address is reached through loopback. */
function connectableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '0:0:0:0:0:0:0:0') return '::1';
  return host;
}

export async function startSandboxServer(options: SandboxServerOptions): Promise<RunningSandbox> {
  const { world, latencyMs = 0, log } = options;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = newRequestId();
    const started = Date.now();
    // Known from the headers already, refined once the body is read: internal errors answer in its shape.
    const auth = parseAuthorization(req.headers.authorization);
    let service = serviceOf(req, auth);
    let response: ServiceResponse;
    try {
      const body = await readBody(req);
      if (body === 'abandoned') {
        log?.(`request abandoned by the client before its body was complete (${Date.now() - started} ms)`);
        return;
      }
      if (body === 'too-large') {
        response = renderError(
          service,
          new AwsError(service === 'kms' ? 'ValidationException' : 'ValidationError', `Request body is larger than ${maxBodyBytes} bytes`, 413),
          requestId,
        );
      } else {
        service = serviceOf(req, auth, body);
        response = await route(req, body, world, requestId);
      }
    } catch (error) {
      // A bug of ours must still answer like AWS does, not hang or drop the connection.
      response = renderError(service, new AwsError('InternalFailure', 'The sandbox failed to process the request.', 500), requestId);
      log?.(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (res.destroyed) return;
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
  const requestTimeout = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? defaultHeadersTimeoutMs, requestTimeout);
  const server = createServer(
    {
      // A client that stalls (slowloris, a half-sent body) is disconnected instead of holding a connection.
      requestTimeout,
      headersTimeout,
      // Node checks those timeouts only this often (30 s by default, which would double them).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 5))),
    },
    (req, res) => void handle(req, res),
  );
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
  const reachableHost = connectableHost(host);
  const urlHost = reachableHost.includes(':') ? `[${reachableHost}]` : reachableHost;
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
