// ARNs, error codes and optional fields as the parser reads them out of a message. The ARNs themselves
// are read by the one parser (src/engine/identifiers.ts), like the user's input.
import { accountOfArn, parseArn } from '../identifiers.js';

/** An ARN as the message gives it, without XML tags or punctuation glued to its end. */
export function asArn(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const arn = trimArn(value.split('</')[0] ?? '');
  return arn.startsWith('arn:') ? arn : undefined;
}

export function trimArn(value: string): string {
  return value.replace(/["'.,;)\]}]+$/, '');
}

const unmaskedKeyOrAlias = /^(?:key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/;

/** A KMS key or alias ARN whose identifier is not masked (key/*****, key/<>); its account may be. */
export function kmsKeyArn(arn: string | undefined): string | undefined {
  const parts = parseArn(arn);
  return parts?.service === 'kms' && unmaskedKeyOrAlias.test(parts.resource) ? parts.arn : undefined;
}

/** The Region of a KMS ARN (a masked one too: AWS masks the key ID, not the Region). */
export function regionOf(arn: string | undefined): string | undefined {
  const parts = parseArn(arn);
  return parts?.service === 'kms' && /^[a-z]{2}(?:-[a-z]+)+-\d+$/.test(parts.region) ? parts.region : undefined;
}

export function accountOf(arn: string | undefined): string | undefined {
  return accountOfArn(arn);
}

/** KMS.NotFoundException → NotFoundException; com.amazonaws.kms#AccessDeniedException → AccessDeniedException. */
export function withoutNamespace(code: string): string {
  return code.split(/[.#]/).at(-1) ?? code;
}

export function lastOf<T>(items: readonly T[], predicate: (item: T) => boolean): T | undefined {
  return items.filter(predicate).at(-1);
}

/** `{ key: value }` when the value is known, `{}` otherwise, so the JSON carries no undefined fields. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
