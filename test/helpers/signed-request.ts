// Sends hand-made requests (malformed bodies, unknown operations) to the sandbox, correctly signed,
// so a test reaches the protocol layer behind authentication. Signing uses the SDK's own signer.
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/** The hash SignatureV4 takes (the SDK's Node hash, which the SDK does not export for us). */
export class Sha256 {
  #hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: unknown) {
    this.#hash = secret ? createHmac('sha256', secret as Buffer) : createHash('sha256');
  }
  update(data: string | Uint8Array) {
    this.#hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.#hash.digest());
  }
}

export interface RawResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface SignOptions {
  /** The service in the credential scope, when it should differ from `service` (e.g. 's3'). */
  readonly signingService?: string;
  /** When the request claims to be signed (default: now). */
  readonly signingDate?: Date;
  /** Headers left out of SignedHeaders (e.g. 'host'). */
  readonly unsignedHeaders?: readonly string[];
  /** Changes the signed headers before sending (drop X-Amz-Date, edit Authorization…). */
  readonly tamper?: (headers: Record<string, string>) => void;
  /** A body to send instead of the one that was signed. */
  readonly sentBody?: string | Buffer;
}

export async function sendSigned(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  request: { service: 'kms' | 'iam' | 'sts'; headers?: Record<string, string>; body: string | Buffer },
  options: SignOptions = {},
): Promise<RawResponse> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ service: options.signingService ?? request.service, region: 'us-east-1', credentials, sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: { host: url.host, ...request.headers },
      body: request.body,
    },
    {
      ...(options.signingDate ? { signingDate: options.signingDate } : {}),
      ...(options.unsignedHeaders ? { unsignableHeaders: new Set(options.unsignedHeaders) } : {}),
    },
  );
  const headers = { ...signed.headers };
  options.tamper?.(headers);
  const sent = options.sentBody ?? request.body;
  const body = typeof sent === 'string' ? sent : new Uint8Array(sent);
  const response = await fetch(endpoint + '/', { method: 'POST', headers, body });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
}

/**
 * The headers of a correctly signed KMS request for `body`, to send by hand over a raw socket (a body
 * sent only in part, a stalled upload). Header names are as the SDK writes them.
 */
export async function signedKmsHeaders(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  target: string,
  body: string,
): Promise<Record<string, string>> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ service: 'kms', region: 'us-east-1', credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  return { ...signed.headers };
}

/** SigV4 signature of a string to sign with the SDK's signer (for requests built by hand). */
export async function signString(
  credentials: { accessKeyId: string; secretAccessKey: string },
  service: string,
  stringToSign: string,
  signingDate: Date,
): Promise<string> {
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials, sha256: Sha256 });
  return signer.sign(stringToSign, { signingDate });
}

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
