// The sandbox's ciphertext blob: real AES-256-GCM under the key's material, so tampering, a wrong
// key or a different encryption context fail authentication exactly where KMS fails with
// InvalidCiphertextException. Like KMS's own blobs it names its key, so Decrypt needs no KeyId.
//
// Layout: version (1) | ARN length (2, big-endian) | key ARN | IV (12) | tag (16) | ciphertext.
// The header and the canonical encryption context form the additional authenticated data.
import { createCipheriv, createDecipheriv, createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

const version = 1;
const ivLength = 12;
const tagLength = 16;

/** Key-sorted, length-prefixed pairs: the same context in any order gives the same bytes. */
export function canonicalContext(context: Readonly<Record<string, string>> | undefined): Buffer {
  const parts: Buffer[] = [];
  const lengthPrefixed = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of Object.keys(context ?? {}).sort()) {
    lengthPrefixed(name);
    lengthPrefixed(context![name]!);
  }
  return Buffer.concat(parts);
}

/** AES-256 needs 32 bytes; material of another length (a hand-written scenario) is hashed to fit. */
function deriveAesKey(material: string): Buffer {
  const bytes = Buffer.from(material, 'base64');
  return bytes.length === 32 ? bytes : createHash('sha256').update(bytes).digest();
}

/**
 * As a KeyObject, made once per material: Node then does not copy and check the raw key on every
 * cipher it creates. Bounded; past the bound it starts over.
 */
const aesKeys = new Map<string, KeyObject>();
function aesKey(material: string): KeyObject {
  let key = aesKeys.get(material);
  if (!key) {
    if (aesKeys.size >= 1_000) aesKeys.clear();
    key = createSecretKey(deriveAesKey(material));
    aesKeys.set(material, key);
  }
  return key;
}

function header(keyArn: string): Buffer {
  const arn = Buffer.from(keyArn, 'utf8');
  const head = Buffer.alloc(3);
  head.writeUInt8(version, 0);
  head.writeUInt16BE(arn.length, 1);
  return Buffer.concat([head, arn]);
}

export function seal(keyArn: string, material: string, plaintext: Buffer, context: Readonly<Record<string, string>> | undefined): Buffer {
  const head = header(keyArn);
  const iv = randomBytes(ivLength);
  const cipher = createCipheriv('aes-256-gcm', aesKey(material), iv);
  cipher.setAAD(Buffer.concat([head, canonicalContext(context)]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([head, iv, cipher.getAuthTag(), body]);
}

export interface ParsedBlob {
  readonly keyArn: string;
  readonly header: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly body: Buffer;
}

/** Reads the header; undefined for anything that is not a sandbox ciphertext. */
export function parseBlob(blob: Buffer): ParsedBlob | undefined {
  if (blob.length < 3 || blob.readUInt8(0) !== version) return undefined;
  const arnLength = blob.readUInt16BE(1);
  const bodyStart = 3 + arnLength + ivLength + tagLength;
  if (blob.length < bodyStart) return undefined;
  const keyArn = blob.subarray(3, 3 + arnLength).toString('utf8');
  if (!/^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(keyArn)) return undefined;
  return {
    keyArn,
    header: blob.subarray(0, 3 + arnLength),
    iv: blob.subarray(3 + arnLength, 3 + arnLength + ivLength),
    tag: blob.subarray(3 + arnLength + ivLength, bodyStart),
    body: blob.subarray(bodyStart),
  };
}

/** Decrypts; undefined when authentication fails (wrong material, context or a modified blob). */
export function open(parsed: ParsedBlob, material: string, context: Readonly<Record<string, string>> | undefined): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', aesKey(material), parsed.iv);
    decipher.setAAD(Buffer.concat([parsed.header, canonicalContext(context)]));
    decipher.setAuthTag(parsed.tag);
    return Buffer.concat([decipher.update(parsed.body), decipher.final()]);
  } catch {
    return undefined;
  }
}
