// Verifies AWS Signature Version 4 on incoming requests.
//
// Written out here rather than borrowed from @smithy/signature-v4 because verifying means re-signing
// with exactly the header list the *client* chose to sign: signing libraries pick their own headers
// (the CLI signs some that smithy refuses to sign, and the other way round), so reproducing the
// client's canonical request needs control over every step. The algorithm follows
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
import * as crypto from 'node:crypto';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SignatureScope {
  readonly accessKeyId: string;
  /** yyyymmdd */
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

export interface ParsedAuthorization extends SignatureScope {
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const authorizationPattern =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;

/** Parses an `Authorization: AWS4-HMAC-SHA256 …` header; undefined when it is not one. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  if (header === undefined) return undefined;
  const match = authorizationPattern.exec(header.trim());
  if (!match) return undefined;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  return {
    accessKeyId: accessKeyId!,
    date: date!,
    region: region!,
    service: service!,
    signedHeaders: signedHeaders!.split(';'),
    signature: signature!,
  };
}

export interface SignedRequest {
  readonly method: string;
  /** Path and query exactly as they arrived on the wire, e.g. "/" or "/?Action=GetUser". */
  readonly rawUrl: string;
  /** Raw header list as [name, value, name, value…] (Node's `rawHeaders`). */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/** RFC 3986 encoding, as SigV4 requires (encodeURIComponent leaves !'()* alone). */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, '%20'));
  } catch {
    return value;
  }
}

function canonicalUri(path: string): string {
  // The path of every KMS, IAM and STS request: nothing to encode.
  if (path === '/') return '/';
  // Non-S3 services: each segment is URI-encoded twice; the wire form is the first encoding.
  return path
    .split('/')
    .map((segment) => uriEncode(safeDecode(segment)))
    .map((segment) => uriEncode(segment))
    .join('/') || '/';
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const separator = pair.indexOf('=');
      const name = separator === -1 ? pair : pair.slice(0, separator);
      const value = separator === -1 ? '' : pair.slice(separator + 1);
      return [uriEncode(safeDecode(name)), uriEncode(safeDecode(value))] as const;
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Whitespace SigV4's canonical form changes: a run of more than one space, or any other whitespace. */
const unusualWhitespace = /\s\s|[^\S ]/;

function parseHeaderValues(rawHeaders: readonly string[]): ReadonlyMap<string, readonly string[]> {
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const trimmed = rawHeaders[i + 1]!.trim();
    const value = unusualWhitespace.test(trimmed) ? trimmed.replace(/\s+/g, ' ') : trimmed;
    const list = values.get(name);
    if (list) list.push(value);
    else values.set(name, [value]);
  }
  return values;
}

/**
 * The headers of the request parsed last, by lower-case name: the signing checks, the timestamp and
 * the signature each read them, one after another. Recognised by the raw list itself, which Node makes
 * once per request and nothing changes afterwards; one entry only, no WeakMap (its entries, one per
 * request, would linger until a full garbage collection).
 */
let lastRawHeaders: readonly string[] | undefined;
let lastHeaderValues: ReadonlyMap<string, readonly string[]> | undefined;
let lastTimestamp: { readonly timestamp: RequestTimestamp | string | undefined } | undefined;

function headerValues(rawHeaders: readonly string[]): ReadonlyMap<string, readonly string[]> {
  if (rawHeaders !== lastRawHeaders || !lastHeaderValues) {
    lastRawHeaders = rawHeaders;
    lastHeaderValues = parseHeaderValues(rawHeaders);
    lastTimestamp = undefined;
  }
  return lastHeaderValues;
}

/** Node's one-shot hash (20.12+ and 21.7+): no Hash object per call, which a request paid twice. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'hex') => string }).hash;
const sha256Hex = (data: string | Buffer): string => (oneShotHash ? oneShotHash('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex'));
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** The body hashed last and its hash: the x-amz-content-sha256 check and the signature both need it. */
let lastBody: Buffer | undefined;
let lastBodyHash = '';

/** The request's payload hash: always computed from the body, never taken from the client. */
export function payloadHash(body: Buffer): string {
  if (body !== lastBody) {
    lastBodyHash = sha256Hex(body);
    lastBody = body;
  }
  return lastBodyHash;
}

/**
 * Whether an `x-amz-content-sha256` header, if the client sent one, names the body that arrived. KMS, IAM
 * and STS sign the body itself: `UNSIGNED-PAYLOAD` (or any other value) is not accepted by them.
 */
export function payloadHashMatches(request: SignedRequest): boolean {
  const claimed = headerValues(request.rawHeaders).get('x-amz-content-sha256');
  if (claimed === undefined) return true;
  return claimed.length === 1 && claimed[0]!.toLowerCase() === payloadHash(request.body);
}

/** The signature the request should carry if it was signed with `secretAccessKey`. */
// The signing key depends only on the secret, the day, the Region and the service: derived once per
// combination (four HMACs of the six a request costs), kept for a bounded number of them.
const signingKeys = new Map<string, Buffer>();
function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const id = `${secretAccessKey}\n${date}\n${region}\n${service}`;
  let key = signingKeys.get(id);
  if (!key) {
    if (signingKeys.size >= 1_000) signingKeys.clear();
    key = hmac(hmac(hmac(hmac('AWS4' + secretAccessKey, date), region), service), 'aws4_request');
    signingKeys.set(id, key);
  }
  return key;
}

export function expectedSignature(request: SignedRequest, auth: ParsedAuthorization, secretAccessKey: string): string {
  const headers = headerValues(request.rawHeaders);
  const queryStart = request.rawUrl.indexOf('?');
  const path = queryStart === -1 ? request.rawUrl : request.rawUrl.slice(0, queryStart);
  const query = queryStart === -1 ? '' : request.rawUrl.slice(queryStart + 1);
  const canonicalHeaders = auth.signedHeaders.map((name) => `${name}:${(headers.get(name) ?? []).join(',')}\n`).join('');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(path),
    canonicalQuery(query),
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    payloadHash(request.body),
  ].join('\n');
  const timestamp = requestTimestamp(request.rawHeaders);
  const amzDate = timestamp !== undefined && typeof timestamp !== 'string' ? timestamp.iso : '';
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  return createHmac('sha256', signingKey(secretAccessKey, auth.date, auth.region, auth.service)).update(stringToSign, 'utf8').digest('hex');
}

/** Constant-time comparison of the client's signature with the expected one. */
export function signatureMatches(request: SignedRequest, auth: ParsedAuthorization, secretAccessKey: string): boolean {
  const expected = Buffer.from(expectedSignature(request, auth, secretAccessKey), 'hex');
  const given = Buffer.from(auth.signature, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface RequestTimestamp {
  /** yyyymmddThhmmssZ, as it goes into the string to sign. */
  readonly iso: string;
  /** Shared by every reader of the request's timestamp: never changed. */
  readonly time: Date;
}

const isoBasic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function fromIsoBasic(value: string): RequestTimestamp | undefined {
  const match = isoBasic.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const time = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  // Date.UTC rolls 20240231 over into March (and reads years 0-99 as 19xx): a date that does not exist
  // is malformed.
  const exists =
    time.getUTCFullYear() === y &&
    time.getUTCMonth() === mo! - 1 &&
    time.getUTCDate() === d &&
    time.getUTCHours() === h &&
    time.getUTCMinutes() === mi &&
    time.getUTCSeconds() === s;
  return exists ? { iso: value, time } : undefined;
}

const toIsoBasic = (time: Date): string => time.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');

/**
 * The request time: X-Amz-Date (yyyymmddThhmmssZ), or else the HTTP Date header (RFC 7231, or the same
 * ISO 8601 basic form). Undefined when neither header is present; the raw value when it cannot be read.
 */
export function requestTimestamp(rawHeaders: readonly string[]): RequestTimestamp | string | undefined {
  // Read once per request (the checks before the body and the signature all need it), like the headers.
  const headers = headerValues(rawHeaders);
  lastTimestamp ??= { timestamp: readTimestamp(headers) };
  return lastTimestamp.timestamp;
}

function readTimestamp(headers: ReadonlyMap<string, readonly string[]>): RequestTimestamp | string | undefined {
  const amzDate = headers.get('x-amz-date')?.[0];
  if (amzDate !== undefined) return fromIsoBasic(amzDate) ?? amzDate;
  const date = headers.get('date')?.[0];
  if (date === undefined) return undefined;
  const iso = fromIsoBasic(date);
  if (iso) return iso;
  // An HTTP date names a weekday and a GMT time, e.g. "Tue, 01 Jan 2030 00:00:00 GMT".
  const parsed = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(date) ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(parsed)) return date;
  const time = new Date(parsed);
  return { iso: toIsoBasic(time), time };
}

/**
 * What AWS rejects before it looks at the signature itself, in its own words: `incomplete` is
 * IncompleteSignature(Exception), `mismatch` is SignatureDoesNotMatch / InvalidSignatureException.
 */
export interface SigningProblem {
  readonly kind: 'incomplete' | 'mismatch';
  readonly message: string;
}

/** The first x-amz-* header of the request (as the client spelled it) that SignedHeaders leaves out. */
function unsignedAmzHeader(rawHeaders: readonly string[], signedHeaders: readonly string[]): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.toLowerCase().startsWith('x-amz-') && !signedHeaders.includes(name.toLowerCase())) return name;
  }
  return undefined;
}

export function signingProblem(request: SignedRequest, auth: ParsedAuthorization): SigningProblem | undefined {
  if (!auth.signedHeaders.includes('host') && !auth.signedHeaders.includes(':authority')) {
    return { kind: 'incomplete', message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." };
  }
  // Every x-amz-* header a request carries must be signed (AWS answers in these words). X-Amz-Target
  // picks the JSON protocol's operation: unsigned, a ListKeys signature could be replayed as CreateKey.
  const unsigned = unsignedAmzHeader(request.rawHeaders, auth.signedHeaders);
  if (unsigned !== undefined) return { kind: 'mismatch', message: `'${unsigned}' must be a 'SignedHeader' in the AWS Authorization.` };
  const timestamp = requestTimestamp(request.rawHeaders);
  if (timestamp === undefined) {
    return {
      kind: 'incomplete',
      message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256",
    };
  }
  if (typeof timestamp === 'string') {
    return { kind: 'incomplete', message: `Date must be in ISO-8601 'basic format'. Got '${timestamp}'. See http://en.wikipedia.org/wiki/ISO_8601` };
  }
  const day = timestamp.iso.slice(0, 8);
  if (day !== auth.date) {
    return {
      kind: 'mismatch',
      message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${day}', from '${timestamp.iso}'.`,
    };
  }
  return undefined;
}

/** AWS's words for a request time more than `maxSkewMs` away from its clock; undefined when within it. */
export function clockSkewProblem(timestamp: RequestTimestamp, now: Date, maxSkewMs: number): string | undefined {
  const minutes = Math.round(maxSkewMs / 60_000);
  if (timestamp.time.getTime() < now.getTime() - maxSkewMs) {
    return `Signature expired: ${timestamp.iso} is now earlier than ${toIsoBasic(new Date(now.getTime() - maxSkewMs))} (${toIsoBasic(now)} - ${minutes} min.)`;
  }
  if (timestamp.time.getTime() > now.getTime() + maxSkewMs) {
    return `Signature not yet current: ${timestamp.iso} is still later than ${toIsoBasic(new Date(now.getTime() + maxSkewMs))} (${toIsoBasic(now)} + ${minutes} min.)`;
  }
  return undefined;
}
