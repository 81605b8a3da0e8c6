// Sends hand-made requests (malformed bodies, unknown operations) to the sandbox, correctly signed,
// so a test reaches the protocol layer behind authentication. Signing uses the SDK's own signer.
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

class Sha256 {
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

export async function sendSigned(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  request: { service: 'kms' | 'iam' | 'sts'; headers?: Record<string, string>; body: string | Buffer },
): Promise<RawResponse> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ service: request.service, region: 'us-east-1', credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: { host: url.host, ...request.headers },
    body: request.body,
  });
  const body = typeof request.body === 'string' ? request.body : new Uint8Array(request.body);
  const response = await fetch(endpoint + '/', { method: 'POST', headers: signed.headers, body });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
}
