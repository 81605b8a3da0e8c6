// What SigV4 verification checks beyond the signature itself, each answered in the shape of the service
// the request was for (KMS: JSON, 400; IAM and STS: Query XML, 403): the body must be the one signed
// (x-amz-content-sha256 is checked, not trusted), Host must be signed, the request must carry a date
// whose day is the credential scope's, within 15 minutes of the server's clock, and the credential
// scope must name the service the request is for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxBodyBytes } from '../../src/sandbox/server.js';
import { aws } from '../helpers/aws-cli.js';
import { startTestSandbox, userCredentials, type TestSandbox } from '../helpers/sandbox.js';
import { sendSigned, sha256Hex, signString, type RawResponse, type SignOptions } from '../helpers/signed-request.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox('blank');
});
afterAll(async () => {
  await sandbox?.stop();
});

const iamNamespace = 'https://iam.amazonaws.com/doc/2010-05-08/';
const stsNamespace = 'https://sts.amazonaws.com/doc/2011-06-15/';
const admin = () => userCredentials(sandbox, 'admin');

const kmsHeaders = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' };
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
const requests = {
  kms: { service: 'kms' as const, headers: kmsHeaders, body: '{}' },
  iam: { service: 'iam' as const, headers: formHeaders, body: 'Action=GetUser&Version=2010-05-08' },
  sts: { service: 'sts' as const, headers: formHeaders, body: 'Action=GetCallerIdentity&Version=2011-06-15' },
};
type Service = keyof typeof requests;

const send = (service: Service, options: SignOptions = {}, headers: Record<string, string> = {}) =>
  sendSigned(sandbox.endpoint, admin(), { ...requests[service], headers: { ...requests[service].headers, ...headers } }, options);

/** The error a response carries, whichever protocol it came in. */
function errorOf(response: RawResponse): { status: number; code: string; message: string; namespace?: string } {
  if (response.contentType.includes('json')) {
    const body = JSON.parse(response.body) as { __type: string; message: string };
    return { status: response.status, code: body.__type, message: body.message };
  }
  const pick = (tag: string) => new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(response.body)?.[1] ?? '';
  const namespace = /<ErrorResponse xmlns="([^"]+)"/.exec(response.body)?.[1];
  return { status: response.status, code: pick('Code'), message: pick('Message').replace(/&apos;/g, "'").replace(/&quot;/g, '"'), ...(namespace ? { namespace } : {}) };
}

const signatureError = { kms: { status: 400, code: 'InvalidSignatureException' }, iam: { status: 403, code: 'SignatureDoesNotMatch' }, sts: { status: 403, code: 'SignatureDoesNotMatch' } };
const incompleteError = { kms: { status: 400, code: 'IncompleteSignatureException' }, iam: { status: 403, code: 'IncompleteSignature' }, sts: { status: 403, code: 'IncompleteSignature' } };
const namespaces = { kms: undefined, iam: iamNamespace, sts: stsNamespace };
const services: Service[] = ['kms', 'iam', 'sts'];

describe('the signed payload', () => {
  it('accepts an x-amz-content-sha256 that is the hash of the body', async () => {
    for (const service of services) {
      const response = await send(service, {}, { 'x-amz-content-sha256': sha256Hex(requests[service].body) });
      expect(response.status, `${service}: ${response.body}`).toBe(200);
    }
  });

  it('refuses a body other than the one whose hash was signed', async () => {
    // Signed for one body (its hash in x-amz-content-sha256), sent with another: the signature covers
    // the claimed hash, so trusting the header would run a request nobody signed.
    const swapped: Record<Service, string> = { kms: '{"Limit": 1}', iam: 'Action=GetUser&Version=2010-05-08&UserName=admin', sts: 'Action=GetCallerIdentity&Version=2011-06-15&X=1' };
    for (const service of services) {
      const response = await send(service, { sentBody: swapped[service] }, { 'x-amz-content-sha256': sha256Hex(requests[service].body) });
      const error = errorOf(response);
      expect(error, service).toMatchObject(signatureError[service]);
      expect(error.message).toContain('The request signature we calculated does not match the signature you provided');
      expect(error.namespace).toBe(namespaces[service]);
    }
  });

  it('refuses UNSIGNED-PAYLOAD, which KMS, IAM and STS do not accept', async () => {
    for (const service of services) {
      expect(errorOf(await send(service, {}, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })), service).toMatchObject(signatureError[service]);
    }
  });
});

describe('signed headers and the request date', () => {
  it('requires Host among the signed headers', async () => {
    for (const service of services) {
      const error = errorOf(await send(service, { unsignedHeaders: ['host'] }));
      expect(error, service).toMatchObject(incompleteError[service]);
      expect(error.message).toBe("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
      expect(error.namespace).toBe(namespaces[service]);
    }
  });

  it('requires X-Amz-Date or Date', async () => {
    for (const service of services) {
      const error = errorOf(await send(service, { tamper: (headers) => delete headers['x-amz-date'] }));
      expect(error, service).toMatchObject(incompleteError[service]);
      expect(error.message).toMatch(/^Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header\./);
    }
  });

  it('refuses an X-Amz-Date that is not ISO 8601 basic format', async () => {
    const error = errorOf(await send('kms', { tamper: (headers) => (headers['x-amz-date'] = '2030-01-01T00:00:00Z') }));
    expect(error).toMatchObject(incompleteError.kms);
    expect(error.message).toContain("Date must be in ISO-8601 'basic format'. Got '2030-01-01T00:00:00Z'.");
  });

  it('accepts an HTTP Date header instead of X-Amz-Date', async () => {
    // Built by hand: the SDK always signs X-Amz-Date. The date in the string to sign is the ISO 8601
    // basic form of the Date header.
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const httpDate = now.toUTCString();
    const iso = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
    const host = new URL(sandbox.endpoint).host;
    const body = '{}';
    const headers: Record<string, string> = { 'content-type': kmsHeaders['content-type'], date: httpDate, host, 'x-amz-target': kmsHeaders['x-amz-target'] };
    const signedHeaders = Object.keys(headers).sort();
    const canonicalRequest = ['POST', '/', '', ...signedHeaders.map((name) => `${name}:${headers[name]}`), '', signedHeaders.join(';'), sha256Hex(body)].join('\n');
    const scope = `${iso.slice(0, 8)}/us-east-1/kms/aws4_request`;
    const credentials = admin();
    const signature = await signString(credentials, 'kms', ['AWS4-HMAC-SHA256', iso, scope, sha256Hex(canonicalRequest)].join('\n'), now);
    const authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
    const response = await fetch(sandbox.endpoint + '/', { method: 'POST', headers: { ...headers, authorization }, body });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toHaveProperty('Keys');
  });

  it("requires the date's day to be the credential scope's", async () => {
    const now = new Date();
    const today = now.toISOString().slice(0, 10).replace(/-/g, '');
    const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    for (const service of services) {
      const error = errorOf(
        await send(service, { signingDate: now, tamper: (headers) => (headers.authorization = headers.authorization!.replace(`/${today}/`, `/${yesterday}/`)) }),
      );
      expect(error, service).toMatchObject(signatureError[service]);
      expect(error.message).toMatch(
        new RegExp(`^Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${yesterday}' != '${today}', from '${today}T\\d{6}Z'\\.$`),
      );
    }
  });

  it('refuses a request signed more than 15 minutes away from the server clock', async () => {
    const past = errorOf(await send('kms', { signingDate: new Date(Date.now() - 20 * 60_000) }));
    expect(past).toMatchObject(signatureError.kms);
    expect(past.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const future = errorOf(await send('sts', { signingDate: new Date(Date.now() + 20 * 60_000) }));
    expect(future).toMatchObject(signatureError.sts);
    expect(future.message).toMatch(/^Signature not yet current: /);
    // Within the window is fine.
    expect((await send('kms', { signingDate: new Date(Date.now() - 10 * 60_000) })).status).toBe(200);
  });
});

describe('errors in the shape of the service the request was for', () => {
  it('answers a credential scope of another service with that service\'s signature error', async () => {
    for (const service of services) {
      const error = errorOf(await send(service, { signingService: 's3' }));
      expect(error, service).toMatchObject(signatureError[service]);
      expect(error.message).toBe(`Credential should be scoped to correct service: '${service}'.`);
      expect(error.namespace).toBe(namespaces[service]);
    }
    // A KMS call (X-Amz-Target) signed for IAM is a KMS request with the wrong scope, not an IAM call.
    const kmsAsIam = await sendSigned(sandbox.endpoint, admin(), { ...requests.kms, service: 'iam' });
    expect(kmsAsIam.contentType).toContain('json');
    expect(errorOf(kmsAsIam)).toMatchObject({ ...signatureError.kms, message: "Credential should be scoped to correct service: 'kms'." });
  });

  it('refuses an oversized STS body with STS\'s namespace', async () => {
    const response = await sendSigned(sandbox.endpoint, admin(), { ...requests.sts, body: Buffer.alloc(maxBodyBytes + 1024, 'a') });
    expect(response.status).toBe(413);
    expect(errorOf(response)).toMatchObject({ code: 'ValidationError', namespace: stsNamespace });
  });
});

describe('headers an attacker could change after signing', () => {
  it('requires X-Amz-Target among the signed headers, so a ListKeys signature cannot be replayed as CreateKey', async () => {
    const keysBefore = Object.keys(sandbox.world.state.keys).length;
    const response = await send('kms', {
      unsignedHeaders: ['x-amz-target'],
      tamper: (headers) => {
        const name = Object.keys(headers).find((header) => header.toLowerCase() === 'x-amz-target')!;
        headers[name] = 'TrentService.CreateKey';
      },
    });
    const error = errorOf(response);
    expect(error).toMatchObject(signatureError.kms);
    expect(error.message).toMatch(/^'x-amz-target' must be a 'SignedHeader' in the AWS Authorization\.$/i);
    expect(Object.keys(sandbox.world.state.keys)).toHaveLength(keysBefore);
  });

  it('requires every x-amz-* header to be signed, for IAM and STS too', async () => {
    for (const service of ['iam', 'sts'] as const) {
      const error = errorOf(await send(service, { unsignedHeaders: ['x-amz-date'] }));
      expect(error, service).toMatchObject(signatureError[service]);
      expect(error.message).toMatch(/^'x-amz-date' must be a 'SignedHeader' in the AWS Authorization\.$/i);
    }
  });
});

describe('a session token beside a long-term access key', () => {
  it('is refused as an invalid security token, by each service in its own words', async () => {
    const withBogusToken = { ...admin(), sessionToken: 'FwoGZXIvYXdzEBogus' };
    const expected = {
      kms: { status: 400, code: 'UnrecognizedClientException' },
      iam: { status: 403, code: 'InvalidClientTokenId' },
      sts: { status: 403, code: 'InvalidClientTokenId' },
    };
    for (const service of services) {
      const error = errorOf(await sendSigned(sandbox.endpoint, withBogusToken, requests[service]));
      expect(error, service).toMatchObject({ ...expected[service], message: 'The security token included in the request is invalid.' });
    }
  });

  it('is refused for the real aws CLI as well (AWS_SESSION_TOKEN set beside a user\'s key)', async () => {
    const { accessKeyId, secretAccessKey } = admin();
    const result = await aws(sandbox, ['kms', 'list-keys'], { credentials: { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey, SessionToken: 'bogus-token' } });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('UnrecognizedClientException');
    const withoutToken = await aws(sandbox, ['kms', 'list-keys'], { credentials: { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey } });
    expect(withoutToken.exitCode, withoutToken.stderr).toBe(0);
  });
});
