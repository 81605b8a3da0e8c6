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
import { handleOrganizationsRequest, organizationsTargetPrefix } from './organizations/organizations-protocol.js';
import {
  clockSkewProblem,
  parseAuthorization,
  payloadHashMatches,
  requestTimestamp,
  signatureMatches,
  signingProblem,
  type ParsedAuthorization,
} from './sigv4.js';
import { renderError, speaksJson, type IncomingCall, type ServiceName, type ServiceResponse } from './service-call.js';
import { vpcEndpointPathPattern } from './vpc-endpoints.js';
import type { SandboxWorld } from './world.js';

/**
 * Largest request body accepted. KMS's own limits (4 KiB plaintext, 32 KiB key policies) and IAM's policy
 * quotas (at most 10,240 characters) are far below it, even URL- or JSON-escaped.
 */
export const maxBodyBytes = 256 * 1024;
/**
 * Connections served at once; more are dropped as they arrive. With the body limit this bounds what
 * request bodies can hold in memory: 256 × 256 KiB = 64 MiB, and only for clients whose access key and
 * signed headers already checked out. The SDK opens at most 50 sockets per client.
 */
export const defaultMaxConnections = 256;
/** AWS rejects signatures more than 15 minutes away from its clock. */
const maxClockSkewMs = 15 * 60 * 1000;
/** How long a client may take to send a whole request, and its headers; a stalled one is then disconnected. */
export const defaultRequestTimeoutMs = 30_000;
export const defaultHeadersTimeoutMs = 20_000;

// The call and response types live in service-call.ts, which imports no handler (no import circle).
export type { IncomingCall, ServiceName, ServiceResponse } from './service-call.js';

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
  /** Connections served at once (default 256); further ones are closed as they arrive. */
  readonly maxConnections?: number;
}

export interface RunningSandbox {
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}


const isKmsTarget = (req: IncomingMessage): boolean => String(req.headers['x-amz-target'] ?? '').startsWith('TrentService.');
const isOrganizationsTarget = (req: IncomingMessage): boolean => String(req.headers['x-amz-target'] ?? '').startsWith(organizationsTargetPrefix);
const isCloudTrailRequest = (req: IncomingMessage): boolean => isCloudTrailTarget(String(req.headers['x-amz-target'] ?? ''));
const isOurService = (name: string | undefined): name is ServiceName =>
  name === 'kms' || name === 'iam' || name === 'sts' || name === 'organizations' || name === 'cloudtrail';
const stsActions = ['AssumeRole', 'GetCallerIdentity', 'GetSessionToken', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML', 'DecodeAuthorizationMessage', 'GetAccessKeyInfo', 'GetFederationToken'];

/** The service a request is meant for, judged from the request itself (the body, when it has been read). */
function serviceFromRequestShape(req: IncomingMessage, body?: Buffer): ServiceName {
  if (isKmsTarget(req)) return 'kms';
  if (isOrganizationsTarget(req)) return 'organizations';
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
  return speaksJson(service) ? new AwsError('IncompleteSignatureException', message, 400) : new AwsError('IncompleteSignature', message, 403);
}

/** The service's signature error, with a message of AWS's for what exactly did not match. */
function signatureMismatch(service: ServiceName, message: string): AwsError {
  return speaksJson(service) ? new AwsError('InvalidSignatureException', message, 400) : new AwsError('SignatureDoesNotMatch', message, 403);
}

/** Renders an authentication failure the way the service in question does. */
function authenticationError(service: ServiceName, kind: 'missing' | 'unknown-key' | 'bad-signature' | 'expired'): AwsError {
  const invalidToken = 'The security token included in the request is invalid.';
  const badSignature =
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
  if (speaksJson(service)) {
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

/**
 * Reads the body, or reports as soon as it is larger than we accept (the rest is never read: the
 * connection is closed after the answer), or that the client went away (or was disconnected for
 * stalling) before sending all of it.
 */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large' | 'abandoned'> {
  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes && !tooLarge) {
        // Answered now; the connection is closed after the answer instead of reading on.
        tooLarge = true;
        chunks = [];
        req.pause();
        resolve('too-large');
      } else if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', () => resolve('abandoned'));
    // A connection closed mid-body ends neither with 'end' nor always with 'error'.
    req.on('close', () => {
      if (!req.complete) {
        chunks = [];
        resolve('abandoned');
      }
    });
  });
}

/** A request whose headers checked out: who signed it and for which service. Only then is its body read. */
interface AdmittedRequest {
  readonly auth: ParsedAuthorization;
}

/**
 * Everything SigV4 and the credential allow checking from the headers alone, in AWS's order: the
 * Authorization header, the service it is scoped to, the signed headers and date, the access key, a
 * session's token and expiry, and the clock skew. A request failing here is answered without its body
 * ever being read, so an unauthenticated client cannot make the sandbox hold its data.
 */
function admit(req: IncomingMessage, auth: ParsedAuthorization | undefined, world: SandboxWorld, requestId: string): AdmittedRequest | ServiceResponse {
  const authorizationHeader = req.headers.authorization;
  const service = serviceOf(req, auth);
  const fail = (error: AwsError) => renderError(service, error, requestId);
  if (!auth) {
    return fail(
      authorizationHeader
        ? incompleteSignature(service, `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${authorizationHeader.split(' ')[0]}`)
        : authenticationError(service, 'missing'),
    );
  }
  // A KMS or Organizations call (by its X-Amz-Target) signed for IAM or STS is answered by that service.
  // A scope naming a service not ours is judged once the body (IAM or STS Action) is known, after the
  // access key checks out.
  const intended = isKmsTarget(req) ? 'kms' : isOrganizationsTarget(req) ? 'organizations' : isCloudTrailRequest(req) ? 'cloudtrail' : service;
  if (isOurService(auth.service) && auth.service !== intended) {
    return renderError(intended, signatureMismatch(intended, `Credential should be scoped to correct service: '${intended}'.`), requestId);
  }
  const problem = signingProblem({ method: req.method ?? 'POST', rawUrl: req.url ?? '/', rawHeaders: req.rawHeaders, body: Buffer.alloc(0) }, auth);
  if (problem) return fail(problem.kind === 'incomplete' ? incompleteSignature(service, problem.message) : signatureMismatch(service, problem.message));
  const credential = world.state.credentials[auth.accessKeyId];
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
  return { auth };
}

/** Unread bodies up to this size are drained (the connection stays usable); larger ones close it. */
const drainedBodyBytes = 64 * 1024;

/** True when the rest of a request's body is large, or of unknown length (chunked), and should not be read. */
function unreadBodyMayBeLarge(req: IncomingMessage): boolean {
  const declared = req.headers['content-length'];
  return declared === undefined ? req.headers['transfer-encoding'] !== undefined : Number(declared) > drainedBodyBytes;
}

function tooLargeResponse(service: ServiceName, requestId: string): ServiceResponse {
  return renderError(
    service,
    new AwsError(speaksJson(service) ? 'ValidationException' : 'ValidationError', `Request body is larger than ${maxBodyBytes} bytes`, 413),
    requestId,
  );
}

async function route(req: IncomingMessage, body: Buffer, admitted: AdmittedRequest, world: SandboxWorld, requestId: string): Promise<ServiceResponse> {
  const { auth } = admitted;
  const service = serviceOf(req, auth, body);
  const fail = (error: AwsError) => renderError(service, error, requestId);
  // A call signed for a service not ours: answered by the service the request was for, in its shape.
  if (auth.service !== service) {
    return renderError(service, signatureMismatch(service, `Credential should be scoped to correct service: '${service}'.`), requestId);
  }
  const signed = { method: req.method ?? 'POST', rawUrl: req.url ?? '/', rawHeaders: req.rawHeaders, body };
  const state = world.state;
  // Looked up again: the key may have been deleted or deactivated while the body was arriving.
  const credential = state.credentials[auth.accessKeyId];
  if (!credential || (credential.kind === 'long-term' && credential.status !== 'Active')) {
    return fail(authenticationError(service, 'unknown-key'));
  }
  // The body must be the one that was signed: a client's x-amz-content-sha256 is checked, never trusted.
  if (!payloadHashMatches(signed) || !signatureMatches(signed, auth, credential.secretAccessKey)) {
    return fail(authenticationError(service, 'bad-signature'));
  }
  // A long-term key signs alone: a session token beside it is one AWS cannot find (checked after the
  // signature, as AWS does), never silently ignored.
  if (credential.kind === 'long-term' && req.headers['x-amz-security-token'] !== undefined) return fail(authenticationError(service, 'unknown-key'));
  const caller = callerFor(state, credential);
  if (!caller) return fail(authenticationError(service, 'unknown-key'));
  const rawUrl = req.url ?? '/';
  const viaService = /^\/via\/([a-z0-9.-]+\.amazonaws\.com)(?:\/|\?|$)/.exec(rawUrl)?.[1];
  const vpcEndpointId = vpcEndpointPathPattern.exec(rawUrl)?.[1];
  // A VPC endpoint that does not exist has no DNS name: the sandbox refuses the call instead of ignoring the path.
  if (vpcEndpointId !== undefined && (service !== 'kms' || state.vpcEndpoints?.[vpcEndpointId] === undefined)) {
    return fail(new AwsError('UnrecognizedClientException', `The sandbox has no KMS VPC endpoint ${vpcEndpointId} (a request sent to /${vpcEndpointId}/ goes through that endpoint of the scenario's vpcEndpoints).`));
  }
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
    ...(vpcEndpointId ? { vpcEndpointId } : {}),
    ...(req.socket.remoteAddress ? { sourceIp: req.socket.remoteAddress.replace(/^::ffff:/, '') } : {}),
  };
  const handler =
    service === 'kms'
      ? handleKmsRequest
      : service === 'organizations'
        ? handleOrganizationsRequest
        : service === 'cloudtrail'
          ? handleCloudTrailRequest
          : service === 'iam'
            ? handleIamRequest
            : handleStsRequest;
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
      const declaredLength = Number(req.headers['content-length'] ?? 0);
      const admitted = declaredLength > maxBodyBytes ? tooLargeResponse(service, requestId) : admit(req, auth, world, requestId);
      if (!('auth' in admitted)) {
        // Answered from the headers alone; the unread body is never kept (drained if small, else the
        // connection is closed after the answer, below).
        response = admitted;
      } else {
        const body = await readBody(req);
        if (body === 'abandoned') {
          log?.(`request abandoned by the client before its body was complete (${Date.now() - started} ms)`);
          return;
        }
        if (body === 'too-large') {
          response = tooLargeResponse(service, requestId);
        } else {
          service = serviceOf(req, auth, body);
          response = await route(req, body, admitted, world, requestId);
        }
      }
    } catch (error) {
      // A bug of ours must still answer like AWS does, not hang or drop the connection.
      response = renderError(service, new AwsError('InternalFailure', 'The sandbox failed to process the request.', 500), requestId);
      log?.(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (res.destroyed) return;
    // A body left unread that may be large is not drained: the connection is closed after the answer.
    const closeAfter = !req.complete && unreadBodyMayBeLarge(req);
    res.writeHead(response.status, {
      'Content-Type': response.contentType,
      'Content-Length': Buffer.byteLength(response.body),
      'x-amzn-RequestId': requestId,
      ...(response.errorCode ? { 'x-amzn-ErrorType': response.errorCode } : {}),
      ...(closeAfter ? { Connection: 'close' } : {}),
    });
    if (closeAfter) res.once('finish', () => req.socket.destroy());
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
  // Beyond the cap, Node closes new connections at once, before reading anything from them.
  server.maxConnections = options.maxConnections ?? defaultMaxConnections;
  server.on('drop', () => log?.(`connection refused: ${server.maxConnections} connections already open`));
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
