// ARNs, error codes and optional fields as the parser reads them out of a message.

export const KMS_ARN = /^arn:aws[\w-]*:kms:([^:]*):([^:]*):(key|alias)\/(.+)$/;
export const KEY_OR_ALIAS_ID = /^(?:key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/;
export const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
export const ACCOUNT_IN_ARN = /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/;

/** An ARN as the message gives it, without XML tags or punctuation glued to its end. */
export function asArn(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const arn = trimArn(value.split('</')[0] ?? '');
  return arn.startsWith('arn:') ? arn : undefined;
}

export function trimArn(value: string): string {
  return value.replace(/["'.,;)\]}]+$/, '');
}

/** A KMS key or alias ARN whose identifier is not masked (key/*****, key/<>). */
export function kmsKeyArn(arn: string | undefined): string | undefined {
  const match = KMS_ARN.exec(arn ?? '');
  if (match === null || arn === undefined) return undefined;
  return KEY_OR_ALIAS_ID.test(`${match[3]}/${match[4]}`) ? arn : undefined;
}

export function regionOf(arn: string | undefined): string | undefined {
  const region = KMS_ARN.exec(arn ?? '')?.[1];
  return region !== undefined && REGION.test(region) ? region : undefined;
}

export function accountOf(arn: string | undefined): string | undefined {
  return ACCOUNT_IN_ARN.exec(arn ?? '')?.[1];
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
